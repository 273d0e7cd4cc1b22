import {
  canRequestEnvironmentType,
  parseEnvironmentTypes,
} from './environmentTypes';

const baseline = {
  quota: { cpu: '2', memory: '4Gi', pods: 20 },
  limits: {
    defaultCpu: '500m',
    defaultMemory: '512Mi',
    defaultRequestCpu: '100m',
    defaultRequestMemory: '128Mi',
  },
};

const validTypes = {
  development: {
    description: 'For day-to-day work',
    cluster: 'dev-cluster',
    baseline: {
      ...baseline,
      labels: { 'platform.example.com/tier': 'development' },
      annotations: {
        'platform.example.com/contact': 'Platform team, #platform',
      },
    },
    bounds: { cpu: 4, memory: '8Gi' },
  },
  preview: {
    description: 'One per pull request',
    cluster: 'dev-cluster',
    ephemeral: true,
    ttl: { default: '4h', max: '3d' },
    baseline,
    bounds: { cpu: '2', memory: '4Gi' },
  },
  production: {
    description: 'Live traffic',
    cluster: 'prod-cluster',
    baseline,
    bounds: { cpu: '16', memory: '64Gi' },
    allowedGroups: ['group:platform-team'],
    requiresApproval: true,
  },
};

function problemsIn(config: unknown): string[] {
  try {
    parseEnvironmentTypes(config);
  } catch (error) {
    return (error as Error).message.split('\n').slice(1);
  }
  throw new Error('expected the config to be rejected');
}

describe('parseEnvironmentTypes', () => {
  it('reads valid types, applying defaults', () => {
    const types = parseEnvironmentTypes(validTypes);

    expect(Object.keys(types)).toEqual([
      'development',
      'preview',
      'production',
    ]);
    expect(types.development).toMatchObject({
      cluster: 'dev-cluster',
      ephemeral: false,
      requiresApproval: false,
    });
    expect(types.development.ttl).toBeUndefined();
    expect(types.preview).toMatchObject({
      ephemeral: true,
      ttl: { default: '4h', max: '3d' },
    });
    expect(types.production.requiresApproval).toBe(true);
  });

  it('keeps quantities as text, including numbers YAML reads from `cpu: 4`', () => {
    const types = parseEnvironmentTypes(validTypes);

    expect(types.development.bounds).toEqual({ cpu: '4', memory: '8Gi' });
  });

  it('writes group references in full, as the catalog does', () => {
    const types = parseEnvironmentTypes(validTypes);

    expect(types.production.allowedGroups).toEqual([
      'group:default/platform-team',
    ]);
  });

  it('reads a missing map as no types', () => {
    expect(parseEnvironmentTypes(undefined)).toEqual({});
  });

  it('rejects a map that is not an object', () => {
    expect(() => parseEnvironmentTypes(['development'])).toThrow(
      'Invalid environment types in app-config:\nenvironments.types: must be an object that maps each type name to its settings',
    );
  });

  it('lists every problem in every type, each with its path and rule', () => {
    expect(
      problemsIn({
        Preview_1: { ...validTypes.preview },
        preview: {
          ...validTypes.preview,
          ttl: undefined,
          bounds: { cpu: '1', memory: '512m' },
        },
        staging: {
          ...validTypes.development,
          cluster: undefined,
          ttl: { default: '5d', max: '3d' },
          requireApproval: true,
        },
        production: {
          ...validTypes.production,
          allowedGroups: ['user:default/jane'],
          baseline: {
            ...baseline,
            limits: { ...baseline.limits, defaultRequestCpu: '1' },
            labels: { team: 'Platform Team' },
          },
        },
      }),
    ).toEqual([
      'environments.types.Preview_1: is not a valid type name: type names must be DNS-1123 labels, at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit',
      'environments.types.preview.bounds.memory: must be a whole number of bytes; "512m" is 0.512 bytes (did you mean "512Mi"?)',
      'environments.types.preview.ttl: is required when ephemeral is true: set a default and a max, such as { default: "4h", max: "3d" }',
      'environments.types.preview.bounds.cpu: must be at least the baseline quota cpu (2)',
      'environments.types.staging.cluster: is required',
      'environments.types.staging.ttl.default: must not be longer than max (3d)',
      'environments.types.staging.requireApproval: is not a known field',
      'environments.types.staging.ttl: is only allowed when ephemeral is true, because only ephemeral environments expire',
      'environments.types.production.baseline.limits.defaultRequestCpu: must not be more than defaultCpu (500m)',
      'environments.types.production.baseline.labels.team: must be empty or at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit (got "Platform Team")',
      'environments.types.production.allowedGroups.0: must refer to a group, not a user (got "user:default/jane")',
    ]);
  });

  it('requires the settings every type needs', () => {
    expect(problemsIn({ development: {} })).toEqual([
      'environments.types.development.description: is required',
      'environments.types.development.cluster: is required',
      'environments.types.development.baseline: is required',
      'environments.types.development.bounds: is required',
    ]);
  });

  it('rejects settings of the wrong type in plain words', () => {
    expect(
      problemsIn({
        development: {
          ...validTypes.development,
          ephemeral: 'yes',
          bounds: { cpu: true, memory: '8Gi' },
        },
      }),
    ).toEqual([
      'environments.types.development.ephemeral: must be true or false, not a string',
      'environments.types.development.bounds.cpu: must be a CPU quantity in cores, such as "2" or "1.5", or in millicores, such as "500m"',
    ]);
  });

  it('rejects an empty list of allowed groups, which would allow no one', () => {
    expect(
      problemsIn({
        production: { ...validTypes.production, allowedGroups: [] },
      }),
    ).toEqual([
      'environments.types.production.allowedGroups: must list at least one group; leave allowedGroups out to let everyone request this type',
    ]);
  });
});

describe('canRequestEnvironmentType', () => {
  const types = parseEnvironmentTypes(validTypes);

  it('lets anyone request a type without allowed groups', () => {
    expect(canRequestEnvironmentType(types.development, [])).toBe(true);
  });

  it('lets only members of an allowed group request a restricted type', () => {
    expect(
      canRequestEnvironmentType(types.production, [
        'user:default/jane',
        'group:default/platform-team',
      ]),
    ).toBe(true);
    expect(
      canRequestEnvironmentType(types.production, [
        'user:default/joe',
        'group:default/team-orders',
      ]),
    ).toBe(false);
  });

  it('compares references regardless of case', () => {
    expect(
      canRequestEnvironmentType(types.production, [
        'Group:Default/Platform-Team',
      ]),
    ).toBe(true);
  });
});
