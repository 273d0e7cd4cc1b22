import {
  ConflictError,
  ForwardedError,
  InputError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  Environment,
  EnvironmentRequest,
  environmentNamespace,
  EnvironmentType,
  formatValidationIssues,
  validateEnvironmentRequest,
} from '@internal/backstage-plugin-environments-common';
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
import { pollUntil } from './polling';
import { examples } from './requestEnvironment.examples';
import {
  DRY_RUN_ENVIRONMENT_ID,
  requestEnvironmentSchema,
} from './requestEnvironment.schema';

/** Statuses after which a new environment changes no more on its own. */
const SETTLED_STATUSES = ['ready', 'failed', 'deleting', 'deleted'];

/** How often to say that the component is still not in the catalog. */
const CATALOG_PROGRESS_EVERY_MS = 10_000;

function failureDetails(environment: Environment): string {
  const failed = environment.conditions
    .filter(condition => condition.status === 'failed')
    .map(
      condition =>
        `${condition.kind} ${condition.name}: ${
          condition.message ?? condition.reason ?? 'failed'
        }`,
    );
  return [environment.reason ?? 'no reason given', ...failed].join('; ');
}

/**
 * Creates the `environments:request` action: requests an environment for a
 * catalog component from the environments backend, as the user who runs the
 * task, and by default waits until it is ready.
 *
 * @public
 */
