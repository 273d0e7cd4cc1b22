import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Deploys a release of the component to its development environment and waits until the rollout succeeds.',
    example: yaml.stringify({
      steps: [
        {
          id: 'deploy',
          action: 'environments:deploy',
          name: 'Deploy to development',
          input: {
            componentRef: 'component:default/orders-service',
            environment: 'development',
            image: 'registry.local/orders-service:1.4.2',
            message: 'First release from the template',
          },
        },
      ],
      output: {
        text: [
          {
            title: 'Deployment',
            content:
              '${{ steps.deploy.output.version }} is ${{ steps.deploy.output.state }}',
          },
        ],
      },
    }),
  },
  {
    description:
      'Deploys a new tag of the image that runs in staging, and returns as soon as the deployment is recorded (it may wait for approval).',
    example: yaml.stringify({
      steps: [
        {
          id: 'deploy',
          action: 'environments:deploy',
          name: 'Deploy 1.5.0 to staging',
          input: {
            componentRef: 'component:default/orders-service',
            environment: 'staging',
            tag: '1.5.0',
            wait: false,
          },
        },
      ],
    }),
  },
];
