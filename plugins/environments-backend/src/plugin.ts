import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  ENVIRONMENT_CHANGED_TOPIC,
  ENVIRONMENT_SIGNAL_CHANNEL,
  environmentsPermissions,
  parseEnvironmentTypes,
} from '@internal/backstage-plugin-environments-common';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { DatabaseEnvironmentsStore } from './database/DatabaseEnvironmentsStore';
import { EnvironmentClusters } from './kubernetes';
import {
  createIsTypeAllowedRule,
  environmentPermissionResourceRef,
  isEnvironmentOwner,
} from './permissions/rules';
import {
  EnvironmentReconciler,
  EnvironmentStatusWatcher,
  ReconcilerWorker,
} from './reconciler';
import { catalogWorkloadSettings } from './service/catalogWorkload';
import { EnvironmentObservability } from './service/EnvironmentObservability';
import { EnvironmentsService } from './service/EnvironmentsService';
import { PublishingEnvironmentsStore } from './service/PublishingEnvironmentsStore';
import { createRouter } from './service/router';
import { toApiEnvironment } from './model';

/**
 * The orchestration backend for environments: the HTTP API, the durable job
 * queue and the reconciler that provisions environments into Kubernetes, and
 * the scheduled expiry of ephemeral environments.
 *
 * @public
 */
export const environmentsPlugin = createBackendPlugin({
  pluginId: 'environments',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        database: coreServices.database,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        auditor: coreServices.auditor,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        userInfo: coreServices.userInfo,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
        events: eventsServiceRef,
        signals: signalsServiceRef,
      },
      async init({
        config,
        database,
        logger,
        httpRouter,
        httpAuth,
        auth,
        auditor,
        permissions,
        permissionsRegistry,
        userInfo,
        scheduler,
        lifecycle,
        catalog,
        events,
        signals,
      }) {
        // A mistake in the types is the platform team's, and found at start,
        // with every problem named, rather than at a developer's first request.
        const types = parseEnvironmentTypes(
          config.getOptional('environments.types'),
        );
        const clusters = EnvironmentClusters.fromConfig(config, { logger });
        for (const [name, type] of Object.entries(types)) {
          if (!clusters.has(type.cluster)) {
            logger.warn(
              `Environment type ${name} names cluster "${type.cluster}", which is not in environments.clusters; its environments stay requested until it is configured`,
            );
          }
        }

        // Whatever must hear of a change first, before the rest of the platform.
        const localListeners: Array<() => void> = [];
        const store = new PublishingEnvironmentsStore(
          await DatabaseEnvironmentsStore.create({ database }),
          async payload => {
            localListeners.forEach(listener => listener());
            await Promise.all([
              events.publish({
                topic: ENVIRONMENT_CHANGED_TOPIC,
                eventPayload: payload,
              }),
              signals.publish({
                recipients: { type: 'broadcast' },
                channel: ENVIRONMENT_SIGNAL_CHANNEL,
                message: payload,
              }),
            ]);
          },
          logger,
        );

        const rules = [isEnvironmentOwner, createIsTypeAllowedRule(types)];
        permissionsRegistry.addResourceType({
          resourceRef: environmentPermissionResourceRef,
          permissions: environmentsPermissions,
          rules,
          getResources: async ids =>
            Promise.all(
              ids.map(id =>
                store
                  .getEnvironment(id)
                  .then(toApiEnvironment, () => undefined),
              ),
            ),
        });

        const reconciler = new EnvironmentReconciler({
          store,
          provisionerFor: cluster => clusters.provisioner(cluster),
          types,
          owner: `${hostname()}-${process.pid}-${randomBytes(4).toString(
            'hex',
          )}`,
          logger: logger.child({ component: 'reconciler' }),
          workloadFor: catalogWorkloadSettings({
            catalog,
            auth,
            defaultImagePattern: config.getOptionalString(
              'environments.defaultImage',
            ),
          }),
        });
        const worker = new ReconcilerWorker({
          reconciler,
          store,
          logger,
          concurrency: config.getOptionalNumber(
            'environments.reconciler.concurrency',
          ),
        });
        // New work is usually due now; don't wait for the next look at the queue.
        localListeners.push(() => worker.wakeUp());
        // Readiness comes from watches on each cluster, not from polling.
        const statusWatcher = new EnvironmentStatusWatcher({
          clusters,
          reconciler,
          scheduler,
          logger: logger.child({ component: 'status-watcher' }),
        });
        lifecycle.addStartupHook(async () => {
          worker.start();
          await statusWatcher.start();
        });
        lifecycle.addShutdownHook(async () => {
          await statusWatcher.stop();
          await worker.stop();
        });

        await scheduler.scheduleTask({
          id: 'expire-environments',
          frequency: config.has('environments.expiry.frequency')
            ? readDurationFromConfig(config, {
                key: 'environments.expiry.frequency',
              })
            : { seconds: 30 },
          timeout: { minutes: 5 },
          // One replica decides; the teardown jobs it queues go to any.
          scope: 'global',
          fn: async () => {
            await worker.expireEnvironments();
          },
        });

        const service = new EnvironmentsService({
          store,
          types,
          catalog,
          permissions,
          userInfo,
          rules,
        });
        const observability = new EnvironmentObservability({
          environments: service,
          types,
          observerFor: cluster => clusters.observer(cluster),
        });
        httpRouter.use(
          await createRouter({ httpAuth, auditor, service, observability }),
        );

        logger.info('Environments plugin ready', {
          environmentTypes: Object.keys(types).join(', ') || '(none)',
          clusters: clusters.names().join(', ') || '(none)',
        });
      },
    });
  },
});
