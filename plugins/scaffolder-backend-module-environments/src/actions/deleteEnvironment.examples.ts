import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Deletes an environment by its id (the environmentId output of environments:request), and waits until it is gone.',
    example: yaml.stringify({
      steps: [
        {
          id: 'teardown',
          action: 'environments:delete',
          name: 'Delete the environment',
          input: {
            environmentId: '0d9a3c52-6f1e-4b7a-9a43-2f5c8e1b7d10',
          },
        },
      ],
    }),
  },
  {
    description:
      'Starts deleting the preview environment pr-42 of a component, found by name, without waiting.',
    example: yaml.stringify({
      steps: [
        {
          id: 'teardown',
          action: 'environments:delete',
          name: 'Delete the preview environment',
          input: {
            componentRef: 'component:default/orders-service',
            name: 'pr-42',
            wait: false,
          },
        },
      ],
    }),
  },
];
