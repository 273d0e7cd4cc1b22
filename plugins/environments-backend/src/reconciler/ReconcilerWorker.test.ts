import { mockServices } from '@backstage/backend-test-utils';
import { ProcessedJob } from './EnvironmentJobRunner';
import { ReconcilerWorker } from './ReconcilerWorker';

/** A queue of `jobs` jobs, each processed at once; then idle. */
function fakeReconciler(jobs = 0) {
  let left = jobs;
  return {
    processNextJob: jest.fn(async (): Promise<'idle' | ProcessedJob> => {
      if (left === 0) {
        return 'idle';
      }
      left -= 1;
      return {
        jobId: `job-${left}`,
        environmentId: 'environment',
        kind: 'reconcile',
        outcome: 'succeeded',
      };
    }),
    queue: (more: number) => {
      left += more;
    },
  };
}

function workerWith(reconciler: ReturnType<typeof fakeReconciler>) {
  return new ReconcilerWorker({
    reconciler,
    store: {
      listExpiredEnvironments: jest.fn(async () => []),
      markDeleting: jest.fn(),
    },
    logger: mockServices.logger.mock(),
  });
}

describe('ReconcilerWorker', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('looks at an empty queue once at start and then once per safety poll', async () => {
    const reconciler = fakeReconciler();
    const worker = workerWith(reconciler);

    worker.start();
    await jest.advanceTimersByTimeAsync(60_000);
    await worker.stop();

    // At start, then every 10 s: 7 looks in a minute, far below 1 a second.
    expect(reconciler.processNextJob).toHaveBeenCalledTimes(7);
  });

  it('tells of each job it processed', async () => {
    const reconciler = fakeReconciler(2);
    const processed: ProcessedJob[] = [];
    const worker = new ReconcilerWorker({
      reconciler,
      store: {
        listExpiredEnvironments: jest.fn(async () => []),
        markDeleting: jest.fn(),
      },
      logger: mockServices.logger.mock(),
      onJobProcessed: job => processed.push(job),
    });

    worker.start();
    await jest.advanceTimersByTimeAsync(0);
    await worker.stop();

    expect(processed).toEqual([
      expect.objectContaining({
        environmentId: 'environment',
        kind: 'reconcile',
        outcome: 'succeeded',
      }),
      expect.objectContaining({
        environmentId: 'environment',
        kind: 'reconcile',
        outcome: 'succeeded',
      }),
    ]);
  });

  it('is woken at once by a change, and works the queue off before it sleeps', async () => {
    const reconciler = fakeReconciler();
    const worker = workerWith(reconciler);
    worker.start();
    await jest.advanceTimersByTimeAsync(1_000);
    reconciler.processNextJob.mockClear();

    reconciler.queue(3);
    worker.wakeUp();
    await jest.advanceTimersByTimeAsync(0);

    const results = await Promise.all(
      reconciler.processNextJob.mock.results.map(r => r.value),
    );
    expect(results.filter(r => r !== 'idle')).toHaveLength(3);
    const looks = reconciler.processNextJob.mock.calls.length;
    // Asleep again: nothing until the next safety poll.
    await jest.advanceTimersByTimeAsync(8_000);
    expect(reconciler.processNextJob).toHaveBeenCalledTimes(looks);
    await worker.stop();
  });

  it('wakes up when a failed job is due again', async () => {
    const reconciler = fakeReconciler();
    reconciler.processNextJob.mockResolvedValueOnce({
      jobId: 'job',
      environmentId: 'environment',
      kind: 'reconcile',
      outcome: 'retrying',
      retryAt: new Date(Date.now() + 2_000),
    });
    const worker = workerWith(reconciler);
    worker.start();
    await jest.advanceTimersByTimeAsync(100);
    reconciler.processNextJob.mockClear();

    await jest.advanceTimersByTimeAsync(2_000);
    expect(reconciler.processNextJob).toHaveBeenCalled();
    await worker.stop();
  });

  it('stops looking at the queue once stopped', async () => {
    const reconciler = fakeReconciler();
    const worker = workerWith(reconciler);
    worker.start();
    await worker.stop();
    reconciler.processNextJob.mockClear();

    worker.wakeUp();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(reconciler.processNextJob).not.toHaveBeenCalled();
  });
});
