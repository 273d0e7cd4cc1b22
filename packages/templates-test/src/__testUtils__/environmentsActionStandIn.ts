import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  createTemplateAction,
  scaffolderActionsExtensionPoint,
} from '@backstage/plugin-scaffolder-node';
import {
  Environment,
  EnvironmentsApi,
} from '@internal/backstage-plugin-environments-common';

/** The inputs the stand-in received, one per run of the step. */
export type EnvironmentRequest = {
  componentRef: string;
  type: string;
  wait?: boolean;
};

/** Statuses after which an environment changes no more on its own. */
const SETTLED = ['ready', 'failed', 'deleting', 'deleted'];

/**
 * Stands in for the platform's `environments:request` action
 * (plugins/scaffolder-backend-module-environments) with its agreed contract:
 * the inputs it validates and the outputs the templates read. It records what
 * it was asked for, so that a test can check what a template asks for, and
 * requests the environment from `environments` (the shared in-memory API in
 * tests): a name taken by an earlier run is that run's environment, as the
 * real action adopts it.
 */
export function environmentsRequestStandIn(
  requests: EnvironmentRequest[],
  environments: EnvironmentsApi,
) {
  async function requestOrAdopt(input: EnvironmentRequest) {
    const { items } = await environments.listEnvironments({
      componentRef: input.componentRef,
    });
    return (
      items.find(e => e.name === input.type) ??
      (await environments.createEnvironment({
        componentRef: input.componentRef,
        type: input.type,
      }))
    );
  }

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
                let environment: Environment = await requestOrAdopt(ctx.input);
                while (
                  (ctx.input.wait ?? true) &&
                  !SETTLED.includes(environment.status)
                ) {
                  environment = await environments.getEnvironment(
                    environment.id,
                  );
                }
                ctx.output('environmentId', environment.id);
                ctx.output('namespace', environment.namespace);
                ctx.output('status', environment.status);
              },
            }),
          );
        },
      });
    },
  });
}
