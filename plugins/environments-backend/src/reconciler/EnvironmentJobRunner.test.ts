import { mockServices } from '@backstage/backend-test-utils';
import { EnvironmentJob, JobFailure } from '../model';
import {
  backoffMs,
  EnvironmentJobRunner,
  JobHandler,
  JobQueue,
} from './EnvironmentJobRunner';

const now = new Date('2026-01-01T00:00:00Z');

function job(overrides: Partial<EnvironmentJob> = {}): EnvironmentJob {
  return {
    id: 'job-1',
    environmentId: 'env-1',
    kind: 'reconcile',
    state: 'running',
    attempts: 0,
    rerunRequested: false,
    runAfter: now,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

function fakeQueue(claimed: EnvironmentJob | undefined, maxAttempts = 3) {
  return {
    claimNextJob: jest.fn(async () => claimed),
    renewLease: jest.fn(async () => claimed!),
    completeJob: jest.fn(
      async (): Promise<EnvironmentJob> => ({
        ...claimed!,
        state: 'succeeded',
      }),
    ),
    failJob: jest.fn(async () => ({
      ...claimed!,
      state:
        claimed!.attempts + 1 >= maxAttempts
          ? ('failed' as const)
          : ('pending' as const),
    })),
  } satisfies JobQueue;
}

function fakeHandler(run: JobHandler['run'] = async () => undefined) {
  return {
    run: jest.fn(run),
    recordFailure: jest.fn(async () => {}),
  } satisfies JobHandler;
}

function runnerWith(queue: JobQueue, handler: JobHandler) {
  return new EnvironmentJobRunner({
    queue,
    handler,
    owner: 'test-worker',
    logger: mockServices.logger.mock(),
    maxAttempts: 3,
    leaseMs: 30_000,
    clock: () => now,
  });
}

describe('EnvironmentJobRunner', () => {
  it('is idle when no job is due, without running anything', async () => {
    const queue = fakeQueue(undefined);
    const handler = fakeHandler();

    await expect(runnerWith(queue, handler).processNextJob()).resolves.toBe(
      'idle',
    );
    expect(queue.claimNextJob).toHaveBeenCalledWith({
      owner: 'test-worker',
      leaseMs: 30_000,
      now,
    });
    expect(handler.run).not.toHaveBeenCalled();
  });

  it('runs a claimed job, completes it, and only then runs what the handler left for after', async () => {
    const queue = fakeQueue(job());
    const order: string[] = [];
    queue.completeJob.mockImplementation(async () => {
      order.push('completed');
      return job({ state: 'succeeded' });
    });
    const handler = fakeHandler(async () => {
      order.push('ran');
      return async () => {
        order.push('after completion');
      };
    });

    await expect(runnerWith(queue, handler).processNextJob()).resolves.toEqual({
      jobId: 'job-1',
      environmentId: 'env-1',
      kind: 'reconcile',
      outcome: 'succeeded',
    });
    expect(order).toEqual(['ran', 'completed', 'after completion']);
    expect(queue.completeJob).toHaveBeenCalledWith({
      jobId: 'job-1',
      owner: 'test-worker',
      now,
    });
  });

  it('fails an attempt with a backoff, and says when the job is due again', async () => {
    const queue = fakeQueue(job({ attempts: 1 }));
    const handler = fakeHandler(async () => {
      throw new Error('connect ECONNREFUSED');
    });

    const retryAt = new Date(now.getTime() + backoffMs(2));
    await expect(
      runnerWith(queue, handler).processNextJob(),
    ).resolves.toMatchObject({ outcome: 'retrying', retryAt });
    expect(queue.failJob).toHaveBeenCalledWith({
      jobId: 'job-1',
      owner: 'test-worker',
      error: 'connect ECONNREFUSED',
      retryAt,
      maxAttempts: 3,
      now,
    });
    expect(queue.completeJob).not.toHaveBeenCalled();
    expect(handler.recordFailure).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'job-1' }),
      {
        message: 'connect ECONNREFUSED',
        attempt: 2,
        maxAttempts: 3,
        gaveUp: false,
      },
      expect.anything(),
    );
  });

  it('gives up once the attempts are used up', async () => {
    const queue = fakeQueue(job({ attempts: 2 }));
    const handler = fakeHandler(async () => {
      throw new Error('still down');
    });

    await expect(runnerWith(queue, handler).processNextJob()).resolves.toEqual({
      jobId: 'job-1',
      environmentId: 'env-1',
      kind: 'reconcile',
      outcome: 'failed',
    });
    expect(handler.recordFailure).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({ attempt: 3, gaveUp: true }),
      expect.anything(),
    );
  });

  it('renews the lease while a job runs, and stops when it is settled', async () => {
    jest.useFakeTimers();
    try {
      const queue = fakeQueue(job());
      let finish = () => {};
      const handler = fakeHandler(
        () =>
          new Promise<void>(resolve => {
            finish = resolve;
          }),
      );
      const processing = runnerWith(queue, handler).processNextJob();

      await jest.advanceTimersByTimeAsync(25_000);
      expect(queue.renewLease).toHaveBeenCalledTimes(2);
      finish();
      await processing;
      await jest.advanceTimersByTimeAsync(60_000);
      expect(queue.renewLease).toHaveBeenCalledTimes(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('aborts the job once a renewal fails, so that it writes nothing more, and leaves the job to its new holder', async () => {
    jest.useFakeTimers();
    try {
      const queue = fakeQueue(job());
      queue.renewLease.mockRejectedValue(
        new Error('job job-1 is leased to another worker'),
      );
      queue.failJob.mockRejectedValue(
        new Error('job job-1 is leased to another worker'),
      );
      const writes: string[] = [];
      const handler = fakeHandler(async (_job, _logger, signal) => {
        writes.push('namespace');
        // A slow write: the lease expires meanwhile.
        await new Promise(resolve => setTimeout(resolve, 30_000));
        signal.throwIfAborted();
        writes.push('deployment');
      });
      const processing = runnerWith(queue, handler).processNextJob();

      await jest.advanceTimersByTimeAsync(30_000);
      await expect(processing).resolves.toMatchObject({
        outcome: 'abandoned',
      });
      expect(writes).toEqual(['namespace']);
      expect(queue.completeJob).not.toHaveBeenCalled();
      expect(handler.recordFailure).not.toHaveBeenCalled();
    } finally {
      jest.useRealTimers();
    }
  });

  it('aborts the job once its lease ran out while a renewal hangs', async () => {
    jest.useFakeTimers();
    try {
      const queue = fakeQueue(job());
      queue.renewLease.mockImplementation(() => new Promise(() => {}));
      queue.failJob.mockRejectedValue(new Error('lease lost'));
      let aborted: AbortSignal | undefined;
      const handler = fakeHandler(async (_job, _logger, signal) => {
        aborted = signal;
        await new Promise(resolve => setTimeout(resolve, 45_000));
        signal.throwIfAborted();
      });
      const processing = runnerWith(queue, handler).processNextJob();

      await jest.advanceTimersByTimeAsync(25_000);
      expect(aborted?.aborted).toBe(false);
      await jest.advanceTimersByTimeAsync(20_000);
      await expect(processing).resolves.toMatchObject({
        outcome: 'abandoned',
      });
      expect(aborted?.aborted).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });

  it('retries a job whose renewal failed on a blip while its lease is still held', async () => {
    jest.useFakeTimers();
    try {
      const queue = fakeQueue(job());
      queue.renewLease.mockRejectedValue(new Error('connection reset'));
      const handler = fakeHandler(async (_job, _logger, signal) => {
        await new Promise(resolve => setTimeout(resolve, 30_000));
        signal.throwIfAborted();
      });
      const processing = runnerWith(queue, handler).processNextJob();

      await jest.advanceTimersByTimeAsync(30_000);
      await expect(processing).resolves.toMatchObject({
        outcome: 'retrying',
      });
    } finally {
      jest.useRealTimers();
    }
  });

  it('retries a teardown however often it failed: giving up would strand its name', async () => {
    const claimed = job({ kind: 'teardown', attempts: 50 });
    const queue = {
      ...fakeQueue(claimed),
      // Like the store: the request's maxAttempts decides.
      failJob: jest.fn(
        async ({ maxAttempts }: JobFailure): Promise<EnvironmentJob> => ({
          ...claimed,
          state: claimed.attempts + 1 >= maxAttempts ? 'failed' : 'pending',
        }),
      ),
    } satisfies JobQueue;
    const handler = fakeHandler(async () => {
      throw new Error('namespace still terminating');
    });

    await expect(
      runnerWith(queue, handler).processNextJob(),
    ).resolves.toMatchObject({
      outcome: 'retrying',
      retryAt: new Date(now.getTime() + 30_000),
    });
    expect(queue.failJob).toHaveBeenCalledWith(
      expect.objectContaining({ maxAttempts: 2_147_483_647 }),
    );
    expect(handler.recordFailure).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({
        attempt: 51,
        maxAttempts: undefined,
        gaveUp: false,
      }),
      expect.anything(),
    );
  });
});
