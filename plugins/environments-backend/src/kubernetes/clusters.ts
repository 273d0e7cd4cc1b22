import { Config } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ObservedKind } from '@internal/backstage-plugin-environments-node';
import { readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { KubeConfig } from '@kubernetes/client-node';
import { KubernetesObserver } from './KubernetesObserver';
import { KubernetesProvisioner } from './KubernetesProvisioner';
import { ResourceDrivers } from './ResourceDrivers';
import { WorkloadCache } from './WorkloadCache';

/**
 * How the orchestrator reaches one cluster, from `environments.clusters` in
 * app-config: either a URL with a ServiceAccount token, or a kubeconfig file
 * (and optionally one of its contexts).
 */
export type ClusterConnection = {
  name: string;
  kubeConfig: KubeConfig;
  /** How long one API request may take; 10 s when not given. */
  requestTimeoutMs?: number;
};

function kubeConfigFromUrl(name: string, cluster: Config): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name,
        server: cluster.getString('url'),
        caData: cluster.getOptionalString('caData'),
        skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
      },
    ],
    users: [{ name, token: cluster.getOptionalString('serviceAccountToken') }],
    contexts: [{ name, cluster: name, user: name }],
    currentContext: name,
  });
  return kubeConfig;
}

function kubeConfigFromFile(cluster: Config): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(cluster.getString('kubeconfig'));
  const context = cluster.getOptionalString('context');
  if (context) {
    kubeConfig.setCurrentContext(context);
  }
  return kubeConfig;
}

/**
 * The clusters environments are provisioned into, by the name environment
 * types refer to (`environments.types.<type>.cluster`).
 */
export class EnvironmentClusters {
  static fromConfig(
    config: Config,
    options: { logger: LoggerService; drivers: ResourceDrivers },
  ): EnvironmentClusters {
    const connections = new Map<string, ClusterConnection>();
    for (const cluster of config.getOptionalConfigArray(
      'environments.clusters',
    ) ?? []) {
      const name = cluster.getString('name');
      if (connections.has(name)) {
        throw new Error(
          `environments.clusters: the cluster name "${name}" is used twice; names must be unique`,
        );
      }
      if (cluster.has('url') === cluster.has('kubeconfig')) {
        throw new Error(
          `environments.clusters.${name}: set either url (with serviceAccountToken) or kubeconfig, not both or neither`,
        );
      }
      const kubeConfig = cluster.has('url')
        ? kubeConfigFromUrl(name, cluster)
        : kubeConfigFromFile(cluster);
      const requestTimeout = cluster.has('requestTimeout')
        ? durationToMilliseconds(
            readDurationFromConfig(cluster, { key: 'requestTimeout' }),
          )
        : undefined;
      connections.set(name, {
        name,
        kubeConfig,
        ...(requestTimeout && { requestTimeoutMs: requestTimeout }),
      });
    }
    return new EnvironmentClusters(
      connections,
      options.logger,
      options.drivers,
    );
  }

  static fromConnections(
    connections: ClusterConnection[],
    options: { logger: LoggerService; drivers: ResourceDrivers },
  ): EnvironmentClusters {
    return new EnvironmentClusters(
      new Map(connections.map(c => [c.name, c])),
      options.logger,
      options.drivers,
    );
  }

  private readonly provisioners = new Map<string, KubernetesProvisioner>();
  private readonly observers = new Map<string, KubernetesObserver>();
  private readonly caches = new Map<string, WorkloadCache>();

  private constructor(
    private readonly connections: Map<string, ClusterConnection>,
    private readonly logger: LoggerService,
    private readonly drivers: ResourceDrivers,
  ) {}

  names(): string[] {
    return [...this.connections.keys()];
  }

  has(name: string): boolean {
    return this.connections.has(name);
  }

  /** @throws Error naming the configured clusters when `name` is not one of them. */
  kubeConfig(name: string): KubeConfig {
    const connection = this.connections.get(name);
    if (!connection) {
      const known = this.names();
      throw new Error(
        `Cluster "${name}" is not configured in environments.clusters${
          known.length ? ` (configured: ${known.join(', ')})` : ' (none are)'
        }`,
      );
    }
    return connection.kubeConfig;
  }

  /** The kinds the resource drivers read readiness from, to watch in every cluster. */
  observedKinds(): ObservedKind[] {
    return this.drivers.observedKinds();
  }

  /** One provisioner per cluster, created on first use. */
  provisioner(name: string): KubernetesProvisioner {
    let provisioner = this.provisioners.get(name);
    if (!provisioner) {
      provisioner = KubernetesProvisioner.create({
        kubeConfig: this.kubeConfig(name),
        logger: this.logger.child({ cluster: name }),
        drivers: this.drivers,
        requestTimeoutMs: this.connections.get(name)?.requestTimeoutMs,
        cache: this.workloadCache(name),
      });
      this.provisioners.set(name, provisioner);
    }
    return provisioner;
  }

  /**
   * The objects the status watch of the cluster has seen: its watch fills
   * it, and its provisioner reads rollouts and statuses from it.
   */
  workloadCache(name: string): WorkloadCache {
    this.kubeConfig(name);
    let cache = this.caches.get(name);
    if (!cache) {
      cache = new WorkloadCache();
      this.caches.set(name, cache);
    }
    return cache;
  }

  /** One observer (pods, events, logs) per cluster, created on first use. */
  observer(name: string): KubernetesObserver {
    let observer = this.observers.get(name);
    if (!observer) {
      observer = KubernetesObserver.create({
        kubeConfig: this.kubeConfig(name),
      });
      this.observers.set(name, observer);
    }
    return observer;
  }
}
