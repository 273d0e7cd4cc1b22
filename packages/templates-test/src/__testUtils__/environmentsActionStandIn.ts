import { createBackendModule } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  createTemplateAction,
  scaffolderActionsExtensionPoint,
} from '@backstage/plugin-scaffolder-node';
import {
  Environment,
  EnvironmentsApi,
  EnvironmentType,
  formatValidationIssues,
  validateEnvironmentRequest,
} from '@internal/backstage-plugin-environments-common';
import { requestEnvironmentSchema } from '@internal/backstage-plugin-scaffolder-backend-module-environments';

/** The inputs the stand-in received, one per run of the step. */
export type EnvironmentRequest = {
  componentRef: string;
  type: string;
  name?: string;
  ttl?: string;
  overrides?: { cpu?: string; memory?: string };
  wait?: boolean;
};

/** Statuses after which an environment changes no more on its own. */
const SETTLED = ['ready', 'failed', 'deleting', 'deleted'];

/**
 * Stands in for the platform's `environments:request` action
 * (plugins/scaffolder-backend-module-environments) with its contract: the
 * real action's input and output schemas, and, as the real action checks
 * in a dry run, the request against the types with the backend's rules
 * (`validateEnvironmentRequest`). It records what it was asked for, so that a
 * test can check what a template asks for, and requests the environment from
 * `environments` (the shared in-memory API in tests): a name taken by an
 * earlier run is that run's environment, as the real action adopts it.
 */
export function environmentsRequestStandIn(options: {
  requests: EnvironmentRequest[];
  environments: EnvironmentsApi;
  appBaseUrl: string;
}) {
  const { requests, environments, appBaseUrl } = options;

  async function validate(input: EnvironmentRequest) {
    const { items } = await environments.listTypes();
    const types: Record<string, EnvironmentType> = Object.fromEntries(
      items.map(({ name, allowed: _allowed, ...type }) => [name, type]),
    );
    const { wait: _wait, ...request } = input;
    const validation = validateEnvironmentRequest(request, types);
    if (!validation.ok) {
      throw new InputError(
        `Invalid environment request:\n${formatValidationIssues(
          validation.issues,
        )}`,
      );
    }
    return validation.request;
  }

  async function requestOrAdopt(input: EnvironmentRequest) {
    const request = await validate(input);
    const { items } = await environments.listEnvironments({
      componentRef: request.componentRef,
    });
    return (
      items.find(e => e.name === request.name) ??
      (await environments.createEnvironment(request))
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
              schema: requestEnvironmentSchema,
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
