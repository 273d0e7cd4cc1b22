import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Promotes what succeeded in development to staging and waits until it succeeds there.',
    example: yaml.stringify({
      steps: [
        {
          id: 'promote',
          action: 'environments:promote',
          name: 'Promote to staging',
          input: {
            componentRef: 'component:default/orders-service',
            environment: 'staging',
            message: 'Release candidate for 1.4',
          },
        },
      ],
    }),
  },
  {
    description:
      'Asks for a promotion to production, which waits for an approver, and links to the environment without waiting.',
    example: yaml.stringify({
      steps: [
        {
          id: 'promote',
          action: 'environments:promote',
          name: 'Promote to production',
          input: {
            componentRef: 'component:default/orders-service',
            environment: 'production',
            message: 'Release 1.4.2',
            wait: false,
          },
        },
      ],
      output: {
        links: [
          { title: 'Production', url: '${{ steps.promote.output.url }}' },
        ],
      },
    }),
  },
];
