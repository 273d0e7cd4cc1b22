import { Deployment, Environment } from '../model';
import { deploymentWorkload } from './deploymentWorkload';

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
