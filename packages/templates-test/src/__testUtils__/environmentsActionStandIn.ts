import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  createTemplateAction,
  scaffolderActionsExtensionPoint,
} from '@backstage/plugin-scaffolder-node';

/** The inputs the stand-in received, one per run of the step. */
export type EnvironmentRequest = {
  componentRef: string;
  type: string;
  wait?: boolean;
};

/**
 * Stands in for the platform's `environments:request` action
 * (plugins/scaffolder-backend-module-environments) with its agreed contract:
 * the inputs it validates and the outputs the templates read. It records what
 * it was asked for, so that a test can check what a template asks for.
 */
export function environmentsRequestStandIn(requests: EnvironmentRequest[]) {
  return createBackendModule({
    pluginId: 'scaffolder',
    moduleId: 'environments-request-stand-in',
    register(reg) {
      reg.registerInit({
        deps: { scaffolder: scaffolderActionsExtensionPoint },
        async init({ scaffolder }) {
          scaffolder.addActions(
            createTemplateAction({
              id: 'environments:request',
              description: 'Test stand-in: records the request it receives.',
              supportsDryRun: true,
              schema: {
                input: {
                  componentRef: z => z.string().min(1),
                  type: z => z.string().min(1),
                  wait: z => z.boolean().optional(),
                },
                output: {
                  environmentId: z => z.string(),
                  namespace: z => z.string(),
                  status: z => z.string(),
                },
              },
              async handler(ctx) {
                requests.push(ctx.input);
                ctx.output('environmentId', 'env-0001');
                ctx.output('namespace', 'good-name-development');
                ctx.output('status', 'ready');
              },
            }),
          );
        },
      });
    },
  });
}
