import { ForwardedError, InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  DeployRequest,
  deployRequestSchema,
  formatValidationIssues,
  parseWithIssues,
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
import { examples } from './deployToEnvironment.examples';
import {
  DRY_RUN_DEPLOYMENT_ID,
  deployToEnvironmentSchema,
} from './deployToEnvironment.schema';

/** The tag of an image reference, for a dry run's version. */
function tagOf(image: string): string | undefined {
  const name = image.split('@')[0];
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(colon + 1) : undefined;
}

/**
 * Creates the `environments:deploy` action: deploys an image (or a new tag)
 * to one of a component's environments, named as in the portal, as the user
 * who runs the task, and by default waits until the rollout succeeds.
 *
 * @public
 */
export function createDeployToEnvironmentAction(
  options: EnvironmentsActionOptions,
) {
  const { environments, auth, appBaseUrl } = options;
  const intervals = { ...DEFAULT_POLL_INTERVALS, ...options.pollIntervals };

  return createTemplateAction({
    id: 'environments:deploy',
    description:
      "Deploys an image, or a new tag of the one that runs, to one of a component's environments, as the user who runs the template, and waits until the rollout succeeds.",
    examples,
    supportsDryRun: true,
    schema: deployToEnvironmentSchema,

    async handler(ctx) {
      const { input, logger, signal } = ctx;
      const wait = input.wait ?? true;
      const timeoutSeconds = input.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
      const componentRef = toComponentRef(input.componentRef);
      const request: DeployRequest = {
        ...(input.image !== undefined && { image: input.image }),
        ...(input.tag !== undefined && { tag: input.tag }),
        ...(input.message !== undefined && { message: input.message }),
        source: 'scaffolder',
      };
      // The backend's own rules, so that a dry run names what the real run
      // would refuse.
      const parsed = parseWithIssues(deployRequestSchema, request);
      if (!parsed.success) {
        throw new InputError(
          `Invalid deployment:\n${formatValidationIssues(parsed.issues)}`,
        );
      }
      const asUser = onBehalfOf(auth, await ctx.getInitiatorCredentials());

      if (ctx.isDryRun) {
        const version =
          input.tag ?? (input.image && tagOf(input.image)) ?? 'latest';
        logger.info(
          `Dry run: the deployment of ${
            input.image ?? input.tag ?? 'the current configuration'
          } to ${
            input.environment
          } of ${componentRef} is valid; nothing was deployed`,
        );
        ctx.output('deploymentId', DRY_RUN_DEPLOYMENT_ID);
        ctx.output('state', wait ? 'succeeded' : 'rolling-out');
        ctx.output('version', version);
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

      // A retried task follows the deployment it made instead of making
      // another one.
      const { id } = await ctx.checkpoint({
        key: `environments.deploy.${componentRef}.${input.environment}.${
          input.image ?? input.tag ?? ''
        }`,
        fn: async () => {
          try {
            const created = await environments.deploy(
              environment.id,
              request,
              await asUser(),
            );
            logger.info(`Deploying ${describeDeployment(created)}: ${url}`, {
              deploymentId: created.id,
              state: created.state,
            });
            return { id: created.id };
          } catch (error) {
            throw new ForwardedError(
              `Could not deploy to ${
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
