import { mockServices } from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import { Deployment, DeploymentTarget, Environment } from '../model';
import { developmentType } from '../kubernetes/__testUtils__/fixtures';
import { RolloutObservation } from '../kubernetes';
import { RolloutTracker, RolloutTrackerOptions } from './RolloutTracker';

async function until(what: string, condition: () => boolean) {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within 5 s: ${what}`);
    await new Promise(resolve => setTimeout(resolve, 5));
  }
}

function deployment(overrides: Partial<Deployment> = {}): Deployment {
  const config = {
    image: 'registry.acme.example/orders:1.0.0',
    port: 8080,
    replicas: 2,
    env: {},
    secretRefs: {},
    resources: {},
  };
  return {
    id: 'dep-1',
    environmentId: 'env-1',
    environmentName: 'development',
    type: 'development',
    componentRef: 'component:default/orders',
    sequence: 1,
    kind: 'deploy',
    state: 'rolling-out',
    version: '1.0.0',
    resolved: {
      config,
      origins: {},
      layers: { baseline: {}, component: {}, override: {} },
    },
    contentHash: 'abc',
    message: 'Deployed 1.0.0',
    source: 'api',
    createdBy: 'user:default/alice',
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...overrides,
  };
}

/**
 * A deployments store that holds one current deployment per environment and
 * records outcomes compare-and-set, as the real one does.
 */
type TrackedDeployments = RolloutTrackerOptions['deployments'];

class FakeDeployments implements TrackedDeployments {
  readonly current = new Map<string, Deployment>();
  readonly outcomes: Array<{ id: string; state: string; reason?: string }> = [];
  readonly reasons: Array<{ id: string; reason: string | null }> = [];
  sweeps = 0;

  async getTargets(ids: string[]): Promise<DeploymentTarget[]> {
    return ids.map(environmentId => ({
      environmentId,
      current: this.current.get(environmentId),
    }));
  }

  async listRollingOut() {
    this.sweeps += 1;
    return [...this.current.values()].filter(d => d.state === 'rolling-out');
  }

  async recordRolloutOutcome(outcome: {
    id: string;
    state: 'succeeded' | 'failed';
    reason?: string;
  }) {
    const found = [...this.current.values()].find(d => d.id === outcome.id);
    if (!found || found.state !== 'rolling-out') return undefined;
    const recorded = { ...found, state: outcome.state, reason: outcome.reason };
    this.current.set(found.environmentId, recorded);
    this.outcomes.push(outcome);
    return recorded;
  }

  async updateRolloutReason(update: { id: string; reason: string | null }) {
    this.reasons.push(update);
    return true;
  }
}

describe('RolloutTracker', () => {
  let deployments: FakeDeployments;
  let observations: Map<string, RolloutObservation>;
  let observeRollout: jest.Mock<Promise<RolloutObservation>, [Environment]>;
  let tracker: RolloutTracker;

  const environment = (id: string): Environment =>
    ({ id, type: 'development', namespace: `ns-${id}` } as Environment);

  function trackerWith(options: Partial<RolloutTrackerOptions> = {}) {
    return new RolloutTracker({
      deployments,
      environments: {
        getEnvironment: async id => {
          if (id === 'gone') throw new NotFoundError(`no ${id}`);
          return environment(id);
        },
      },
      observerFor: () => ({ observeRollout }),
      types: { development: developmentType },
      logger: mockServices.logger.mock(),
      sweepIntervalMs: 60_000,
      ...options,
    });
  }

  beforeEach(() => {
    deployments = new FakeDeployments();
    observations = new Map();
    observeRollout = jest.fn(
      async (env: Environment): Promise<RolloutObservation> =>
        observations.get(env.id) ?? { phase: 'absent' },
    );
    tracker = trackerWith();
  });

  afterEach(() => tracker.stop());

  it('records succeeded once the cluster runs the deployment complete', async () => {
    deployments.current.set('env-1', deployment());
    observations.set('env-1', { phase: 'complete', deploymentId: 'dep-1' });

    await expect(tracker.check('env-1')).resolves.toBe('succeeded');

    expect(deployments.outcomes).toEqual([{ id: 'dep-1', state: 'succeeded' }]);
  });

  it('records failed with the reason and message the cluster gives', async () => {
    deployments.current.set('env-1', deployment());
    observations.set('env-1', {
      phase: 'failed',
      deploymentId: 'dep-1',
      reason: 'ImagePullBackOff',
      message: 'Back-off pulling image "registry.invalid/orders:1.0.0"',
    });

    await expect(tracker.check('env-1')).resolves.toBe('failed');

    expect(deployments.outcomes).toEqual([
      {
        id: 'dep-1',
        state: 'failed',
        reason:
          'ImagePullBackOff: Back-off pulling image "registry.invalid/orders:1.0.0"',
      },
    ]);
  });

  it('never takes the previous ReplicaSet’s outcome for the new deployment', async () => {
    deployments.current.set('env-1', deployment({ id: 'dep-2' }));
    observations.set('env-1', { phase: 'complete', deploymentId: 'dep-1' });

    await expect(tracker.check('env-1')).resolves.toBe('waiting');
    observations.set('env-1', { phase: 'complete' });
    await expect(tracker.check('env-1')).resolves.toBe('waiting');
    observations.set('env-1', {
      phase: 'progressing',
      deploymentId: 'dep-1',
      message: '1 of 2 replicas updated',
    });
    await expect(tracker.check('env-1')).resolves.toBe('waiting');

    expect(deployments.outcomes).toEqual([]);
    expect(deployments.reasons).toEqual([]);
  });

  it('shows what a rollout in progress waits for', async () => {
    deployments.current.set('env-1', deployment());
    observations.set('env-1', {
      phase: 'progressing',
      deploymentId: 'dep-1',
      message: '1 of 2 replicas updated',
    });

    await expect(tracker.check('env-1')).resolves.toBe('waiting');

    expect(deployments.reasons).toEqual([
      { id: 'dep-1', reason: '1 of 2 replicas updated' },
    ]);
    expect(deployments.outcomes).toEqual([]);
  });

  it('leaves alone an environment with nothing rolling out, or gone, without asking the cluster', async () => {
    deployments.current.set('env-1', deployment({ state: 'succeeded' }));
    deployments.current.set('gone', deployment({ environmentId: 'gone' }));

    await expect(tracker.check('env-1')).resolves.toBe('idle');
    await expect(tracker.check('env-2')).resolves.toBe('idle');
    await expect(tracker.check('gone')).resolves.toBe('idle');

    expect(observeRollout).not.toHaveBeenCalled();
  });

  it('records an outcome once when two replicas see it', async () => {
    deployments.current.set('env-1', deployment());
    observations.set('env-1', { phase: 'complete', deploymentId: 'dep-1' });
    const other = trackerWith();

    const seen = await Promise.all([
      tracker.check('env-1'),
      other.check('env-1'),
    ]);

    expect(seen).toEqual(['succeeded', 'succeeded']);
    expect(deployments.outcomes).toHaveLength(1);
  });

  it('sweeps every rolling-out deployment when it starts: one stopped mid-rollout is recorded after a restart', async () => {
    for (const id of ['env-1', 'env-2', 'env-3']) {
      deployments.current.set(
        id,
        deployment({ id: `dep-${id}`, environmentId: id }),
      );
      observations.set(id, { phase: 'complete', deploymentId: `dep-${id}` });
    }

    tracker.start();

    await until(
      'every outcome recorded',
      () => deployments.outcomes.length === 3,
    );
    expect(deployments.outcomes.map(o => o.id).sort()).toEqual([
      'dep-env-1',
      'dep-env-2',
      'dep-env-3',
    ]);
  });

  it('sweeps again on its interval', async () => {
    tracker = trackerWith({ sweepIntervalMs: 20 });
    tracker.start();
    await until('the first sweep', () => deployments.sweeps === 1);

    deployments.current.set('env-1', deployment());
    observations.set('env-1', { phase: 'complete', deploymentId: 'dep-1' });

    await until(
      'the outcome recorded',
      () => deployments.outcomes.length === 1,
    );
    expect(deployments.sweeps).toBeGreaterThan(1);
  });

  it('coalesces changes of one environment into one more look after the one under way', async () => {
    deployments.current.set('env-1', deployment());
    let release!: () => void;
    const held = new Promise<void>(resolve => {
      release = resolve;
    });
    observeRollout.mockImplementation(async () => {
      await held;
      return {
        phase: 'progressing',
        deploymentId: 'dep-1',
        message: '0 of 2 replicas updated',
      };
    });
    tracker.start();
    await until('the first look', () => observeRollout.mock.calls.length === 1);

    for (let i = 0; i < 20; i++) tracker.environmentChanged('env-1');
    release();

    await until(
      'the second look',
      () => observeRollout.mock.calls.length === 2,
    );
    await tracker.stop();
    expect(observeRollout).toHaveBeenCalledTimes(2);
  });

  it('looks at no more environments at once than its concurrency', async () => {
    tracker = trackerWith({ concurrency: 3 });
    let active = 0;
    let most = 0;
    observeRollout.mockImplementation(async env => {
      active += 1;
      most = Math.max(most, active);
      await new Promise(resolve => setTimeout(resolve, 10));
      active -= 1;
      return { phase: 'complete', deploymentId: `dep-${env.id}` };
    });
    for (let i = 0; i < 12; i++) {
      deployments.current.set(
        `env-${i}`,
        deployment({ id: `dep-env-${i}`, environmentId: `env-${i}` }),
      );
    }

    tracker.start();

    await until('every outcome', () => deployments.outcomes.length === 12);
    expect(most).toBe(3);
  });

  it('keeps going when one environment’s look fails', async () => {
    deployments.current.set('env-1', deployment());
    deployments.current.set(
      'env-2',
      deployment({ id: 'dep-2', environmentId: 'env-2' }),
    );
    observeRollout.mockImplementation(async env => {
      if (env.id === 'env-1') throw new Error('connection refused');
      return { phase: 'complete', deploymentId: 'dep-2' };
    });

    tracker.start();

    await until('env-2 recorded', () => deployments.outcomes.length === 1);
    expect(deployments.outcomes[0].id).toBe('dep-2');
  });

  it('ignores changes before it starts', async () => {
    deployments.current.set('env-1', deployment());
    observations.set('env-1', { phase: 'complete', deploymentId: 'dep-1' });

    tracker.environmentChanged('env-1');
    await new Promise(resolve => setTimeout(resolve, 20));

    expect(observeRollout).not.toHaveBeenCalled();
  });
});
