import { LoggerService } from '@backstage/backend-plugin-api';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import { EnvironmentsStore, errorMessage } from '../model';
import { EnvironmentReconciler } from './EnvironmentReconciler';
import { ProcessedJob } from './EnvironmentJobRunner';

export const EXPIRY_ACTOR = 'system:expiry';

const DEFAULT_POLL_INTERVAL_MS = 10_000;
const DEFAULT_CONCURRENCY = 8;

/**
 * Runs an `EnvironmentReconciler` when there is work: woken by each change
 * (`wakeUp`), at the time a failed job is due again, and by a slow safety
 * poll for what no wake-up announced (another replica's abandoned lease, a
 * change whose event was lost). Once woken, it processes jobs back to back
 * until the queue is empty, then sleeps without touching the database.
 */
export class ReconcilerWorker {
  private readonly reconciler: Pick<EnvironmentReconciler, 'processNextJob'>;
  private readonly store: Pick<
    EnvironmentsStore,
    'listExpiredEnvironments' | 'markDeleting'
  >;
  private readonly logger: LoggerService;
  private readonly pollIntervalMs: number;
  private readonly concurrency: number;
  private readonly onJobProcessed?: (job: ProcessedJob) => void;
  private running = false;
  /** Bumped by every wake-up, so that a loop that found the queue empty sees a wake-up it raced with. */
  private wakeUps = 0;
  private readonly loops = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private poll?: NodeJS.Timeout;

  constructor(options: {
    reconciler: Pick<EnvironmentReconciler, 'processNextJob'>;
    store: Pick<EnvironmentsStore, 'listExpiredEnvironments' | 'markDeleting'>;
    logger: LoggerService;
    /** The safety poll's interval; 10 s when not given. */
    pollIntervalMs?: number;
    /**
     * Jobs processed at the same time, each by its own loop; 8 when not
     * given. The store never hands one job to two loops.
     */
    concurrency?: number;
    /** Hears each job processed: the rollout tracker looks at an environment just applied. */
    onJobProcessed?: (job: ProcessedJob) => void;
  }) {
    this.reconciler = options.reconciler;
    this.store = options.store;
    this.logger = options.logger;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
    this.onJobProcessed = options.onJobProcessed;
  }

  static create(options: {
    reconciler: Pick<EnvironmentReconciler, 'processNextJob'>;
    store: Pick<EnvironmentsStore, 'listExpiredEnvironments' | 'markDeleting'>;
    logger: LoggerService;
    concurrency?: number;
    /** The safety poll's interval; 10 s when not given. */
    pollInterval?: HumanDuration;
    onJobProcessed?: (job: ProcessedJob) => void;
  }): ReconcilerWorker {
    const { pollInterval, ...rest } = options;
    return new ReconcilerWorker({
      ...rest,
      logger: options.logger.child({ component: 'reconciler-worker' }),
      ...(pollInterval && {
        pollIntervalMs: durationToMilliseconds(pollInterval),
      }),
    });
  }

  /** Starts working off the queue as it is; does nothing if it runs already. */
  start(): void {
    if (this.running) {
      return;
    }
    this.running = true;
    this.poll = setInterval(() => this.wakeUp(), this.pollIntervalMs);
    this.wakeUp();
  }

  /** Stops once the jobs in flight, if any, are settled. */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.poll);
    this.timers.forEach(timer => clearTimeout(timer));
    this.timers.clear();
    await Promise.all(this.loops);
  }

  /**
   * Starts the deletion of every ephemeral environment whose expiry has
   * passed; the teardown jobs this queues are processed by the loop.
   * Resolves to the ids of the environments it started deleting.
   */
  async expireEnvironments(options: { now?: Date } = {}): Promise<string[]> {
    const expired = await this.store.listExpiredEnvironments(options);
    const started: string[] = [];
    for (const environment of expired) {
      try {
        await this.store.markDeleting({
          id: environment.id,
          actor: EXPIRY_ACTOR,
        });
        started.push(environment.id);
        this.logger.info('Environment expired; deleting it', {
          environment: environment.id,
          namespace: environment.namespace,
        });
      } catch (error) {
        // The next run tries again; one environment must not block the others.
        this.logger.error('Failed to start deleting an expired environment', {
          environment: environment.id,
          error: errorMessage(error),
        });
      }
    }
    if (started.length > 0) {
      this.wakeUp();
    }
    return started;
  }

  /**
   * Says that work may be due, e.g. a change was made or queued a job: one
   * more loop looks at the queue, unless all of them are busy already (each
   * looks again when its job is done).
   */
  wakeUp(): void {
    if (!this.running) {
      return;
    }
    this.wakeUps += 1;
    this.spawnLoop();
  }

  private spawnLoop() {
    if (this.loops.size >= this.concurrency) {
      return;
    }
    const loop: Promise<void> = this.loop().finally(() =>
      this.loops.delete(loop),
    );
    this.loops.add(loop);
  }

  private async loop() {
    while (this.running) {
      const wakeUpsBefore = this.wakeUps;
      let processed;
      try {
        processed = await this.reconciler.processNextJob();
      } catch (error) {
        // The database may be unreachable; the jobs stay in it, and the
        // next wake-up or poll looks again.
        this.logger.error('Failed to process an environment job', {
          error: errorMessage(error),
        });
        return;
      }
      if (processed === 'idle') {
        if (this.wakeUps === wakeUpsBefore) {
          return;
        }
        continue;
      }
      this.onJobProcessed?.(processed);
      if (processed.retryAt) {
        this.wakeUpAt(processed.retryAt);
      }
      // Where there was one job there may be more: let another loop help.
      this.spawnLoop();
    }
  }

  private wakeUpAt(at: Date) {
    if (!this.running) {
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.wakeUp();
    }, Math.max(0, at.getTime() - Date.now()));
    this.timers.add(timer);
  }
}
