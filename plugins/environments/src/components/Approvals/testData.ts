import {
  Deployment,
  DeploymentConfig,
} from '@internal/backstage-plugin-environments-common';
import { anEnvironment } from '../../__testUtils__';

const config: DeploymentConfig = {
  image: 'registry.local/orders-service:1.4.1',
  port: 8080,
  replicas: 2,
  env: { LOG_LEVEL: 'info' },
  secretRefs: {},
  resources: {},
};

/** What runs in orders-service's production environment: 1.4.1, deployed by jane. */
export function aDeployment(overrides: Partial<Deployment> = {}): Deployment {
  return {
    id: 'dep-1',
    environmentId: 'env-prod',
    environmentName: 'production',
    type: 'production',
    componentRef: 'component:default/orders-service',
    sequence: 1,
    kind: 'deploy',
    state: 'succeeded',
    version: '1.4.1',
    config,
    origins: { image: 'override' },
    layers: { baseline: {}, component: {}, override: { image: config.image } },
    contentHash: 'a'.repeat(64),
    message: 'Deployed 1.4.1',
    source: 'ui',
    createdBy: 'user:default/jane.doe',
    createdAt: '2026-11-21T08:00:00.000Z',
    updatedAt: '2026-11-21T08:01:00.000Z',
    ...overrides,
  };
}

const approval = {
  groups: ['group:default/platform-team'],
  expiresAt: '2026-11-22T09:00:00.000Z',
};

/** 1.4.2 asked for by john for production, waiting for the platform team. */
export const pendingDeployment = aDeployment({
  id: 'dep-2',
  sequence: 2,
  state: 'pending-approval',
  version: '1.4.2',
  config: {
    ...config,
    image: 'registry.local/orders-service:1.4.2',
    replicas: 3,
  },
  message: 'Release 1.4.2',
  replaces: 'dep-1',
  approval,
  createdBy: 'user:default/john.smith',
  createdAt: '2026-11-21T09:00:00.000Z',
  updatedAt: '2026-11-21T09:00:00.000Z',
});

/** A production environment of payments-service asked for by john, waiting. */
export const pendingEnvironment = anEnvironment({
  id: 'env-pay-prod',
  name: 'production',
  namespace: 'payments-service-production',
  componentRef: 'component:default/payments-service',
  ownerRef: 'group:default/payments-team',
  type: 'production',
  status: 'requested',
  spec: {
    componentRef: 'component:default/payments-service',
    type: 'production',
    name: 'production',
    resources: [],
  },
  approval,
  createdBy: 'user:default/john.smith',
  expiresAt: undefined,
});

/** The production environment that orders-service's deployments go to. */
export const productionEnvironment = anEnvironment({
  id: 'env-prod',
  name: 'production',
  namespace: 'orders-service-production',
  type: 'production',
  status: 'ready',
  spec: {
    componentRef: 'component:default/orders-service',
    type: 'production',
    name: 'production',
    resources: [],
  },
  expiresAt: undefined,
});
