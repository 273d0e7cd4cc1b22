import {
  AuthService,
  LifecycleService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import { EnvironmentType } from '@internal/backstage-plugin-environments-common';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { DeploymentsStore, Environment, EnvironmentsStore } from '../model';
import { EnvironmentClusters, ResourceDrivers } from '../kubernetes';
import {
  catalogComponentOwner,
  catalogWorkloadSettings,
} from './catalogWorkload';
import {
  deploymentWorkload,
  failRolloutWhenReconcileGaveUp,
} from './deploymentWorkload';
import { EnvironmentReconciler } from './EnvironmentReconciler';
import { EnvironmentStatusWatcher } from './EnvironmentStatusWatcher';
import { ReconcilerWorker } from './ReconcilerWorker';
import { RolloutTracker } from './RolloutTracker';

/**
 * The reconciler and its background work, started with the backend and
 * stopped with it: the worker that processes jobs when a change wakes it, the
 * status watch on each cluster, the rollout tracker that records each
 * deployment's outcome, and the scheduled expiry of ephemeral environments
 * and of pending approvals.
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
  /** Told of each environment whose approval expired, to tell its requester. */
  approvalNotifier?: {
    environmentApprovalDecided(environment: Environment): Promise<void>;
  };
  settings: {
    types: Record<string, EnvironmentType>;
    defaultImagePattern?: string;
    reconciler: { concurrency: number; pollInterval: HumanDuration };
    expiry: { frequency: HumanDuration };
  };
}): Promise<void> {
  const { store, deployments, clusters, scheduler, lifecycle, logger } =
    options;
  const { settings } = options;
  const reconciler = EnvironmentReconciler.create({
    store,
    drivers: options.drivers,
    provisionerFor: cluster => clusters.provisioner(cluster),
    types: settings.types,
    owner: `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`,
    logger: logger.child({ component: 'reconciler' }),
    workloadFor: deploymentWorkload({
      deployments,
      fallback: catalogWorkloadSettings({
        ...options,
        defaultImagePattern: settings.defaultImagePattern,
      }),
    }),
    ownerFor: catalogComponentOwner(options),
    onReconcileGaveUp:
      deployments && failRolloutWhenReconcileGaveUp(deployments),
  });
  const tracker =
    deployments &&
    new RolloutTracker({
      deployments,
      environments: store,
      observerFor: cluster => clusters.provisioner(cluster),
      types: settings.types,
      logger: logger.child({ component: 'rollout-tracker' }),
      concurrency: settings.reconciler.concurrency,
      sweepIntervalMs: durationToMilliseconds(settings.reconciler.pollInterval),
    });
  const worker = ReconcilerWorker.create({
    reconciler,
    store,
    logger,
    ...settings.reconciler,
    // The apply just happened: the rollout may be done already.
    onJobProcessed: job => {
      if (job.kind === 'reconcile')
        tracker?.environmentChanged(job.environmentId);
    },
  });
  // New work is usually due now; don't wait for the next look at the queue.
  await options.changes.onChange(() => worker.wakeUp());
  // A deployment that starts rolling out queued its environment's reconcile
  // in the same transaction; the store tells after the commit.
  deployments?.onChange(deployment => {
    if (deployment.state === 'rolling-out') worker.wakeUp();
  });
  // Readiness comes from watches on each cluster, not from polling.
  const statusWatcher = new EnvironmentStatusWatcher({
    clusters,
    reconciler,
    scheduler,
    logger: logger.child({ component: 'status-watcher' }),
    // Whatever moved the workloads may have ended a rollout.
    onWorkloadsChanged: id => tracker?.environmentChanged(id),
  });
  lifecycle.addStartupHook(async () => {
    worker.start();
    await statusWatcher.start();
    // Its first sweep finds the rollouts a stopped backend left.
    tracker?.start();
  });
  lifecycle.addShutdownHook(async () => {
    await tracker?.stop();
    await statusWatcher.stop();
    await worker.stop();
  });

  if (deployments) {
    await scheduler.scheduleTask({
      id: 'expire-deployment-approvals',
      frequency: { minutes: 1 },
      timeout: { minutes: 1 },
      scope: 'global',
      fn: async () => {
        const expired = await deployments.expireApprovals();
        if (expired.length > 0) {
          logger.info('Pending approvals expired', {
            deployments: expired.map(d => d.id).join(', '),
          });
        }
      },
    });
  }

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

  // Environments of gated types that nobody approved in time end deleted;
  // nothing was provisioned for them, so there is nothing to tear down.
  await scheduler.scheduleTask({
    id: 'expire-environment-approvals',
    frequency: settings.expiry.frequency,
    timeout: { minutes: 5 },
    scope: 'global',
    fn: async () => {
      for (const environment of await store.expireApprovals()) {
        logger.info('Environment approval expired', {
          environment: environment.id,
        });
        await options.approvalNotifier?.environmentApprovalDecided(environment);
      }
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
