import { mockServices } from '@backstage/backend-test-utils';
import { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { KubeConfig } from '@kubernetes/client-node';
import { EnvironmentStatusWatcher } from './EnvironmentStatusWatcher';

async function until(what: string, condition: () => boolean) {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`not within 5 s: ${what}`);
    }
    await new Promise(resolve => setTimeout(resolve, 5));
  }
}

/** A refresh the watch asks for may read its copy of the cluster. */
const CACHED = { cached: true };

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('EnvironmentStatusWatcher', () => {
  let watches: Map<
    string,
    { onChange: (id: string) => void; start: jest.Mock; stop: jest.Mock }
  >;
  let reconciler: {
    refreshStatus: jest.Mock<Promise<'updated'>, [string]>;
    refreshWaitingStatuses: jest.Mock<Promise<number>, []>;
  };
  let scheduler: { scheduleTask: jest.Mock };
  let watcher: EnvironmentStatusWatcher;

  beforeEach(() => {
    watches = new Map();
    reconciler = {
      refreshStatus: jest.fn(async (_id: string) => 'updated' as const),
      refreshWaitingStatuses: jest.fn(async () => 0),
    };
    scheduler = { scheduleTask: jest.fn(async () => {}) };
    watcher = new EnvironmentStatusWatcher({
      clusters: {
        names: () => ['dev-cluster', 'test-cluster'],
        kubeConfig: () => new KubeConfig(),
      },
      reconciler,
      scheduler,
      logger: mockServices.logger.mock(),
      coalesceMs: 20,
      retryMs: 30,
      watchCluster: ({ cluster, onChange }) => {
        const watch = {
          onChange,
          start: jest.fn(),
          stop: jest.fn(async () => {}),
        };
        watches.set(cluster, watch);
        return watch;
      },
    });
  });

  afterEach(() => watcher.stop());

  const changed = (cluster: string, id: string) =>
    watches.get(cluster)!.onChange(id);

  it('watches every cluster and schedules a global, low-frequency safety resync', async () => {
    await watcher.start();

    expect([...watches.keys()]).toEqual(['dev-cluster', 'test-cluster']);
    expect(
      [...watches.values()].every(w => w.start.mock.calls.length === 1),
    ).toBe(true);
    const task: SchedulerServiceTaskScheduleDefinition & {
      fn: () => Promise<void>;
    } = scheduler.scheduleTask.mock.calls[0][0];
    expect(task).toMatchObject({
      id: 'environments-status-resync',
      frequency: { minutes: 5 },
      scope: 'global',
    });
    await task.fn();
    expect(reconciler.refreshWaitingStatuses).toHaveBeenCalledTimes(1);
  });

  it('refreshes each environment once for a burst of changes', async () => {
    await watcher.start();

    for (let i = 0; i < 5; i += 1) {
      changed('dev-cluster', 'env-a');
    }
    changed('test-cluster', 'env-b');
    await until(
      'refreshed',
      () => reconciler.refreshStatus.mock.calls.length === 2,
    );
    await sleep(50);

    expect(reconciler.refreshStatus.mock.calls).toEqual([
      ['env-a', CACHED],
      ['env-b', CACHED],
    ]);
  });

  it('refreshes one environment at a time, and again one that changed while it was refreshed', async () => {
    let finish = () => {};
    reconciler.refreshStatus.mockImplementationOnce(
      () => new Promise(resolve => (finish = () => resolve('updated'))),
    );
    await watcher.start();

    changed('dev-cluster', 'env-a');
    await until(
      'first refresh',
      () => reconciler.refreshStatus.mock.calls.length === 1,
    );
    changed('dev-cluster', 'env-a');
    changed('dev-cluster', 'env-b');
    await sleep(50);
    expect(reconciler.refreshStatus).toHaveBeenCalledTimes(1);

    finish();
    await until(
      'the rest',
      () => reconciler.refreshStatus.mock.calls.length === 3,
    );
    expect(reconciler.refreshStatus.mock.calls).toEqual([
      ['env-a', CACHED],
      ['env-a', CACHED],
      ['env-b', CACHED],
    ]);
  });

  it('tells of each change at once, before its coalesced refresh', async () => {
    const told: string[] = [];
    watcher = new EnvironmentStatusWatcher({
      clusters: {
        names: () => ['dev-cluster'],
        kubeConfig: () => new KubeConfig(),
      },
      reconciler,
      scheduler,
      logger: mockServices.logger.mock(),
      coalesceMs: 60_000,
      onWorkloadsChanged: id => told.push(id),
      watchCluster: ({ cluster, onChange }) => {
        const watch = { onChange, start: jest.fn(), stop: jest.fn() };
        watches.set(cluster, watch);
        return watch;
      },
    });
    await watcher.start();

    changed('dev-cluster', 'env-a');
    changed('dev-cluster', 'env-b');

    expect(told).toEqual(['env-a', 'env-b']);
    expect(reconciler.refreshStatus).not.toHaveBeenCalled();
  });

  it('tries a failed refresh again later', async () => {
    reconciler.refreshStatus.mockRejectedValueOnce(
      new Error('database is down'),
    );
    await watcher.start();

    changed('dev-cluster', 'env-a');

    await until(
      'refreshed again',
      () => reconciler.refreshStatus.mock.calls.length === 2,
    );
    expect(reconciler.refreshStatus.mock.calls).toEqual([
      ['env-a', CACHED],
      ['env-a', CACHED],
    ]);
  });

  it('stops its watches, its resync and the refreshes still due', async () => {
    await watcher.start();
    changed('dev-cluster', 'env-a');

    await watcher.stop();
    changed('dev-cluster', 'env-b');
    await sleep(60);

    expect(
      [...watches.values()].every(w => w.stop.mock.calls.length === 1),
    ).toBe(true);
    expect(scheduler.scheduleTask.mock.calls[0][0].signal.aborted).toBe(true);
    expect(reconciler.refreshStatus).not.toHaveBeenCalled();
  });
});
