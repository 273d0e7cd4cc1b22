import { EnvironmentJob, EnvironmentsStore } from '../model';

/** How often a running reconcile asks whether it may still write. */
const FENCE_POLL_MS = 500;

/**
 * Why a reconcile stopped writing: its environment is being deleted. The
 * job then completes, since there is nothing left for it to do.
 */
export class EnvironmentDeletingError extends Error {
  name = 'EnvironmentDeletingError';
}

/**
 * The fence of one reconcile job: a deletion is a terminal intent, so once
 * it is accepted the job must not write again. `check()` asks the store
 * before a write; meanwhile the store is asked every half second, and
 * `signal` (which the provisioner checks before each object it writes)
 * aborts as soon as the answer is no. It also aborts with the job's own
 * lease signal.
 *
 * The fence stops a reconcile early; what makes the deletion terminal is
 * that the teardown does not start while a reconcile job still holds a live
 * lease (`EnvironmentConvergence`).
 */
export class ReconcileFence {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  readonly signal: AbortSignal;

  constructor(
    private readonly store: Pick<EnvironmentsStore, 'checkReconcileFence'>,
    private readonly job: EnvironmentJob,
    leaseSignal: AbortSignal,
    private readonly clock: () => Date,
  ) {
    this.signal = AbortSignal.any([leaseSignal, this.controller.signal]);
    this.timer = setInterval(() => {
      this.check().catch(() => {
        // Aborted, or the store is unreachable: the next write's check or
        // the lease renewal says so.
      });
    }, FENCE_POLL_MS);
  }

  /** Throws (and aborts `signal`) unless the job may still write. */
  async check(): Promise<void> {
    this.signal.throwIfAborted();
    const fence = await this.store.checkReconcileFence({
      jobId: this.job.id,
      owner: this.job.leaseOwner ?? '',
      now: this.clock(),
    });
    if (!fence.proceed) {
      const error =
        fence.reason === 'deleting'
          ? new EnvironmentDeletingError(fence.message)
          : new Error(fence.message);
      this.controller.abort(error);
      throw error;
    }
  }

  /** Whether the job stopped because its environment is being deleted. */
  get deleting(): boolean {
    return this.controller.signal.reason instanceof EnvironmentDeletingError;
  }

  dispose(): void {
    clearInterval(this.timer);
  }
}
