import { parseEnvironmentTypes } from '../environmentTypes';
import {
  configIssues,
  imageDigest,
  imageVersion,
  resolveDeploymentConfig,
  withImageTag,
} from './config';
import { diffConfigs, formatConfigChanges } from './diff';
import { parsePromotionPath, upstreamOf } from './promotion';

const base = {
  image: 'registry.local/orders:1.0.0',
  port: 8080,
  replicas: 1,
  env: { LOG_LEVEL: 'info' },
  secretRefs: {},
  resources: {},
};

describe('resolveDeploymentConfig', () => {
  it('lets a later layer win, value by value, and says where each came from', () => {
    const result = resolveDeploymentConfig({
      baseline: { replicas: 2, env: { LOG_FORMAT: 'json', LOG_LEVEL: 'warn' } },
      component: { image: 'registry.local/orders:1.0.0', port: 9090 },
      override: { env: { LOG_LEVEL: 'debug' }, resources: { cpu: '500m' } },
    });
    expect(result.ok && result.resolved.config).toEqual({
      image: 'registry.local/orders:1.0.0',
      port: 9090,
      replicas: 2,
      env: { LOG_FORMAT: 'json', LOG_LEVEL: 'debug' },
      secretRefs: {},
      resources: { cpu: '500m' },
    });
    expect(result.ok && result.resolved.origins).toEqual({
      image: 'component',
      port: 'component',
      replicas: 'baseline',
      'env.LOG_FORMAT': 'baseline',
      'env.LOG_LEVEL': 'override',
      'resources.cpu': 'override',
    });
  });

  it('needs an image from some layer', () => {
    expect(
      resolveDeploymentConfig({ baseline: {}, component: {}, override: {} }),
    ).toEqual({
      ok: false,
      issues: [expect.objectContaining({ field: 'image' })],
    });
  });
});

describe('configIssues', () => {
  const types = parseEnvironmentTypes({
    development: {
      description: 'dev',
      cluster: 'local',
      baseline: {
        quota: { cpu: '1', memory: '1Gi' },
        limits: {
          defaultCpu: '500m',
          defaultMemory: '512Mi',
          defaultRequestCpu: '100m',
          defaultRequestMemory: '128Mi',
        },
      },
      bounds: { cpu: '1', memory: '1Gi', replicas: 2 },
    },
  });

  it('names each field beyond the bounds of the type', () => {
    expect(
      configIssues(
        {
          ...base,
          replicas: 3,
          resources: { cpu: '2', memory: '512Mi' },
          secretRefs: { LOG_LEVEL: 'log-level' },
        },
        types.development,
        'development',
      ).map(issue => issue.field),
    ).toEqual(['replicas', 'resources.cpu', 'secretRefs.LOG_LEVEL']);
  });

  it('accepts a configuration within them', () => {
    expect(configIssues(base, types.development, 'development')).toEqual([]);
  });
});

describe('image references', () => {
  it.each([
    ['registry.local:5000/acme/orders:1.4.2', '1.4.2'],
    ['registry.local:5000/acme/orders', 'latest'],
    [`orders@sha256:${'a'.repeat(64)}`, 'aaaaaaaaaaaa'],
  ])('reads the version of %s', (image, version) => {
    expect(imageVersion(image)).toBe(version);
  });

  it('changes the tag, dropping a digest that named the old one', () => {
    expect(
      withImageTag(
        `registry.local:5000/orders:1@sha256:${'b'.repeat(64)}`,
        '2',
      ),
    ).toBe('registry.local:5000/orders:2');
    expect(imageDigest(`orders:1@sha256:${'c'.repeat(64)}`)).toBe(
      `sha256:${'c'.repeat(64)}`,
    );
    expect(imageDigest('orders:1')).toBeUndefined();
  });
});

describe('diffConfigs', () => {
  it('lists what was added, removed and changed, in a stable order, and as text', () => {
    const changes = diffConfigs(base, {
      ...base,
      image: 'registry.local/orders:1.1.0',
      env: { FEATURE_X: 'on' },
      secretRefs: { DB_PASSWORD: 'db-password' },
    });
    expect(changes).toEqual([
      {
        path: 'image',
        change: 'changed',
        from: 'registry.local/orders:1.0.0',
        to: 'registry.local/orders:1.1.0',
      },
      { path: 'env.FEATURE_X', change: 'added', to: 'on' },
      { path: 'env.LOG_LEVEL', change: 'removed', from: 'info' },
      { path: 'secretRefs.DB_PASSWORD', change: 'added', to: 'db-password' },
    ]);
    expect(formatConfigChanges(changes)).toBe(
      [
        '- image: registry.local/orders:1.0.0',
        '+ image: registry.local/orders:1.1.0',
        '+ env.FEATURE_X: on',
        '- env.LOG_LEVEL: info',
        '+ secretRefs.DB_PASSWORD: db-password',
        '',
      ].join('\n'),
    );
    expect(formatConfigChanges(diffConfigs(base, base))).toBe('No changes\n');
  });
});

describe('promotion paths', () => {
  it('reads an annotation, and ignores one that is not a path', () => {
    expect(parsePromotionPath(' dev, qa ,prod ')).toEqual([
      'dev',
      'qa',
      'prod',
    ]);
    expect(parsePromotionPath('dev')).toBeUndefined();
    expect(parsePromotionPath('dev,dev')).toBeUndefined();
    expect(parsePromotionPath(undefined)).toBeUndefined();
  });

  it('names the environment that feeds another', () => {
    const path = ['development', 'staging', 'production'];
    expect(upstreamOf(path, 'staging')).toBe('development');
    expect(upstreamOf(path, 'development')).toBeUndefined();
    expect(upstreamOf(path, 'preview')).toBeUndefined();
  });
});
