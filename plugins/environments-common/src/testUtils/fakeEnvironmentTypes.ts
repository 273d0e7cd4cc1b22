import { EnvironmentTypeDescription } from '../client';
import { DEFAULT_BOUNDS, DEFAULT_QUOTA } from '../environmentTypes';

const baseline = {
  quota: { cpu: '2', memory: '4Gi', ...DEFAULT_QUOTA },
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

/**
 * The types {@link FakeEnvironmentsApi} offers by default, as `GET /types`
 * describes them: a long-lived `development` and `staging`, an ephemeral
 * `preview`, all allowed to the caller.
 *
 * @public
 */
export const fakeEnvironmentTypes: EnvironmentTypeDescription[] = [
  {
    name: 'development',
    description: 'Day-to-day work',
    cluster: 'local',
    ephemeral: false,
    requiresApproval: false,
    baseline,
    bounds: { cpu: '4', memory: '8Gi', ...DEFAULT_BOUNDS },
    allowed: true,
  },
  {
    name: 'preview',
    description: 'Short-lived',
    cluster: 'local',
    ephemeral: true,
    ttl: { default: '4h', max: '3d' },
    requiresApproval: false,
    baseline,
    bounds: { cpu: '2', memory: '4Gi', ...DEFAULT_BOUNDS },
    allowed: true,
  },
  {
    name: 'staging',
    description: 'Release candidates',
    cluster: 'local',
    ephemeral: false,
    requiresApproval: false,
    baseline,
    bounds: { cpu: '8', memory: '16Gi', ...DEFAULT_BOUNDS },
    allowed: true,
  },
];
