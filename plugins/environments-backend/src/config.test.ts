import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { readEnvironmentsConfig } from './config';

const development = {
  description: 'Day to day',
  cluster: 'local',
  baseline: {
    quota: { cpu: '2', memory: '4Gi' },
    limits: {
      defaultCpu: '500m',
      defaultMemory: '512Mi',
      defaultRequestCpu: '100m',
      defaultRequestMemory: '128Mi',
    },
  },
  bounds: { cpu: '4', memory: '8Gi' },
};

function read(environments: object) {
  const logger = mockServices.logger.mock();
  const settings = readEnvironmentsConfig(new ConfigReader({ environments }), {
    logger,
  });
  return { settings, logger };
}

describe('readEnvironmentsConfig', () => {
  it('gives the defaults when nothing is set', () => {
    expect(read({}).settings).toEqual({
      types: {},
      clusterNames: [],
      adminGroups: [],
      reconciler: { concurrency: 8, pollInterval: { seconds: 10 } },
      expiry: { frequency: { seconds: 30 } },
    });
  });

  it('reads what is set', () => {
    const { settings } = read({
      types: { development },
      clusters: [{ name: 'local', kubeconfig: '/kubeconfig' }],
      defaultImage: 'registry.acme.example/{component}:main',
      reconciler: { concurrency: 2, pollInterval: '30s' },
      expiry: { frequency: { minutes: 1 } },
    });
    expect(settings).toMatchObject({
      types: { development: { cluster: 'local' } },
      clusterNames: ['local'],
      defaultImagePattern: 'registry.acme.example/{component}:main',
      reconciler: { concurrency: 2, pollInterval: { seconds: 30 } },
      expiry: { frequency: { minutes: 1 } },
    });
  });

  it('names the key of each problem', () => {
    expect(() => read({ reconciler: { concurrency: 0 } })).toThrow(
      'environments.reconciler.concurrency: must be a whole number of at least 1 (got 0)',
    );
    expect(() => read({ reconciler: { pollInterval: 'soon' } })).toThrow(
      /^environments\.reconciler\.pollInterval: must be a duration/,
    );
    expect(() => read({ types: { Preview: { description: 'x' } } })).toThrow(
      /environments\.types\.Preview/,
    );
  });

  it('warns of types whose cluster is not configured', () => {
    const { logger } = read({ types: { development } });
    expect(logger.warn).toHaveBeenCalledWith(
      'Environment type development names cluster "local", which is not in environments.clusters; its environments stay requested until it is configured',
    );
  });
});
