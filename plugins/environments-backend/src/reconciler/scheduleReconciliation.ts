import {
  AuthService,
  LifecycleService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { HumanDuration } from '@backstage/types';
import { EnvironmentType } from '@internal/backstage-plugin-environments-common';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { DeploymentsStore, EnvironmentsStore } from '../model';
import { EnvironmentClusters, ResourceDrivers } from '../kubernetes';
import {
  catalogComponentOwner,
  catalogWorkloadSettings,
} from './catalogWorkload';
import { EnvironmentReconciler } from './EnvironmentReconciler';
import { EnvironmentStatusWatcher } from './EnvironmentStatusWatcher';
import { ReconcilerWorker } from './ReconcilerWorker';

/**
 * The reconciler and its background work, started with the backend and
 * stopped with it: the worker that processes jobs when a change wakes it, the
 * status watch on each cluster, and the scheduled expiry of ephemeral
 * environments.
 */
export async function scheduleReconciliation(options: {
  store: EnvironmentsStore;
  /** The environments' deployments: what their workloads run, and whose rollouts to follow. */
  deployments?: DeploymentsStore;
  clusters: EnvironmentClusters;
  drivers: ResourceDrivers;
  catalog: CatalogService;
  auth: AuthService;
  scheduler: SchedulerService;
  lifecycle: LifecycleService;
  logger: LoggerService;
  /** The changes that may have queued work. */
  changes: { onChange(listener: () => void): Promise<void> };
  settings: {
    types: Record<string, EnvironmentType>;
    defaultImagePattern?: string;
    reconciler: { concurrency: number; pollInterval: HumanDuration };
    expiry: { frequency: HumanDuration };
  };
}): Promise<void> {
  const { store, clusters, scheduler, lifecycle, logger, settings } = options;
  const reconciler = EnvironmentReconciler.create({
    store,
    drivers: options.drivers,
    provisionerFor: cluster => clusters.provisioner(cluster),
    types: settings.types,
    owner: `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`,
    logger: logger.child({ component: 'reconciler' }),
    workloadFor: catalogWorkloadSettings({
      ...options,
      defaultImagePattern: settings.defaultImagePattern,
    }),
    ownerFor: catalogComponentOwner(options),
  });
  const worker = ReconcilerWorker.create({
    reconciler,
    store,
    logger,
    ...settings.reconciler,
  });
  // New work is usually due now; don't wait for the next look at the queue.
  await options.changes.onChange(() => worker.wakeUp());
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
    frequency: settings.expiry.frequency,
    timeout: { minutes: 5 },
    // One replica decides; the teardown jobs it queues go to any.
    scope: 'global',
    fn: async () => {
      await worker.expireEnvironments();
    },
  });

  // Reconciles read the component's owner too; this catches a change of
  // owner in an environment that nothing else reconciles.
  await scheduler.scheduleTask({
    id: 'follow-component-owners',
    frequency: { minutes: 5 },
    timeout: { minutes: 5 },
    scope: 'global',
    fn: async () => {
      const queued = await reconciler.followComponentOwners();
      if (queued.length > 0) {
        logger.info(
          'Components changed owner; reconciling their environments',
          {
            environments: queued.join(', '),
          },
        );
      }
    },
  });
}
