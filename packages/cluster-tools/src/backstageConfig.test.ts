import { parse } from 'yaml';
import { clusterAppConfig } from './backstageConfig';

const cluster = { url: 'https://127.0.0.1:6443', skipTLSVerify: false };

describe('clusterAppConfig', () => {
  it("gives the Kubernetes plugin the reader's token and the environments backend the orchestrator's", () => {
    const config = parse(
      clusterAppConfig({
        name: 'local',
        reader: { ...cluster, caData: 'Q0E=', token: 'reader-token' },
        orchestrator: {
          ...cluster,
          caData: 'Q0E=',
          token: 'orchestrator-token',
        },
      }),
    );

    expect(config.kubernetes.clusterLocatorMethods).toEqual([
      {
        type: 'config',
        clusters: [
          {
            name: 'local',
            url: 'https://127.0.0.1:6443',
            authProvider: 'serviceAccount',
            serviceAccountToken: 'reader-token',
            skipTLSVerify: false,
            skipMetricsLookup: true,
            caData: 'Q0E=',
          },
        ],
      },
    ]);
    expect(config.environments).toEqual({
      clusters: [
        {
          name: 'local',
          url: 'https://127.0.0.1:6443',
          serviceAccountToken: 'orchestrator-token',
          caData: 'Q0E=',
        },
      ],
    });
  });

  it('skips TLS verification for the orchestrator only where the kubeconfig does', () => {
    const access = { url: 'https://k8s.example:6443', skipTLSVerify: true };
    const config = parse(
      clusterAppConfig({
        name: 'staging',
        reader: { ...access, token: 'r' },
        orchestrator: { ...access, token: 'o' },
      }),
    );

    expect(config.environments.clusters).toEqual([
      {
        name: 'staging',
        url: 'https://k8s.example:6443',
        serviceAccountToken: 'o',
        skipTLSVerify: true,
      },
    ]);
  });
});
