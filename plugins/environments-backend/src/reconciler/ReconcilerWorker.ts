import { LoggerService } from '@backstage/backend-plugin-api';
import { EnvironmentsStore } from '../model';
import { EnvironmentReconciler } from './EnvironmentReconciler';

export const EXPIRY_ACTOR = 'system:expiry';

const DEFAULT_POLL_INTERVAL_MS = 200;
const DEFAULT_CONCURRENCY = 8;

/**
 * Runs an `EnvironmentReconciler` in a loop: jobs back to back while there
 * are any, then a short sleep between looks at the queue.
 */
export class ReconcilerWorker {
  private readonly reconciler: EnvironmentReconciler;
  private readonly store: EnvironmentsStore;
  private readonly logger: LoggerService;
  private readonly pollIntervalMs: number;
  private readonly concurrency: number;
  private running?: Promise<void>;
  private stopping = false;
  private readonly wakers = new Set<() => void>();

  constructor(options: {
    reconciler: EnvironmentReconciler;
    store: EnvironmentsStore;
    logger: LoggerService;
    /** The sleep when no job is due; 200 ms when not given. */
    pollIntervalMs?: number;
    /**
     * Jobs processed at the same time, each by its own loop; 8 when not
     * given. The store never hands one job to two loops.
     */
    concurrency?: number;
  }) {
    this.reconciler = options.reconciler;
    this.store = options.store;
    this.logger = options.logger;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  }

  /** Starts the loop; does nothing if it runs already. */
  start(): void {
    if (this.running) {
      return;
    }
    this.stopping = false;
    this.running = Promise.all(
      Array.from({ length: this.concurrency }, () => this.loop()),
    ).then(() => undefined);
  }

  /** Stops the loop once the job in flight, if any, is settled. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp();
    await this.running;
    this.running = undefined;
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
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return started;
  }

  /** Ends the idle sleep of every loop, e.g. when new work was queued here. */
  wakeUp(): void {
    for (const wake of [...this.wakers]) {
      wake();
    }
  }

  private async loop() {
    while (!this.stopping) {
      let idle = true;
      try {
        const processed = await this.reconciler.processNextJob();
        idle = processed === 'idle';
      } catch (error) {
        // The database may be unreachable; the jobs stay in it.
        this.logger.error('Failed to process an environment job', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
      if (idle && !this.stopping) {
        await new Promise<void>(resolve => {
          let timer: NodeJS.Timeout | undefined = undefined;
          const wake = () => {
            clearTimeout(timer);
            this.wakers.delete(wake);
            resolve();
          };
          timer = setTimeout(wake, this.pollIntervalMs);
          this.wakers.add(wake);
        });
      }
    }
  }
}
