import { TooManyRequestsError } from './httpErrors';

/**
 * At most one reconcile per environment per interval, so that a client in a
 * loop cannot keep the reconciler busy with one environment. Kept in memory:
 * each replica counts its own requests, which bounds the rate by the number
 * of replicas.
 */
export class ReconcileRateLimiter {
  private readonly lastAccepted = new Map<string, number>();

  constructor(
    private readonly options: {
      intervalMs: number;
      clock?: () => number;
    },
  ) {}

  /**
   * Records a reconcile of the environment now, or throws a
   * `TooManyRequestsError` saying when the next one will be accepted.
   */
  take(environmentId: string, environmentName: string): void {
    const now = (this.options.clock ?? Date.now)();
    this.forgetExpired(now);
    const last = this.lastAccepted.get(environmentId);
    if (last !== undefined && now - last < this.options.intervalMs) {
      const waitMs = this.options.intervalMs - (now - last);
      throw new TooManyRequestsError(
        `Environment '${environmentName}' was reconciled less than ${
          this.options.intervalMs / 1000
        }s ago; try again in ${Math.ceil(waitMs / 1000)}s`,
        Math.ceil(waitMs / 1000),
      );
    }
    this.lastAccepted.delete(environmentId);
    this.lastAccepted.set(environmentId, now);
  }

  /** Keeps the map as small as the environments reconciled recently. */
  private forgetExpired(now: number) {
    for (const [id, at] of this.lastAccepted) {
      if (now - at < this.options.intervalMs) {
        // Insertion order is acceptance order: the rest are newer.
        return;
      }
      this.lastAccepted.delete(id);
    }
  }
}
