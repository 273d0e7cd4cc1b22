import type { Log } from './log.ts';

export interface JobContext {
  /** Aborted when the worker is stopping: finish or give up quickly. */
  signal: AbortSignal;
  log: Log;
}

/** One run of the worker's job; a thrown error marks the run as failed. */
export type Job = (context: JobContext) => Promise<void>;

/**
 * The work this worker does on every run. Replace the body with the real
 * work: read a queue, sync data, send e-mails. Keep a run short; the worker
 * runs it again after WORK_INTERVAL_SECONDS.
 */
export const job: Job = async ({ log }) => {
  log('Nothing to do yet: src/job.ts is where the work goes');
};
