import { parseEnvironmentTypes } from './environmentTypes';
import {
  validateEnvironmentRequest,
  validateEnvironmentUpdate,
} from './request';

const baseline = {
  quota: { cpu: '2', memory: '4Gi' },
  limits: {
    defaultCpu: '500m',
    defaultMemory: '512Mi',
    defaultRequestCpu: '100m',
    defaultRequestMemory: '128Mi',
  },
};

const types = parseEnvironmentTypes({
  development: {
    description: 'For day-to-day work',
    cluster: 'dev-cluster',
    baseline,
    bounds: { cpu: '4', memory: '8Gi' },
  },
  preview: {
    description: 'One per pull request',
    cluster: 'dev-cluster',
    ephemeral: true,
    ttl: { default: '4h', max: '3d' },
    baseline: { ...baseline, quota: { ...baseline.quota, storage: '40Gi' } },
    bounds: { cpu: '2', memory: '4Gi', storage: '20Gi', resources: 2 },
  },
  staging: {
    description: 'Before production',
    cluster: 'staging-cluster',
    baseline,
    bounds: { cpu: '8', memory: '16Gi', storage: '8Gi' },
  },
});

const minimal = {
  componentRef: 'component:default/orders-service',
  type: 'development',
};

function issuesOf(input: unknown, configured = types) {
  const result = validateEnvironmentRequest(input, configured);
  return result.ok ? [] : result.issues;
}

