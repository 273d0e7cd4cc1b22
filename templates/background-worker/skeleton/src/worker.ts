/**
 * The worker loop: runs the job, waits, runs it again, until it is told to
 * stop. A failed run is logged and counted, and the next one runs on time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job } from './job.ts';
import type { Log } from './log.ts';

/** What the health check reports. */
export class WorkerStatus {
  readonly startedAt: Date;
  lastSuccessAt: Date | undefined;
  lastError: string | undefined;
  consecutiveFailures = 0;

  constructor(startedAt: Date) {
    this.startedAt = startedAt;
  }

  recordSuccess(at: Date): void {
    this.lastSuccessAt = at;
    this.lastError = undefined;
    this.consecutiveFailures = 0;
  }

  recordFailure(error: unknown): void {
    this.lastError = error instanceof Error ? error.message : String(error);
    this.consecutiveFailures += 1;
  }
}

export interface WorkerOptions {
  job: Job;
  intervalMs: number;
  signal: AbortSignal;
  status: WorkerStatus;
  log: Log;
}

/** Resolves once `signal` is aborted and the run in progress has ended. */
export async function runWorker(options: WorkerOptions): Promise<void> {
  const { job, intervalMs, signal, status, log } = options;
  while (!signal.aborted) {
    const startedAt = Date.now();
    try {
      await job({ signal, log });
      status.recordSuccess(new Date());
      log('Job run succeeded', { durationMs: Date.now() - startedAt });
    } catch (error) {
      status.recordFailure(error);
      log(
        'Job run failed',
        {
          error: status.lastError,
          consecutiveFailures: status.consecutiveFailures,
        },
        'error',
      );
    }
    await sleep(intervalMs, undefined, { signal }).catch(() => {
      // Aborted while waiting: the loop ends.
    });
  }
}
