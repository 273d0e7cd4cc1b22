import {
  Deployment,
  ResolvedConfig,
} from '@internal/backstage-plugin-environments-common';

/**
 * The configuration of orders-service's development environment: replicas
 * from the component (2, over the baseline's 1), LOG_LEVEL overridden, the
 * image deployed before (an override too).
 */
export const configuration: ResolvedConfig = {
  config: {
    image: 'ghcr.io/acme/orders:1.4.2',
    port: 8080,
    replicas: 2,
    env: { LOG_LEVEL: 'debug', REGION: 'eu' },
    secretRefs: { DB_PASSWORD: 'db-password' },
    resources: { cpu: '500m' },
  },
  origins: {
    image: 'override',
    replicas: 'component',
    'env.LOG_LEVEL': 'override',
    'env.REGION': 'baseline',
    'secretRefs.DB_PASSWORD': 'component',
    'resources.cpu': 'component',
  },
  layers: {
    baseline: { replicas: 1, env: { REGION: 'eu', LOG_LEVEL: 'info' } },
    component: {
      image: 'ghcr.io/acme/orders:1.0.0',
      replicas: 2,
      secretRefs: { DB_PASSWORD: 'db-password' },
      resources: { cpu: '500m' },
    },
    override: {
      image: 'ghcr.io/acme/orders:1.4.2',
      env: { LOG_LEVEL: 'debug' },
    },
  },
};

export function aDeployment(overrides: Partial<Deployment> = {}): Deployment {
  return {
    id: 'dep-5',
    environmentId: 'env-1',
    environmentName: 'development',
    type: 'development',
    componentRef: 'component:default/orders-service',
    sequence: 5,
    kind: 'deploy',
    state: 'rolling-out',
    version: '1.5.0',
    config: { ...configuration.config, image: 'ghcr.io/acme/orders:1.5.0' },
    origins: configuration.origins,
    layers: configuration.layers,
    contentHash: 'a'.repeat(64),
    message: 'Deployed 1.5.0',
    source: 'ui',
    createdBy: 'user:default/guest',
    createdAt: '2026-11-21T10:00:00.000Z',
    startedAt: '2026-11-21T10:00:00.000Z',
    updatedAt: '2026-11-21T10:00:00.000Z',
    ...overrides,
  };
}
