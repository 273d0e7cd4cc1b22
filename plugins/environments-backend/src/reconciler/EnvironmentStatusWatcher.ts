import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { HumanDuration } from '@backstage/types';
import { KubeConfig } from '@kubernetes/client-node';
import { EnvironmentClusters, WorkloadWatch } from '../kubernetes';
import { EnvironmentReconciler } from './EnvironmentReconciler';
import { errorMessage } from '../model';

/** What the watcher needs of a watch on one cluster; a `WorkloadWatch` in production. */
export type ClusterWatch = { start(): void; stop(): Promise<void> };

export type EnvironmentStatusWatcherOptions = {
  /**
   * The clusters to watch: every one configured in `environments.clusters`,
   * and the kinds the resource drivers observe in them.
   */
  clusters: Pick<EnvironmentClusters, 'names' | 'kubeConfig'> &
    Partial<Pick<EnvironmentClusters, 'observedKinds' | 'workloadCache'>>;
  /** Refreshes an environment's status from its cluster. */
  reconciler: Pick<
    EnvironmentReconciler,
    'refreshStatus' | 'refreshWaitingStatuses'
  >;
  /** Runs the safety resync of waiting environments. */
  scheduler: Pick<SchedulerService, 'scheduleTask'>;
  logger: LoggerService;
  /** How often the safety resync runs; every 5 minutes when not given. */
  resyncFrequency?: HumanDuration;
  /** Changes within this time are coalesced into one refresh per environment; 250 ms when not given. */
  coalesceMs?: number;
  /** After a refresh failed, the environment is refreshed again this much later; 5 s when not given. */
  retryMs?: number;
  /**
   * Called at once with each environment whose workloads changed, before the
   * coalesced refresh: the rollout tracker, which coalesces and bounds its
   * own looks, need not wait for the refreshes of other environments.
   */
  onWorkloadsChanged?: (environmentId: string) => void;
  /** For tests: how a cluster is watched. */
  watchCluster?: (options: {
    cluster: string;
    kubeConfig: KubeConfig;
    logger: LoggerService;
    onChange: (environmentId: string) => void;
  }) => ClusterWatch;
};

export const STATUS_RESYNC_TASK_ID = 'environments-status-resync';

const DEFAULT_RESYNC_FREQUENCY: HumanDuration = { minutes: 5 };
const DEFAULT_COALESCE_MS = 250;
const DEFAULT_RETRY_MS = 5_000;

/**
 * Keeps environment statuses up to date from watches instead of polling: a
 * `WorkloadWatch` per cluster reports which environment's workloads changed,
 * and the watcher refreshes that environment's status through
 * `EnvironmentReconciler.refreshStatus`, one refresh at a time, coalescing
 * bursts of changes (a rollout is dozens of events). A scheduled, global,
 * low-frequency resync of the environments still waiting for their workloads
 * catches whatever a watch missed.
 */
export class EnvironmentStatusWatcher {
  private readonly clusters: EnvironmentStatusWatcherOptions['clusters'];
  private readonly reconciler: EnvironmentStatusWatcherOptions['reconciler'];
  private readonly scheduler: EnvironmentStatusWatcherOptions['scheduler'];
  private readonly logger: LoggerService;
  private readonly resyncFrequency: HumanDuration;
  private readonly coalesceMs: number;
  private readonly retryMs: number;
  private readonly onWorkloadsChanged?: (environmentId: string) => void;
  private readonly watchCluster: NonNullable<
    EnvironmentStatusWatcherOptions['watchCluster']
  >;
  private watches: ClusterWatch[] = [];
  private resync?: AbortController;
  private readonly changed = new Set<string>();
  private coalescing?: NodeJS.Timeout;
  private readonly retries = new Set<NodeJS.Timeout>();
  private draining?: Promise<void>;
  private running = false;

  constructor(options: EnvironmentStatusWatcherOptions) {
    this.clusters = options.clusters;
    this.reconciler = options.reconciler;
    this.scheduler = options.scheduler;
    this.logger = options.logger;
    this.resyncFrequency = options.resyncFrequency ?? DEFAULT_RESYNC_FREQUENCY;
    this.coalesceMs = options.coalesceMs ?? DEFAULT_COALESCE_MS;
    this.retryMs = options.retryMs ?? DEFAULT_RETRY_MS;
    this.onWorkloadsChanged = options.onWorkloadsChanged;
    this.watchCluster =
      options.watchCluster ??
      (({ cluster, kubeConfig, logger, onChange }) =>
        new WorkloadWatch({
          kubeConfig,
          logger,
          onChange,
          observedKinds: options.clusters.observedKinds?.(),
          cache: options.clusters.workloadCache?.(cluster),
        }));
  }

  /** Starts a watch per cluster and schedules the safety resync. */
  async start(): Promise<void> {
    if (this.running) {
      return;
    }
    this.running = true;
    this.watches = this.clusters.names().map(cluster => {
      const watch = this.watchCluster({
        cluster,
        kubeConfig: this.clusters.kubeConfig(cluster),
        logger: this.logger.child({ cluster }),
        onChange: id => {
          this.onWorkloadsChanged?.(id);
          this.environmentChanged(id);
        },
      });
      watch.start();
      return watch;
    });
    this.resync = new AbortController();
    await this.scheduler.scheduleTask({
      id: STATUS_RESYNC_TASK_ID,
      frequency: this.resyncFrequency,
      timeout: { minutes: 5 },
      initialDelay: this.resyncFrequency,
      scope: 'global',
      signal: this.resync.signal,
      fn: async () => {
        const updated = await this.reconciler.refreshWaitingStatuses();
        if (updated > 0) {
          // Each of these is a change a watch missed.
          this.logger.warn('Status resync updated environments', { updated });
        }
      },
    });
    this.logger.info('Watching environment workloads', {
      clusters: this.clusters.names().join(', '),
    });
  }

  /** Stops the watches and the resync, and waits for the refresh under way. */
  async stop(): Promise<void> {
    if (!this.running) {
      return;
    }
    this.running = false;
    this.resync?.abort();
    await Promise.all(this.watches.map(w => w.stop()));
    this.watches = [];
    clearTimeout(this.coalescing);
    this.coalescing = undefined;
    for (const timer of this.retries) {
      clearTimeout(timer);
    }
    this.retries.clear();
    this.changed.clear();
    await this.draining;
  }

  private environmentChanged(environmentId: string) {
    if (!this.running) {
      return;
    }
    this.changed.add(environmentId);
    // While a drain runs, it picks the change up when done with the others.
    if (!this.draining && !this.coalescing) {
      this.coalescing = setTimeout(() => {
        this.coalescing = undefined;
        this.drain();
      }, this.coalesceMs);
    }
  }

  private retryLater(environmentId: string) {
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      this.environmentChanged(environmentId);
    }, this.retryMs);
    this.retries.add(timer);
  }

  private drain() {
    if (this.draining || !this.running) {
      return;
    }
    this.draining = (async () => {
      while (this.running && this.changed.size > 0) {
        const ids = [...this.changed];
        this.changed.clear();
        for (const id of ids) {
          if (!this.running) {
            return;
          }
          try {
            // The watch's copy holds the change it reported.
            await this.reconciler.refreshStatus(id, { cached: true });
          } catch (error) {
            this.logger.warn(
              `Failed to refresh the status of an environment; trying again in ${this.retryMs} ms`,
              { environment: id, error: errorMessage(error) },
            );
            this.retryLater(id);
          }
        }
      }
    })().finally(() => {
      this.draining = undefined;
    });
  }
}
