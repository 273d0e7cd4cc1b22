import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Requests a development environment for the component that the previous step registered, and waits until it is ready.',
    example: yaml.stringify({
      steps: [
        {
          id: 'environment',
          action: 'environments:request',
          name: 'Request a development environment',
          input: {
            componentRef: 'component:default/orders-service',
            type: 'development',
            wait: true,
          },
        },
      ],
    }),
  },
  {
    description:
      'Requests a preview environment that lives for a day, with more memory, a PostgreSQL database and a given image, and returns as soon as the request is stored.',
    example: yaml.stringify({
      steps: [
        {
          id: 'preview',
          action: 'environments:request',
          name: 'Request a preview environment',
          input: {
            componentRef: 'component:default/orders-service',
            type: 'preview',
            name: 'pr-42',
            ttl: '1d',
            overrides: { cpu: '1', memory: '2Gi' },
            image: 'registry.local/orders-service:pr-42',
            resources: [
              { type: 'postgresql', name: 'orders-db', version: '16' },
            ],
            wait: false,
          },
        },
      ],
    }),
  },
  {
    description:
      'Waits up to 20 minutes for a staging environment, then links to its page.',
    example: yaml.stringify({
      steps: [
        {
          id: 'staging',
          action: 'environments:request',
          name: 'Request a staging environment',
          input: {
            componentRef: 'component:default/orders-service',
            type: 'staging',
            timeoutSeconds: 1200,
          },
        },
      ],
      output: {
        links: [
          {
            title: 'Staging environment',
            url: '${{ steps.staging.output.url }}',
          },
        ],
      },
    }),
  },
];
