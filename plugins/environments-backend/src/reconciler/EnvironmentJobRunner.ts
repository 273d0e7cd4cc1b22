import { LoggerService } from '@backstage/backend-plugin-api';
import {
  EnvironmentJob,
  EnvironmentsStore,
  errorMessage,
  JobKind,
} from '../model';

/** The part of the store that leases jobs. */
export type JobQueue = Pick<
  EnvironmentsStore,
  'claimNextJob' | 'renewLease' | 'completeJob' | 'failJob'
>;

export type ProcessedJob = {
  jobId: string;
  environmentId: string;
  kind: JobKind;
  /**
   * `succeeded`: the job is done (an environment whose workloads are not
   * ready yet stays `provisioning` until `refreshStatus` sees them ready);
   * `retrying`: it failed and runs again after a backoff; `failed`: it failed
   * for the last time; `abandoned`: its lease was lost while it ran, so it
   * stopped writing and left the job to whoever holds it now.
   */
  outcome: 'succeeded' | 'retrying' | 'failed' | 'abandoned';
  /** When a `retrying` job is due again. */
  retryAt?: Date;
};

/** A failed attempt, as the job runner settled it. */
export type JobAttemptFailure = {
  message: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** Undefined for a job retried until it succeeds (a teardown). */
  maxAttempts?: number;
  /** Whether this was the last attempt. */
  gaveUp: boolean;
};

/** What to do with a job once it is leased; the runner knows nothing else of it. */
export interface JobHandler {
  /**
   * Does the job's work. What it resolves to runs once the job is completed,
   * when the job no longer holds the environment back. `signal` aborts once
   * the job's lease could not be renewed: check it before each write.
   */
  run(
    job: EnvironmentJob,
    logger: LoggerService,
    signal: AbortSignal,
  ): Promise<(() => Promise<void>) | void>;
  /** Records a failed attempt where users see it; must not throw. */
  recordFailure(
    job: EnvironmentJob,
    failure: JobAttemptFailure,
    logger: LoggerService,
  ): Promise<void>;
}

export type EnvironmentJobRunnerOptions = {
  queue: JobQueue;
  handler: JobHandler;
  /** Identifies this worker in job leases, e.g. hostname, pid and a random part. */
  owner: string;
  logger: LoggerService;
  /**
   * Failed attempts after which a reconcile job stays failed; 8 when not
   * given. A teardown is retried until it succeeds: giving up would strand
   * the environment in `deleting`, its name taken for good.
   */
  maxAttempts?: number;
  /** How long a claimed job is leased; renewed while the job runs. 60 s when not given. */
  leaseMs?: number;
  /** For tests. */
  clock?: () => Date;
};

const DEFAULT_MAX_ATTEMPTS = 8;
const DEFAULT_LEASE_MS = 60_000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30_000;
/** As many attempts as the queue's integer column counts: until it succeeds. */
const UNLIMITED_ATTEMPTS = 2_147_483_647;

/** The wait before retry `attempt` (1 for the first retry): 1 s, 2 s, 4 s, ... at most 30 s. */
export function backoffMs(attempt: number): number {
  return Math.min(2 ** attempt * BACKOFF_BASE_MS, BACKOFF_MAX_MS);
}

/**
 * Leases the jobs of the queue, one per call: claims the next due job, keeps
 * its lease alive while the handler works, and completes it, or fails it with
 * a backoff until its attempts are used up.
 */
export class EnvironmentJobRunner {
  private readonly queue: JobQueue;
  private readonly handler: JobHandler;
  private readonly owner: string;
  private readonly logger: LoggerService;
  private readonly maxAttempts: number;
  private readonly leaseMs: number;
  private readonly clock: () => Date;

  constructor(options: EnvironmentJobRunnerOptions) {
    this.queue = options.queue;
    this.handler = options.handler;
    this.owner = options.owner;
    this.logger = options.logger;
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.clock = options.clock ?? (() => new Date());
  }