describe('validateEnvironmentRequest', () => {
  describe('a valid request', () => {
    it('gets its defaults: the type as name, no resources', () => {
      expect(validateEnvironmentRequest(minimal, types)).toStrictEqual({
        ok: true,
        request: {
          componentRef: 'component:default/orders-service',
          type: 'development',
          name: 'development',
          resources: [],
        },
      });
    });

    it("gets the type's default time to live when ephemeral", () => {
      const result = validateEnvironmentRequest(
        { ...minimal, type: 'preview', name: 'pr-12' },
        types,
      );

      expect(result).toMatchObject({
        ok: true,
        request: { name: 'pr-12', ttl: '4h' },
      });
    });

    it('keeps everything that was asked for', () => {
      const request = {
        componentRef: 'component:default/orders-service',
        type: 'preview',
        name: 'pr-12',
        ttl: '3d',
        overrides: { cpu: '2000m', memory: '4Gi' },
        image: 'ghcr.io/acme/orders-service:1.4.2',
        resources: [
          {
            type: 'postgresql',
            name: 'orders-db',
            version: '16',
            storage: '5Gi',
          },
          { type: 'postgresql', name: 'audit-db' },
        ],
      };

      expect(validateEnvironmentRequest(request, types)).toEqual({
        ok: true,
        request,
      });
    });

    it('writes the component reference in full and lowercase', () => {
      const result = validateEnvironmentRequest(
        { ...minimal, componentRef: 'Component:Orders-Service' },
        types,
      );

      expect(result).toMatchObject({
        ok: true,
        request: { componentRef: 'component:default/orders-service' },
      });
    });

    it('accepts numbers as quantities, and returns them as text', () => {
      const result = validateEnvironmentRequest(
        { ...minimal, overrides: { cpu: 1.5 } },
        types,
      );

      expect(result).toMatchObject({
        ok: true,
        request: { overrides: { cpu: '1.5' } },
      });
    });

    it.each([
      'orders-service',
      'orders-service:latest',
      'localhost:5000/acme/orders-service',
      `ghcr.io/acme/orders-service@sha256:${'a'.repeat(64)}`,
    ])('accepts the image %s', image => {
      expect(issuesOf({ ...minimal, image })).toEqual([]);
    });
  });

  describe('the component', () => {
    it('must be referenced as kind:namespace/name or kind:name', () => {
      expect(issuesOf({ ...minimal, componentRef: 'orders-service' })).toEqual([
        {
          field: 'componentRef',
          rule: 'must be an entity reference such as "component:default/orders-service" or "component:orders-service" (got "orders-service")',
        },
      ]);
    });

    it('must be a component', () => {
      expect(
        issuesOf({ ...minimal, componentRef: 'group:default/team-orders' }),
      ).toEqual([
        {
          field: 'componentRef',
          rule: 'must refer to a component, not a group (got "group:default/team-orders")',
        },
      ]);
    });

    it('is required', () => {
      expect(issuesOf({ type: 'development' })).toEqual([
        { field: 'componentRef', rule: 'is required' },
      ]);
    });
  });

  describe('the type', () => {
    it('must be configured, and the rule names the configured types', () => {
      expect(issuesOf({ ...minimal, type: 'prod' })).toEqual([
        {
          field: 'type',
          rule: 'must be one of the configured environment types: development, preview, staging (got "prod")',
        },
      ]);
    });

    it('is not found among what every object has', () => {
      expect(issuesOf({ ...minimal, type: 'toString' })).toEqual([
        expect.objectContaining({ field: 'type' }),
      ]);
    });

    it('says so when no types are configured', () => {
      expect(issuesOf(minimal, {})).toEqual([
        {
          field: 'type',
          rule: 'must be a configured environment type, but none are configured (environments.types in app-config)',
        },
      ]);
    });
  });

  describe('the name', () => {
    it('must be a DNS-1123 label', () => {
      expect(issuesOf({ ...minimal, name: 'PR_12' })).toEqual([
        {
          field: 'name',
          rule: 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit (got "PR_12")',
        },
      ]);
    });

    it('may have up to 40 characters, to leave room in the namespace name', () => {
      expect(issuesOf({ ...minimal, name: 'a'.repeat(40) })).toEqual([]);
      expect(issuesOf({ ...minimal, name: 'a'.repeat(41) })).toEqual([
        {
          field: 'name',
          rule: 'must be at most 40 characters, because it becomes part of the namespace name (got 41)',
        },
      ]);
    });
  });

  describe('the time to live', () => {
    it('may not exceed the maximum of the type', () => {
      expect(issuesOf({ ...minimal, type: 'preview', ttl: '4d' })).toEqual([
        {
          field: 'ttl',
          rule: 'must be at most 3d, the longest time to live of type preview (got "4d")',
        },
      ]);
    });

    it('is only for ephemeral types', () => {
      expect(issuesOf({ ...minimal, type: 'staging', ttl: '4h' })).toEqual([
        {
          field: 'ttl',
          rule: 'is only allowed for ephemeral environment types, and type staging does not expire',
        },
      ]);
    });

    it('must be a duration', () => {
      expect(issuesOf({ ...minimal, type: 'preview', ttl: '2 days' })).toEqual([
        {
          field: 'ttl',
          rule: 'must be a duration: a whole number followed by m (minutes), h (hours) or d (days), such as "30m", "4h" or "3d" (got "2 days")',
        },
      ]);
    });
  });

  describe('the overrides', () => {
    it('may go up to the bounds of the type, inclusive', () => {
      expect(
        issuesOf({ ...minimal, overrides: { cpu: '4000m', memory: '8Gi' } }),
      ).toEqual([]);
    });

    it('may not go beyond the bounds, and the rule names the bound', () => {
      expect(
        issuesOf({ ...minimal, overrides: { cpu: '4.5', memory: '9Gi' } }),
      ).toEqual([
        {
          field: 'overrides.cpu',
          rule: 'must be at most 4, the cpu bound of type development (got "4.5")',
        },
        {
          field: 'overrides.memory',
          rule: 'must be at most 8Gi, the memory bound of type development (got "9Gi")',
        },
      ]);
    });

    it('must be positive quantities', () => {
      expect(
        issuesOf({ ...minimal, overrides: { cpu: '0', memory: '100m' } }),
      ).toEqual([
        { field: 'overrides.cpu', rule: 'must be greater than 0' },
        {
          field: 'overrides.memory',
          rule: 'must be a whole number of bytes; "100m" is 0.1 bytes (did you mean "100Mi"?)',
        },
      ]);
    });
  });

  describe('the image', () => {
    it.each([
      'Orders-Service:latest',
      'ghcr.io/acme/orders service',
      'orders:',
    ])('rejects %j', image => {
      expect(issuesOf({ ...minimal, image })).toEqual([
        {
          field: 'image',
          rule: `must be a container image reference such as "ghcr.io/acme/orders-service:1.4.2": an optional registry, a lowercase repository path, then an optional :tag and @digest (got "${image}")`,
        },
      ]);
    });
  });

  describe('the resources', () => {
    it('must be of a known type', () => {
      expect(
        issuesOf({ ...minimal, resources: [{ type: 'mysql', name: 'db' }] }),
      ).toEqual([
        {
          field: 'resources.0.type',
          rule: 'must be one of: postgresql, redis',
        },
      ]);
    });

    it('must have unique names', () => {
      expect(
        issuesOf({
          ...minimal,
          resources: [
            { type: 'postgresql', name: 'orders-db' },
            { type: 'postgresql', name: 'audit-db' },
            { type: 'postgresql', name: 'orders-db' },
          ],
        }),
      ).toEqual([
        {
          field: 'resources.2.name',
          rule: 'must be unique, but "orders-db" is also the name of resources.0',
        },
      ]);
    });

    it('must have valid settings', () => {
      expect(
        issuesOf({
          ...minimal,
          resources: [
            {
              type: 'postgresql',
              name: 'Orders',
              version: 'latest',
              storage: '5GB',
            },
          ],
        }),
      ).toEqual([
        {
          field: 'resources.0.name',
          rule: 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit (got "Orders")',
        },
        {
          field: 'resources.0.version',
          rule: 'must be a PostgreSQL version such as "16" or "16.4"',
        },
        {
          field: 'resources.0.storage',
          rule: 'must be a memory quantity such as "512Mi", "2Gi" or "1G", or a number of bytes such as "1000000" (got "5GB")',
        },
      ]);
    });
  });

  describe('the bounds of the type on resources', () => {
    const preview = { ...minimal, type: 'preview' };

    it('allow storage up to the bound of one resource, inclusive', () => {
      expect(
        issuesOf({
          ...preview,
          resources: [
            { type: 'postgresql', name: 'orders-db', storage: '20Gi' },
            { type: 'redis', name: 'sessions', storage: '20480Mi' },
          ],
        }),
      ).toEqual([]);
    });

    it('refuse more storage than the bound, naming the resource and the bound', () => {
      expect(
        issuesOf({
          ...preview,
          resources: [
            { type: 'postgresql', name: 'orders-db', storage: '1Gi' },
            { type: 'postgresql', name: 'big-db', storage: '1Pi' },
          ],
        }),
      ).toEqual([
        {
          field: 'resources.1.storage',
          rule: 'must be at most 20Gi for type preview (got "1Pi")',
        },
      ]);
    });

    it('refuse more storage together than the storage quota of the type', () => {
      expect(
        issuesOf({
          ...preview,
          resources: [
            { type: 'postgresql', name: 'orders-db', storage: '20Gi' },
            { type: 'redis', name: 'sessions', storage: '20Gi' },
          ],
        }),
      ).toEqual([]);
      expect(
        issuesOf({
          ...preview,
          type: 'staging',
          resources: [
            { type: 'postgresql', name: 'orders-db', storage: '6Gi' },
            { type: 'redis', name: 'sessions', storage: '4.5Gi' },
          ],
        }),
      ).toEqual([
        {
          field: 'resources',
          rule: 'must not ask for more storage together than the storage quota of type staging (10Gi); they ask for 10752Mi',
        },
      ]);
    });

    it('refuse more resources than the type allows', () => {
      expect(
        issuesOf({
          ...preview,
          resources: [
            { type: 'postgresql', name: 'a' },
            { type: 'postgresql', name: 'b' },
            { type: 'redis', name: 'c' },
          ],
        }),
      ).toEqual([
        {
          field: 'resources',
          rule: 'must list at most 2 resources for type preview (got 3)',
        },
      ]);
    });

    it('apply the defaults to a type that sets none', () => {
      expect(
        issuesOf({
          ...minimal,
          resources: [
            { type: 'postgresql', name: 'a', storage: '6Gi' },
            { type: 'postgresql', name: 'b' },
            { type: 'redis', name: 'c' },
            { type: 'redis', name: 'd' },
          ],
        }),
      ).toEqual([
        {
          field: 'resources',
          rule: 'must list at most 3 resources for type development (got 4)',
        },
        {
          field: 'resources.0.storage',
          rule: 'must be at most 5Gi for type development (got "6Gi")',
        },
      ]);
    });

    it('are reported along with other problems of the resources', () => {
      expect(
        issuesOf({
          ...preview,
          resources: [
            { type: 'postgresql', name: 'Bad', storage: '1Pi' },
            { type: 'postgresql', name: 'ok', storage: 'lots' },
          ],
        }),
      ).toEqual([
        expect.objectContaining({ field: 'resources.0.name' }),
        expect.objectContaining({ field: 'resources.1.storage' }),
        {
          field: 'resources.0.storage',
          rule: 'must be at most 20Gi for type preview (got "1Pi")',
        },
      ]);
    });
  });

  it('reports every problem at once', () => {
    expect(
      issuesOf({
        componentRef: 'component:orders-service',
        type: 'preview',
        name: 'PR-12',
        ttl: '5d',
        overrides: { cpu: 'lots', memory: '6Gi' },
        resources: [
          { type: 'postgresql', name: 'db', size: 'large' },
          { type: 'postgresql', name: 'db' },
        ],
        owner: 'jane',
      }),
    ).toEqual([
      expect.objectContaining({ field: 'name' }),
      expect.objectContaining({ field: 'overrides.cpu' }),
      { field: 'resources.0.size', rule: 'is not a known field' },
      expect.objectContaining({ field: 'resources.1.name' }),
      { field: 'owner', rule: 'is not a known field' },
      expect.objectContaining({ field: 'ttl' }),
      expect.objectContaining({ field: 'overrides.memory' }),
    ]);
  });

  it('rejects a request that is not an object', () => {
    expect(issuesOf('orders-service')).toEqual([
      {
        field: 'request',
        rule: 'must be an object with at least componentRef and type',
      },
    ]);
  });
});

describe('validateEnvironmentUpdate', () => {
  const current = {
    componentRef: 'component:default/orders-service',
    type: 'preview',
    name: 'pr-42',
    ttl: '4h',
    resources: [{ type: 'postgresql' as const, name: 'orders-db' }],
  };

  it('holds a change to the bounds of the type, as a new request', () => {
    expect(
      validateEnvironmentUpdate(
        {
          resources: [
            { type: 'postgresql', name: 'orders-db', storage: '1Pi' },
          ],
        },
        current,
        types,
      ),
    ).toEqual({
      ok: false,
      issues: [
        {
          field: 'resources.0.storage',
          rule: 'must be at most 20Gi for type preview (got "1Pi")',
        },
      ],
    });
  });

  it('accepts a change within them', () => {
    expect(
      validateEnvironmentUpdate(
        {
          resources: [
            { type: 'postgresql', name: 'orders-db', storage: '20Gi' },
          ],
        },
        current,
        types,
      ),
    ).toMatchObject({
      ok: true,
      request: { resources: [{ name: 'orders-db', storage: '20Gi' }] },
    });
  });
});
