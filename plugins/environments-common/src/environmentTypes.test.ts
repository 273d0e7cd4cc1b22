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

    expect(types.development.bounds).toMatchObject({
      cpu: '4',
      memory: '8Gi',
    });
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

describe('the tenancy settings of a type', () => {
  it('enforce, audit and warn the restricted Pod Security level unless set', () => {
    const types = parseEnvironmentTypes(validTypes);

    expect(types.development.baseline.podSecurity).toEqual({
      enforce: 'restricted',
      audit: 'restricted',
      warn: 'restricted',
      version: 'latest',
    });
  });

  it('let the platform team lower a level and pin the version', () => {
    const types = parseEnvironmentTypes({
      development: {
        ...validTypes.development,
        baseline: {
          ...baseline,
          podSecurity: { enforce: 'baseline', version: 'v1.31' },
        },
      },
    });

    expect(types.development.baseline.podSecurity).toEqual({
      enforce: 'baseline',
      audit: 'restricted',
      warn: 'restricted',
      version: 'v1.31',
    });
  });

  it('reject unknown levels and versions, and Pod Security labels set by hand', () => {
    expect(
      problemsIn({
        development: {
          ...validTypes.development,
          baseline: {
            ...baseline,
            podSecurity: {
              enforce: 'none',
              warn: 'restricted',
              version: '1.31',
            },
            labels: { 'pod-security.kubernetes.io/enforce': 'privileged' },
          },
        },
      }),
    ).toEqual([
      'environments.types.development.baseline.podSecurity.enforce: must be one of: privileged, baseline, restricted',
      'environments.types.development.baseline.podSecurity.version: must be "latest" or a Kubernetes minor version such as "v1.31"',
      'environments.types.development.baseline.labels.pod-security.kubernetes.io/enforce: is set from baseline.podSecurity; set the Pod Security levels there instead',
    ]);
  });

  it('count storage and claims in the quota, with defaults', () => {
    const types = parseEnvironmentTypes({
      ...validTypes,
      preview: {
        ...validTypes.preview,
        baseline: {
          ...baseline,
          quota: {
            ...baseline.quota,
            storage: '40Gi',
            persistentVolumeClaims: 3,
          },
        },
      },
    });

    expect(types.development.baseline.quota).toEqual({
      cpu: '2',
      memory: '4Gi',
      pods: 20,
      storage: '10Gi',
      persistentVolumeClaims: 5,
    });
    expect(types.preview.baseline.quota).toMatchObject({
      storage: '40Gi',
      persistentVolumeClaims: 3,
    });
  });

  it('bound storage per resource, resources and replicas, with defaults', () => {
    const types = parseEnvironmentTypes({
      ...validTypes,
      preview: {
        ...validTypes.preview,
        bounds: {
          ...validTypes.preview.bounds,
          storage: '2Gi',
          resources: 1,
          replicas: 2,
        },
      },
    });

    expect(types.development.bounds).toEqual({
      cpu: '4',
      memory: '8Gi',
      storage: '5Gi',
      resources: 3,
      replicas: 3,
    });
    expect(types.preview.bounds).toEqual({
      cpu: '2',
      memory: '4Gi',
      storage: '2Gi',
      resources: 1,
      replicas: 2,
    });
  });

  it('cap environments per component and per team only when asked to', () => {
    const types = parseEnvironmentTypes({
      ...validTypes,
      preview: {
        ...validTypes.preview,
        maxEnvironments: { perComponent: 5, perTeam: 20 },
      },
    });

    expect(types.development.maxEnvironments).toBeUndefined();
    expect(types.preview.maxEnvironments).toEqual({
      perComponent: 5,
      perTeam: 20,
    });
  });

  it('reject bounds and caps that make no sense', () => {
    expect(
      problemsIn({
        development: {
          ...validTypes.development,
          baseline: {
            ...baseline,
            quota: {
              ...baseline.quota,
              storage: '10Gi',
              persistentVolumeClaims: -1,
            },
          },
          bounds: {
            ...validTypes.development.bounds,
            storage: '20Gi',
            resources: -1,
            replicas: 0,
          },
          maxEnvironments: { perComponent: 0, perTeams: 3 },
        },
      }),
    ).toEqual([
      'environments.types.development.baseline.quota.persistentVolumeClaims: must not be negative',
      'environments.types.development.bounds.resources: must not be negative',
      'environments.types.development.bounds.replicas: must be greater than 0',
      'environments.types.development.maxEnvironments.perComponent: must be greater than 0',
      'environments.types.development.maxEnvironments.perTeams: is not a known field',
      'environments.types.development.bounds.storage: must not be more than the baseline quota storage (10Gi), or no resource that large could get its volume',
    ]);
  });

  it('reject more resources than volume claims the quota allows', () => {
    expect(
      problemsIn({
        development: {
          ...validTypes.development,
          baseline: {
            ...baseline,
            quota: { ...baseline.quota, persistentVolumeClaims: 2 },
          },
          bounds: { ...validTypes.development.bounds, resources: 3 },
        },
      }),
    ).toEqual([
      'environments.types.development.bounds.resources: must not be more than the baseline quota persistentVolumeClaims (2), since each resource claims a volume',
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
