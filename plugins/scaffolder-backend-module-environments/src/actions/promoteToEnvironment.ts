import { ForwardedError, InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  formatValidationIssues,
  parseWithIssues,
  PromoteRequest,
  promoteRequestSchema,
} from '@internal/backstage-plugin-environments-common';
import {
  DEFAULT_POLL_INTERVALS,
  DEFAULT_TIMEOUT_SECONDS,
  EnvironmentsActionOptions,
  environmentPageUrl,
  onBehalfOf,
  refusalOf,
} from './environmentsAccess';
import { toComponentRef } from './componentRef';
import {
  describeDeployment,
  findEnvironment,
  settleDeployment,
} from './followDeployment';
import { examples } from './promoteToEnvironment.examples';
import {
  DRY_RUN_DEPLOYMENT_ID,
  promoteToEnvironmentSchema,
} from './deployToEnvironment.schema';

/**
 * Creates the `environments:promote` action: promotes into one of a
 * component's environments what succeeded in the environment before it in
 * the promotion path, as the user who runs the task, and by default waits
 * until it succeeds (through its approval, where one is needed).
 *
 * @public
 */
export function createPromoteToEnvironmentAction(
  options: EnvironmentsActionOptions,
) {
  const { environments, auth, appBaseUrl } = options;
  const intervals = { ...DEFAULT_POLL_INTERVALS, ...options.pollIntervals };

  return createTemplateAction({
    id: 'environments:promote',
    description:
      'Promotes into an environment of a component what succeeded in the environment before it in the promotion path, as the user who runs the template, and waits until it succeeds.',
    examples,
    supportsDryRun: true,
    schema: promoteToEnvironmentSchema,

    async handler(ctx) {
      const { input, logger, signal } = ctx;
      const wait = input.wait ?? true;
      const timeoutSeconds = input.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
      const componentRef = toComponentRef(input.componentRef);
      const request: PromoteRequest = {
        ...(input.deploymentId !== undefined && {
          deploymentId: input.deploymentId,
        }),
        ...(input.message !== undefined && { message: input.message }),
        source: 'scaffolder',
      };
      const parsed = parseWithIssues(promoteRequestSchema, request);
      if (!parsed.success) {
        throw new InputError(
          `Invalid promotion:\n${formatValidationIssues(parsed.issues)}`,
        );
      }
      const asUser = onBehalfOf(auth, await ctx.getInitiatorCredentials());

      if (ctx.isDryRun) {
        logger.info(
          `Dry run: the promotion into ${input.environment} of ${componentRef} is valid; nothing was promoted`,
        );
        ctx.output('deploymentId', DRY_RUN_DEPLOYMENT_ID);
        ctx.output('state', wait ? 'succeeded' : 'rolling-out');
        ctx.output('version', 'dry-run');
        ctx.output(
          'url',
          environmentPageUrl(appBaseUrl, DRY_RUN_DEPLOYMENT_ID),
        );
        return;
      }

      const environment = await findEnvironment({
        environments,
        requestOptions: asUser,
        componentRef,
        name: input.environment,
      });
      const url = environmentPageUrl(appBaseUrl, environment.id);

      const { id } = await ctx.checkpoint({
        key: `environments.promote.${componentRef}.${input.environment}.${
          input.deploymentId ?? ''
        }`,
        fn: async () => {
          try {
            const created = await environments.promote(
              environment.id,
              request,
              await asUser(),
            );
            logger.info(`Promoting ${describeDeployment(created)}: ${url}`, {
              deploymentId: created.id,
              promotedFrom: created.promotedFrom?.deploymentId,
              state: created.state,
            });
            return { id: created.id };
          } catch (error) {
            throw new ForwardedError(
              `Could not promote into ${
                input.environment
              } of ${componentRef}: ${refusalOf(error)}`,
              error,
            );
          }
        },
      });

      const deployment = await settleDeployment({
        environments,
        requestOptions: asUser,
        deployment: await environments.getDeployment(id, await asUser()),
        wait,
        timeoutSeconds,
        intervalMs: intervals.statusMs,
        url,
        logger,
        signal,
      });
      ctx.output('deploymentId', deployment.id);
      ctx.output('state', deployment.state);
      ctx.output('version', deployment.version);
      ctx.output('url', url);
    },
  });
}
