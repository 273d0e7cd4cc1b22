import { Deployment, Environment } from '../model';
import {
  deploymentWorkload,
  failRolloutWhenReconcileGaveUp,
} from './deploymentWorkload';

const environment = { id: 'env-1' } as Environment;
const fallback = jest.fn(async () => ({
  image: 'registry.acme.example/orders:latest',
}));

describe('deploymentWorkload', () => {
  it('runs the current deployment’s configuration, with its id', async () => {
    const current = {
      id: 'dep-2',
      state: 'rolling-out',
      resolved: {
        config: {
          image: 'registry.acme.example/orders:1.2.0',
          port: 9090,
          replicas: 2,
          env: { LOG_LEVEL: 'debug' },
          secretRefs: { DB_PASSWORD: 'db-password' },
          resources: { cpu: '500m' },
        },
      },
    } as unknown as Deployment;
    const workloadFor = deploymentWorkload({
      deployments: {
        getTargets: async ids =>
          ids.map(environmentId => ({ environmentId, current })),
      },
      fallback,
    });

    await expect(workloadFor(environment)).resolves.toEqual({
      image: 'registry.acme.example/orders:1.2.0',
      port: 9090,
      replicas: 2,
      env: { LOG_LEVEL: 'debug' },
      secretRefs: { DB_PASSWORD: 'db-password' },
      resources: { cpu: '500m' },
      deploymentId: 'dep-2',
    });
    expect(fallback).not.toHaveBeenCalled();
  });

  it('runs what the catalog says before the first deployment, or without deployments', async () => {
    const withNone = deploymentWorkload({
      deployments: {
        getTargets: async ids => ids.map(environmentId => ({ environmentId })),
      },
      fallback,
    });

    await expect(withNone(environment)).resolves.toEqual({
      image: 'registry.acme.example/orders:latest',
    });
    await expect(
      deploymentWorkload({ fallback })(environment),
    ).resolves.toEqual({ image: 'registry.acme.example/orders:latest' });
  });
});

describe('failRolloutWhenReconcileGaveUp', () => {
  const reason =
    'Provisioning failed: connect ECONNREFUSED; gave up after 8 attempts';

  it('fails the deployment still rolling out, with the reason', async () => {
    const recordRolloutOutcome = jest.fn(async () => undefined);
    const fail = failRolloutWhenReconcileGaveUp({
      getTargets: async ids =>
        ids.map(environmentId => ({
          environmentId,
          current: { id: 'dep-3', state: 'rolling-out' } as Deployment,
        })),
      recordRolloutOutcome,
    });

    await fail('env-1', reason);

    expect(recordRolloutOutcome.mock.calls).toEqual([
      [{ id: 'dep-3', state: 'failed', reason }],
    ]);
  });

  it('leaves alone a deployment that is not rolling out, or none', async () => {
    const recordRolloutOutcome = jest.fn(async () => undefined);
    const targets = [
      { environmentId: 'env-1', current: { id: 'dep-2', state: 'succeeded' } },
      { environmentId: 'env-2' },
    ];
    const fail = failRolloutWhenReconcileGaveUp({
      getTargets: async ids =>
        targets.filter(t => ids.includes(t.environmentId)) as any,
      recordRolloutOutcome,
    });

    await fail('env-1', reason);
    await fail('env-2', reason);

    expect(recordRolloutOutcome).not.toHaveBeenCalled();
  });
});
