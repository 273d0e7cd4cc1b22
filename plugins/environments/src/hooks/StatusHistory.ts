import {
  Environment,
  EnvironmentStatus,
} from '@internal/backstage-plugin-environments-common';

/** When each status was reached, as far as this page saw it happen. */
export type StatusTimes = Partial<Record<EnvironmentStatus, string>>;

type Entry = {
  status: EnvironmentStatus;
  updatedAt: string;
  times: StatusTimes;
};

/**
 * The status changes of environments as this page saw them, with the time
 * of each (the backend's `updatedAt` of the change). The environment model
 * keeps only its current status, so a timeline can only tell when a status
 * was reached if someone was watching when it changed.
 *
 * A status counts as reached when it differs from the one seen before for
 * the same environment; `requested` is known from `createdAt`. An environment
 * first seen in another status says nothing about when it got there.
 */
export class StatusHistory {
  readonly #entries = new Map<string, Entry>();

  /** Takes note of an environment as pushed or fetched; true if a time was added. */
  record(environment: Environment): boolean {
    const entry = this.#entries.get(environment.id);
    if (!entry) {
      this.#entries.set(environment.id, {
        status: environment.status,
        updatedAt: environment.updatedAt,
        times: { requested: environment.createdAt },
      });
      return true;
    }
    if (Date.parse(environment.updatedAt) < Date.parse(entry.updatedAt)) {
      return false;
    }
    const reached =
      entry.status !== environment.status && !entry.times[environment.status];
    if (reached) {
      entry.times = {
        ...entry.times,
        [environment.status]: environment.updatedAt,
      };
    }
    entry.status = environment.status;
    entry.updatedAt = environment.updatedAt;
    return reached;
  }

  timesOf(id: string): StatusTimes {
    return this.#entries.get(id)?.times ?? {};
  }
}
