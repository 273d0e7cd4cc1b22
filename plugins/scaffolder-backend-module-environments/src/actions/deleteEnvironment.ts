import { InputError, NotFoundError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  DEFAULT_POLL_INTERVALS,
  DEFAULT_TIMEOUT_SECONDS,
  EnvironmentsActionOptions,
  environmentPageUrl,
  onBehalfOf,
  statusCodeOf,
} from './environmentsAccess';
import { toComponentRef } from './componentRef';
import { describeEnvironment, followEnvironment } from './followEnvironment';
import { examples } from './deleteEnvironment.examples';
import { deleteEnvironmentSchema } from './deleteEnvironment.schema';

/**
 * Creates the `environments:delete` action: tears an environment down
 * through the environments backend, as the user who runs the task, and by
 * default waits until it is deleted. Deleting an environment that is already
 * being deleted, or is gone, succeeds.
 *
 * @public
 */
export function createDeleteEnvironmentAction(
  options: EnvironmentsActionOptions,
) {
  const { environments, auth, appBaseUrl } = options;
  const intervals = { ...DEFAULT_POLL_INTERVALS, ...options.pollIntervals };

  return createTemplateAction({
    id: 'environments:delete',
    description:
      'Deletes an environment, given by its id or by its component and name, as the user who runs the template, and waits until it is gone. Deleting one that is already deleting or deleted succeeds.',
    examples,
    supportsDryRun: true,
    schema: deleteEnvironmentSchema,

    async handler(ctx) {
      const { input, logger, signal } = ctx;
      const wait = input.wait ?? true;
      const timeoutSeconds = input.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
      const target = parseTarget(input);
      const asUser = onBehalfOf(auth, await ctx.getInitiatorCredentials());

      if (ctx.isDryRun) {
        logger.info(`Dry run: would delete ${target.description}`);
        if (target.id) {
          ctx.output('environmentId', target.id);
        }
        ctx.output('status', wait ? 'deleted' : 'deleting');
        return;
      }

      // The deletion itself is idempotent; the checkpoint keeps a retried
      // task on the same environment once the name is free again.
      const { id } = await ctx.checkpoint({
        key: `environments.delete.${target.key}`,
        fn: async () => ({ id: await startDeletion() }),
      });
      if (!id) {
        ctx.output('status', 'deleted');
        return;
      }

      let environment = await environments.getEnvironment(id, await asUser());
      const url = environmentPageUrl(appBaseUrl, id);
      if (wait) {
        environment = await followEnvironment({
          environments,
          requestOptions: asUser,
          environment,
          isSettled: e => e.status === 'deleted',
          timeoutMs: timeoutSeconds * 1000,
          intervalMs: intervals.statusMs,
          logger,
          signal,
          onTimeout: last =>
            new Error(
              `Timed out after ${timeoutSeconds} seconds (timeoutSeconds) waiting for environment ${describeEnvironment(
                last,
              )} to be deleted; it is still ${last.status}${
                last.reason ? ` (${last.reason})` : ''
              }. The teardown goes on in the background: follow it at ${url}`,
            ),
        });
        logger.info(
          `Environment ${describeEnvironment(environment)} is deleted`,
        );
      }
      ctx.output('environmentId', id);
      ctx.output('status', environment.status);

      /** Starts the teardown; returns the id, or '' when there is nothing to delete. */
      async function startDeletion(): Promise<string> {
        const environmentId = target.id ?? (await findByName());
        if (!environmentId) {
          return '';
        }
        try {
          const deleting = await environments.deleteEnvironment(
            environmentId,
            await asUser(),
          );
          logger.info(
            `Deleting environment ${describeEnvironment(deleting)}: it is ${
              deleting.status
            }`,
            { environmentId, status: deleting.status },
          );
          return environmentId;
        } catch (error) {
          if (statusCodeOf(error) === 404) {
            throw new NotFoundError(
              `Environment '${environmentId}' does not exist`,
              error,
            );
          }
          throw error;
        }
      }

      async function findByName(): Promise<string | undefined> {
        // Deleted environments are not listed, so not finding it by name
        // means it is gone, or never was: either way nothing is left to do.
        const { items } = await environments.listEnvironments(
          { componentRef: target.componentRef },
          await asUser(),
        );
        const found = items.find(e => e.name === target.name);
        if (!found) {
          logger.info(
            `${target.componentRef} has no live environment named ${target.name}; nothing to delete`,
          );
        }
        return found?.id;
      }
    },
  });
}

type Target = {
  id?: string;
  componentRef?: string;
  name?: string;
  /** Part of the checkpoint key. */
  key: string;
  description: string;
};

function parseTarget(input: {
  environmentId?: string;
  componentRef?: string;
  name?: string;
}): Target {
  const { environmentId, componentRef, name } = input;
  if (environmentId && !componentRef && !name) {
    return {
      id: environmentId,
      key: environmentId,
      description: `environment ${environmentId}`,
    };
  }
  if (!environmentId && componentRef && name) {
    const ref = toComponentRef(componentRef);
    return {
      componentRef: ref,
      name,
      key: `${ref}.${name}`,
      description: `environment ${name} of ${ref}`,
    };
  }
  throw new InputError(
    'Give either environmentId, or componentRef and name, to say which environment to delete',
  );
}