  /** Claims one due job and processes it; `'idle'` when none is due. */
  async processNextJob(): Promise<'idle' | ProcessedJob> {
    const job = await this.queue.claimNextJob({
      owner: this.owner,
      leaseMs: this.leaseMs,
      now: this.clock(),
    });
    if (!job) {
      return 'idle';
    }
    const logger = this.logger.child({
      job: job.id,
      kind: job.kind,
      environment: job.environmentId,
    });
    const processed = (
      outcome: ProcessedJob['outcome'],
      retryAt?: Date,
    ): ProcessedJob => ({
      jobId: job.id,
      environmentId: job.environmentId,
      kind: job.kind,
      outcome,
      ...(retryAt && { retryAt }),
    });

    const lease = new AbortController();
    const stopRenewing = this.keepLeaseAlive(job, lease, logger);
    let afterCompletion: (() => Promise<void>) | void;
    try {
      afterCompletion = await this.handler.run(job, logger, lease.signal);
      stopRenewing();
      await this.queue.completeJob({
        jobId: job.id,
        owner: this.owner,
        now: this.clock(),
      });
    } catch (error) {
      stopRenewing();
      if (lease.signal.aborted) {
        try {
          // The renewal may have failed on a database blip with the lease
          // still ours: then the job retries as after any failure.
          const { outcome, retryAt } = await this.fail(job, error, logger);
          return processed(outcome, retryAt);
        } catch {
          logger.warn(
            'Stopped the job: its lease was lost, another worker may hold it',
          );
          return processed('abandoned');
        }
      }
      const { outcome, retryAt } = await this.fail(job, error, logger);
      return processed(outcome, retryAt);
    }
    await afterCompletion?.();
    return processed('succeeded');
  }

  /** Settles a failed attempt; never drops the job while attempts remain. */
  private async fail(
    job: EnvironmentJob,
    error: unknown,
    logger: LoggerService,
  ): Promise<{ outcome: 'retrying' | 'failed'; retryAt?: Date }> {
    const attempt = job.attempts + 1;
    const message = errorMessage(error);
    const now = this.clock();
    const retryAt = new Date(now.getTime() + backoffMs(attempt));
    const maxAttempts = job.kind === 'teardown' ? undefined : this.maxAttempts;
    const settled = await this.queue.failJob({
      jobId: job.id,
      owner: this.owner,
      error: message,
      retryAt,
      maxAttempts: maxAttempts ?? UNLIMITED_ATTEMPTS,
      now,
    });
    const gaveUp = settled.state === 'failed';
    await this.handler.recordFailure(
      job,
      { message, attempt, maxAttempts, gaveUp },
      logger,
    );
    return gaveUp ? { outcome: 'failed' } : { outcome: 'retrying', retryAt };
  }

  /**
   * Renews the job's lease until the returned function is called. A renewal
   * that fails aborts `lease`: past its expiry another worker may claim the
   * job, and two writers of one environment must never overlap.
   */
  private keepLeaseAlive(
    job: EnvironmentJob,
    lease: AbortController,
    logger: LoggerService,
  ) {
    let timer: NodeJS.Timeout | undefined = undefined;
    const stop = (reason: string) => {
      logger.warn(`${reason}; stopping the job`);
      clearInterval(timer);
      lease.abort(new Error(`Lost the lease of job ${job.id}: ${reason}`));
    };
    // A renewal that hangs (a database that does not answer) is no renewal:
    // once the lease has run out without one, another worker may hold it.
    let renewedAt = Date.now();
    timer = setInterval(() => {
      if (Date.now() - renewedAt >= this.leaseMs) {
        stop(`no renewal succeeded for ${this.leaseMs / 1000} s`);
        return;
      }
      this.queue
        .renewLease({
          jobId: job.id,
          owner: this.owner,
          leaseMs: this.leaseMs,
          now: this.clock(),
        })
        .then(
          () => {
            renewedAt = Date.now();
          },
          error =>
            stop(`failed to renew the job lease: ${errorMessage(error)}`),
        );
    }, Math.max(this.leaseMs / 3, 100));
    return () => clearInterval(timer);
  }
}
