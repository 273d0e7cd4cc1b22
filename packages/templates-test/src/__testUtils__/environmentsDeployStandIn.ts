import { createBackendModule } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  createTemplateAction,
  scaffolderActionsExtensionPoint,
} from '@backstage/plugin-scaffolder-node';
import {
  Deployment,
  deployRequestSchema,
  EnvironmentsApi,
  formatValidationIssues,
  parseWithIssues,
} from '@internal/backstage-plugin-environments-common';
import { deployToEnvironmentSchema } from '@internal/backstage-plugin-scaffolder-backend-module-environments';

/** The inputs the stand-in received, one per run of the step. */
export type DeploymentRequest = {
  componentRef: string;
  environment: string;
  image?: string;
  tag?: string;
  message?: string;
  wait?: boolean;
};

/** States a deployment is still on its way in. */
const UNSETTLED = ['pending-approval', 'rolling-out'];

/**
 * Stands in for the platform's `environments:deploy` action
 * (plugins/scaffolder-backend-module-environments) with its contract: the
 * real action's input and output schemas, the request checked with the
 * contract's `deployRequestSchema` as the real action checks it, the
 * environment found by name among the component's. It records what it was
 * asked for and deploys through `environments` (the shared in-memory API in
 * tests), where a dry run of the real action deploys nothing, so that the
 * template's outputs have something to show.
 */
export function environmentsDeployStandIn(options: {
  requests: DeploymentRequest[];
  environments: EnvironmentsApi;
  appBaseUrl: string;
}) {
  const { requests, environments, appBaseUrl } = options;

  return createBackendModule({
    pluginId: 'scaffolder',
    moduleId: 'environments-deploy-stand-in',
    register(reg) {
      reg.registerInit({
        deps: { scaffolder: scaffolderActionsExtensionPoint },
        async init({ scaffolder }) {
          scaffolder.addActions(
            createTemplateAction({
              id: 'environments:deploy',
              description: 'Test stand-in: records the deployment it receives.',
              supportsDryRun: true,
              schema: deployToEnvironmentSchema,
              async handler(ctx) {
                const { input } = ctx;
                requests.push(input);
                const request = parseWithIssues(deployRequestSchema, {
                  ...(input.image !== undefined && { image: input.image }),
                  ...(input.tag !== undefined && { tag: input.tag }),
                  ...(input.message !== undefined && {
                    message: input.message,
                  }),
                  source: 'scaffolder',
                });
                if (!request.success) {
                  throw new InputError(
                    `Invalid deployment:\n${formatValidationIssues(
                      request.issues,
                    )}`,
                  );
                }
                const { items } = await environments.listEnvironments({
                  componentRef: input.componentRef,
                });
                const environment = items.find(
                  e => e.name === input.environment,
                );
                if (!environment) {
                  throw new InputError(
                    `${input.componentRef} has no environment named '${
                      input.environment
                    }'; it has ${items.map(e => e.name).join(', ') || 'none'}`,
                  );
                }
                let deployment: Deployment = await environments.deploy(
                  environment.id,
                  request.data,
                );
                // The in-memory API settles a rollout when it is recorded, or
                // when a test changes it; one read sees either.
                if (
                  (input.wait ?? true) &&
                  UNSETTLED.includes(deployment.state)
                ) {
                  deployment = await environments.getDeployment(deployment.id);
                }
                ctx.output('deploymentId', deployment.id);
                ctx.output('state', deployment.state);
                ctx.output('version', deployment.version);
                ctx.output(
                  'url',
                  `${appBaseUrl}/environments/${environment.id}`,
                );
              },
            }),
          );
        },
      });
    },
  });
}
