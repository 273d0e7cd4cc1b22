import {
  DEFAULT_BOUNDS,
  DEFAULT_QUOTA,
  Environment,
  EnvironmentTypeDescription,
} from '@internal/backstage-plugin-environments-common';

const baseline = {
  quota: { cpu: '2', memory: '4Gi', pods: 20, ...DEFAULT_QUOTA },
  limits: {
    defaultCpu: '500m',
    defaultMemory: '512Mi',
    defaultRequestCpu: '100m',
    defaultRequestMemory: '128Mi',
  },
  podSecurity: {
    enforce: 'restricted' as const,
    audit: 'restricted' as const,
    warn: 'restricted' as const,
    version: 'latest',
  },
};

/** The environment types of the platform's app-config, as `GET /types` describes them to a developer. */
export const types: EnvironmentTypeDescription[] = [
  {
    name: 'development',
    description: 'A long-lived environment for day-to-day work on a component.',
    cluster: 'local',
    ephemeral: false,
    requiresApproval: false,
    baseline,
    bounds: { cpu: '4', memory: '8Gi', ...DEFAULT_BOUNDS },
    allowed: true,
  },
  {
    name: 'preview',
    description: 'A short-lived environment, e.g. for a pull request.',
    cluster: 'local',
    ephemeral: true,
    ttl: { default: '4h', max: '3d' },
    requiresApproval: false,
    baseline,
    bounds: { cpu: '2', memory: '4Gi', ...DEFAULT_BOUNDS },
    allowed: true,
  },
  {
    name: 'production',
    description: 'Serves customers. Only the platform team may request it.',
    cluster: 'local',
    ephemeral: false,
    requiresApproval: true,
    allowedGroups: ['group:default/platform-team'],
    baseline,
    bounds: { cpu: '16', memory: '32Gi', ...DEFAULT_BOUNDS },
    allowed: false,
  },
];

export function anEnvironment(
  overrides: Partial<Environment> = {},
): Environment {
  return {
    id: 'env-1',
    name: 'pr-1',
    namespace: 'orders-service-pr-1',
    componentRef: 'component:default/orders-service',
    ownerRef: 'group:default/storefront-team',
    type: 'preview',
    status: 'provisioning',
    conditions: [],
    spec: {
      componentRef: 'component:default/orders-service',
      type: 'preview',
      name: 'pr-1',
      ttl: '4h',
      resources: [],
    },
    createdBy: 'user:default/guest',
    createdAt: '2026-11-21T09:00:00.000Z',
    updatedAt: '2026-11-21T09:00:05.000Z',
    expiresAt: '2026-11-21T13:00:00.000Z',
    ...overrides,
  };
}
