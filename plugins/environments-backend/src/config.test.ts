import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { resolve } from 'node:path';
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
      policy: {
        mode: 'embedded',
        // setupTests.ts moves the default away from the checkout's bundle.
        bundlePath: '/nonexistent/idp-policy-bundle.tar.gz',
        timeoutMs: 2000,
        failureMode: 'closed',
        timeZone: 'UTC',
      },
    });
  });

  it('resolves the policy bundle against the repository', () => {
    const moved = process.env.IDP_POLICY_BUNDLE;
    delete process.env.IDP_POLICY_BUNDLE;
    try {
      const root = resolve(__dirname, '../../..');
      expect(read({}).settings.policy.bundlePath).toBe(
        resolve(root, '.local/policy/bundle.tar.gz'),
      );
      expect(
        read({ policy: { bundlePath: 'build/p.tar.gz' } }).settings.policy
          .bundlePath,
      ).toBe(resolve(root, 'build/p.tar.gz'));
    } finally {
      process.env.IDP_POLICY_BUNDLE = moved;
    }
  });

  it('reads a policy server with its timeout and failure mode', () => {
    expect(
      read({
        policy: {
          mode: 'server',
          serverUrl: 'http://127.0.0.1:8181',
          timeout: { milliseconds: 300 },
          failureMode: 'open',
          timeZone: 'Europe/Berlin',
        },
      }).settings.policy,
    ).toMatchObject({
      mode: 'server',
      serverUrl: 'http://127.0.0.1:8181',
      timeoutMs: 300,
      failureMode: 'open',
      timeZone: 'Europe/Berlin',
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
    expect(() => read({ policy: { mode: 'strict' } })).toThrow(
      'environments.policy.mode: must be one of embedded, server, off (got "strict")',
    );
    expect(() => read({ policy: { mode: 'server' } })).toThrow(
      /^environments\.policy\.serverUrl: is required when environments\.policy\.mode is server/,
    );
    expect(() => read({ policy: { timeZone: 'Mars/Olympus' } })).toThrow(
      'environments.policy.timeZone: must be an IANA time zone such as Europe/Berlin (got "Mars/Olympus")',
    );
    expect(() => read({ policy: { failureMode: 'maybe' } })).toThrow(
      'environments.policy.failureMode: must be one of closed, open (got "maybe")',
    );
  });

  it('warns of types whose cluster is not configured', () => {
    const { logger } = read({ types: { development } });
    expect(logger.warn).toHaveBeenCalledWith(
      'Environment type development names cluster "local", which is not in environments.clusters; its environments stay requested until it is configured',
    );
  });
});
