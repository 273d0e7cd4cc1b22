import {
  EnvironmentConvergence,
  EnvironmentConvergenceOptions,
  StatusRefresh,
} from './EnvironmentConvergence';
import { EnvironmentJobRunner, ProcessedJob } from './EnvironmentJobRunner';

export type EnvironmentReconcilerOptions = EnvironmentConvergenceOptions & {
  /** Identifies this worker in job leases, e.g. hostname, pid and a random part. */
  owner: string;
  /** Failed attempts after which a job stays failed; 8 when not given. */
  maxAttempts?: number;
  /** How long a claimed job is leased; renewed while the job runs. 60 s when not given. */
  leaseMs?: number;
};

/**
 * Processes the provisioning jobs of the store's queue: the job runner leases
 * them (claim, renew, complete, fail with backoff) and hands each to the
 * convergence, which does what it asks in the cluster and follows the
 * environment's status.
 */
export class EnvironmentReconciler {
  private readonly convergence: EnvironmentConvergence;
  private readonly jobs: EnvironmentJobRunner;

  static create(options: EnvironmentReconcilerOptions): EnvironmentReconciler {
    return new EnvironmentReconciler(options);
  }

  constructor(options: EnvironmentReconcilerOptions) {
    this.convergence = new EnvironmentConvergence(options);
    this.jobs = new EnvironmentJobRunner({
      queue: options.store,
      handler: this.convergence,
      owner: options.owner,
      logger: options.logger,
      maxAttempts: options.maxAttempts,
      leaseMs: options.leaseMs,
      clock: options.clock,
    });
  }

  /** Claims one due job and processes it; `'idle'` when none is due. */
  processNextJob(): Promise<'idle' | ProcessedJob> {
    return this.jobs.processNextJob();
  }

  /** See `EnvironmentConvergence.refreshStatus`. */
  refreshStatus(
    environmentId: string,
    options?: { cached?: boolean },
  ): Promise<StatusRefresh> {
    return this.convergence.refreshStatus(environmentId, options);
  }

  /** See `EnvironmentConvergence.followComponentOwners`. */
  followComponentOwners(): Promise<string[]> {
    return this.convergence.followComponentOwners();
  }

  /** See `EnvironmentConvergence.refreshWaitingStatuses`. */
  refreshWaitingStatuses(): Promise<number> {
    return this.convergence.refreshWaitingStatuses();
  }
}
