import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Log } from './log.ts';
import { runWorker, WorkerStatus } from './worker.ts';

const quiet: Log = () => {};

describe('runWorker', () => {
  it('runs the job again and again until it is stopped', async () => {
    const stop = new AbortController();
    const status = new WorkerStatus(new Date());
    let runs = 0;
    await runWorker({
      job: async () => {
        runs += 1;
        if (runs === 3) stop.abort();
      },
      intervalMs: 1,
      signal: stop.signal,
      status,
      log: quiet,
    });
    assert.equal(runs, 3);
    assert.ok(status.lastSuccessAt);
  });

  it('keeps going after failed runs, and counts them', async () => {
    const stop = new AbortController();
    const status = new WorkerStatus(new Date());
    const failures: number[] = [];
    let runs = 0;
    await runWorker({
      job: async () => {
        runs += 1;
        if (runs <= 2) throw new Error(`upstream unavailable (run ${runs})`);
        stop.abort();
      },
      intervalMs: 1,
      signal: stop.signal,
      status,
      log: (message, fields) => {
        if (message === 'Job run failed') {
          failures.push(fields?.consecutiveFailures as number);
        }
      },
    });
    assert.equal(runs, 3);
    assert.deepEqual(failures, [1, 2]);
    assert.equal(status.consecutiveFailures, 0);
  });

  it('stops while waiting for the next run, without waiting it out', async () => {
    const stop = new AbortController();
    const started = Date.now();
    await runWorker({
      job: async () => {
        setTimeout(() => stop.abort(), 10);
      },
      intervalMs: 60_000,
      signal: stop.signal,
      status: new WorkerStatus(new Date()),
      log: quiet,
    });
    assert.ok(Date.now() - started < 5_000);
  });
});