export function createRequestEnvironmentAction(
  options: EnvironmentsActionOptions & {
    /** Where the action waits for a just-registered component to appear. */
    catalog: CatalogService;
  },
) {
  const { environments, auth, catalog, appBaseUrl } = options;
  const intervals = { ...DEFAULT_POLL_INTERVALS, ...options.pollIntervals };

  return createTemplateAction({
    id: 'environments:request',
    description:
      'Requests an environment (a Kubernetes namespace with the baseline of its type) for a catalog component, as the user who runs the template, and waits until it is ready.',
    examples,
    supportsDryRun: true,
    schema: requestEnvironmentSchema,

    async handler(ctx) {
      const { input, logger, signal } = ctx;
      const wait = input.wait ?? true;
      const timeoutSeconds = input.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
      const componentRef = toComponentRef(input.componentRef);
      const environmentName = input.name ?? input.type;
      const request: EnvironmentRequest = {
        componentRef,
        type: input.type,
        ...(input.name !== undefined && { name: input.name }),
        ...(input.ttl !== undefined && { ttl: input.ttl }),
        ...(input.overrides !== undefined && { overrides: input.overrides }),
        ...(input.image !== undefined && { image: input.image }),
        ...(input.resources !== undefined && { resources: input.resources }),
      };
      const credentials = await ctx.getInitiatorCredentials();
      const asUser = onBehalfOf(auth, credentials);

      if (ctx.isDryRun) {
        // The same rules the backend applies, with the types as it has them;
        // the component is left out: in a dry run it is not registered.
        const { items } = await environments.listTypes(await asUser());
        const types: Record<string, EnvironmentType> = Object.fromEntries(
          items.map(({ name, allowed: _allowed, ...type }) => [name, type]),
        );
        const validation = validateEnvironmentRequest(request, types);
        if (!validation.ok) {
          throw new InputError(
            `Invalid environment request:\n${formatValidationIssues(
              validation.issues,
            )}`,
          );
        }
        const spec = validation.request;
        if (items.some(type => type.name === spec.type && !type.allowed)) {
          logger.warn(
            `Environment type ${spec.type} is restricted to groups you are not in; the real run may be refused`,
          );
        }
        const namespace = environmentNamespace(spec.componentRef, spec.name);
        logger.info(
          `Dry run: the request for ${spec.type} environment ${spec.name} of ${spec.componentRef} is valid; nothing was created`,
          { componentRef: spec.componentRef, type: spec.type, namespace },
        );
        ctx.output('environmentId', DRY_RUN_ENVIRONMENT_ID);
        ctx.output('namespace', namespace);
        ctx.output('status', wait ? 'ready' : 'requested');
        ctx.output(
          'url',
          environmentPageUrl(appBaseUrl, DRY_RUN_ENVIRONMENT_ID),
        );
        return;
      }

      await waitForComponent();

      // A retried task gets the id back from its checkpoint instead of
      // requesting a second environment.
      const { id } = await ctx.checkpoint({
        key: `environments.request.${componentRef}.${environmentName}`,
        fn: async () => ({ id: (await createOrAdopt()).id }),
      });

      let environment = await environments.getEnvironment(id, await asUser());
      const url = environmentPageUrl(appBaseUrl, id);
      logger.info(
        `Environment ${describeEnvironment(environment)} is ${
          environment.status
        }: ${url}`,
        { environmentId: id, status: environment.status, url },
      );

      if (wait) {
        environment = await followEnvironment({
          environments,
          requestOptions: asUser,
          environment,
          isSettled: e => SETTLED_STATUSES.includes(e.status),
          timeoutMs: timeoutSeconds * 1000,
          intervalMs: intervals.statusMs,
          logger,
          signal,
          onTimeout: last =>
            new Error(
              `Timed out after ${timeoutSeconds} seconds (timeoutSeconds) waiting for environment ${describeEnvironment(
                last,
              )} to become ready; it is still ${last.status}${
                last.reason ? ` (${last.reason})` : ''
              }. Provisioning goes on in the background: follow it at ${url}`,
            ),
        });
        if (environment.status === 'failed') {
          throw new Error(
            `Environment ${describeEnvironment(
              environment,
            )} failed: ${failureDetails(environment)}. See ${url}`,
          );
        }
        if (environment.status !== 'ready') {
          throw new ConflictError(
            `Environment ${describeEnvironment(environment)} is ${
              environment.status
            }: it was deleted before it became ready`,
          );
        }
        logger.info(
          `Environment ${describeEnvironment(environment)} is ready: ${url}`,
        );
      }

      ctx.output('environmentId', environment.id);
      ctx.output('namespace', environment.namespace);
      ctx.output('status', environment.status);
      ctx.output('url', url);

      /**
       * catalog:register returns before the catalog has processed the new
       * entity; the environments backend looks the component up there.
       */
      async function waitForComponent(): Promise<void> {
        const started = Date.now();
        let lastReport: number | undefined;
        await pollUntil({
          attempt: async () => {
            if (await catalog.getEntityByRef(componentRef, { credentials })) {
              if (lastReport !== undefined) {
                logger.info(`${componentRef} is in the catalog now`);
              }
              return true;
            }
            if (
              lastReport === undefined ||
              Date.now() - lastReport >= CATALOG_PROGRESS_EVERY_MS
            ) {
              lastReport = Date.now();
              logger.info(
                `Waiting for the catalog to process ${componentRef} (${Math.round(
                  (lastReport - started) / 1000,
                )}s so far)`,
              );
            }
            return undefined;
          },
          intervalMs: intervals.catalogMs,
          timeoutMs: intervals.catalogTimeoutMs,
          signal,
          onTimeout: () =>
            new NotFoundError(
              `Component '${componentRef}' is not in the catalog after ${Math.round(
                intervals.catalogTimeoutMs / 1000,
              )} seconds; check that catalog:register ran before this step and that the registered catalog-info.yaml describes this component`,
            ),
        });
      }

      /**
       * Requests the environment. A 404 means the backend does not see the
       * component yet, so it is retried for as long as the catalog may take;
       * a 409 means the environment exists, typically because an earlier
       * attempt created it before its checkpoint was saved.
       */
      async function createOrAdopt(): Promise<Environment> {
        let notFound: unknown;
        return pollUntil({
          attempt: async () => {
            try {
              const created = await environments.createEnvironment(
                request,
                await asUser(),
              );
              logger.info(
                `Requested environment ${describeEnvironment(created)}`,
                {
                  environmentId: created.id,
                  namespace: created.namespace,
                },
              );
              return created;
            } catch (error) {
              const status = statusCodeOf(error);
              if (status === 404) {
                notFound = error;
                logger.info(
                  `The environments backend does not see ${componentRef} yet; trying again`,
                );
                return undefined;
              }
              if (status === 409) {
                return adoptExisting(error);
              }
              throw new ForwardedError(
                `Could not request ${input.type} environment ${environmentName} of ${componentRef}`,
                error,
              );
            }
          },
          intervalMs: intervals.catalogMs,
          timeoutMs: intervals.catalogTimeoutMs,
          signal,
          onTimeout: () =>
            new ForwardedError(
              `Could not request ${input.type} environment ${environmentName} of ${componentRef}`,
              notFound,
            ),
        });
      }

      async function adoptExisting(conflict: unknown): Promise<Environment> {
        const { items } = await environments.listEnvironments(
          { componentRef },
          await asUser(),
        );
        const existing = items.find(e => e.name === environmentName);
        if (!existing) {
          throw new ForwardedError(
            `Could not request ${input.type} environment ${environmentName} of ${componentRef}`,
            conflict,
          );
        }
        if (existing.type !== input.type) {
          throw new ConflictError(
            `${componentRef} already has an environment named ${environmentName}, of type ${existing.type} rather than ${input.type}; choose another name`,
          );
        }
        if (existing.status === 'deleting') {
          throw new ConflictError(
            `Environment ${describeEnvironment(
              existing,
            )} is being deleted; run this step again once it is deleted`,
          );
        }
        logger.info(
          `Environment ${describeEnvironment(
            existing,
          )} already exists (requested by ${existing.createdBy} at ${
            existing.createdAt
          }, probably by an earlier attempt of this task); continuing with it`,
          { environmentId: existing.id },
        );
        return existing;
      }
    },
  });
}
