import { EnvironmentType } from '@internal/backstage-plugin-environments-common';
import { postgresqlResourceDriver } from '@internal/backstage-plugin-environments-backend-module-postgresql';
import { redisResourceDriver } from '@internal/backstage-plugin-environments-backend-module-redis';
import { ProvisionedEnvironment } from '../desiredObjects';
import { ResourceDrivers } from '../ResourceDrivers';

/** The drivers the backend is installed with, as in packages/backend. */
export const testDrivers = ResourceDrivers.create([
  postgresqlResourceDriver,
  redisResourceDriver,
]);

export const developmentType: EnvironmentType = {
  description: 'For day-to-day work',
  cluster: 'dev-cluster',
  ephemeral: false,
  requiresApproval: false,
  baseline: {
    quota: {
      cpu: '2',
      memory: '4Gi',
      pods: 20,
      storage: '10Gi',
      persistentVolumeClaims: 5,
    },
    limits: {
      defaultCpu: '500m',
      defaultMemory: '512Mi',
      defaultRequestCpu: '100m',
      defaultRequestMemory: '128Mi',
    },
    podSecurity: {
      enforce: 'restricted',
      audit: 'restricted',
      warn: 'restricted',
      version: 'latest',
    },
    labels: { 'platform.example.com/tier': 'development' },
    annotations: { 'platform.example.com/contact': 'platform-team' },
  },
  bounds: {
    cpu: '4',
    memory: '8Gi',
    storage: '5Gi',
    resources: 3,
    replicas: 3,
  },
};

export function developmentEnvironment(
  overrides: Partial<ProvisionedEnvironment> = {},
): ProvisionedEnvironment {
  return {
    id: 'a1b2c3d4-0000-4000-8000-000000000001',
    name: 'development',
    namespace: 'orders-service-development',
    componentRef: 'component:default/orders-service',
    ownerRef: 'group:default/team-orders',
    type: 'development',
    spec: {
      componentRef: 'component:default/orders-service',
      type: 'development',
      name: 'development',
      resources: [{ type: 'postgresql', name: 'orders-db', version: '15' }],
    },
    ...overrides,
  };
}
