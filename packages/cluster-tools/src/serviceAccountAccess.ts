import {
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
} from '@kubernetes/client-node';
import { PLATFORM_NAMESPACE } from '@internal/backstage-plugin-environments-common';

/** Where the platform's own ServiceAccounts live. */
export const ACCESS_NAMESPACE = PLATFORM_NAMESPACE;

export const PLATFORM_LABELS = { 'app.kubernetes.io/part-of': 'idp-platform' };

export type ClusterAccess = {
  /** API server URL. */
  url: string;
  /** Base64 CA bundle of the API server, when the kubeconfig has one. */
  caData?: string;
  skipTLSVerify: boolean;
  /** The ServiceAccount's token. */
  token: string;
};

/**
 * A ServiceAccount in `idp-system` and a long-lived token for it, which the
 * token controller fills in (a portal outside the cluster cannot use the
 * short-lived projected tokens).
 */
export function serviceAccountObjects(name: string): KubernetesObject[] {
  const metadata = {
    name,
    namespace: ACCESS_NAMESPACE,
    labels: PLATFORM_LABELS,
  };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: {
        ...metadata,
        name: `${name}-token`,
        annotations: { 'kubernetes.io/service-account.name': name },
      },
    } as KubernetesObject,
  ];
}

export function accessNamespaceObject(): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: ACCESS_NAMESPACE, labels: PLATFORM_LABELS },
  };
}

/**
 * How to reach the cluster of `kc` as the ServiceAccount `name`: waits until
 * the token controller has issued its token.
 */
export async function serviceAccountAccess(
  kc: KubeConfig,
  name: string,
  { timeoutMs = 30_000 } = {},
): Promise<ClusterAccess> {
  const core = kc.makeApiClient(CoreV1Api);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const secret = await core.readNamespacedSecret({
      name: `${name}-token`,
      namespace: ACCESS_NAMESPACE,
    });
    const token = secret.data?.token;
    if (token) {
      const cluster = kc.getCurrentCluster()!;
      return {
        url: cluster.server,
        caData: cluster.caData,
        skipTLSVerify: cluster.skipTLSVerify ?? false,
        token: Buffer.from(token, 'base64').toString('utf8'),
      };
    }
    if (Date.now() > deadline) {
      throw new Error(
        `the token of ServiceAccount ${ACCESS_NAMESPACE}/${name} was not issued within ${
          timeoutMs / 1000
        } s; is kube-controller-manager running?`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

/** A kubeconfig that acts as the ServiceAccount of `access`. */
export function kubeConfigForAccess(
  access: ClusterAccess,
  user = 'service-account',
): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromClusterAndUser(
    {
      name: 'cluster',
      server: access.url,
      caData: access.caData,
      skipTLSVerify: access.skipTLSVerify,
    },
    { name: user, token: access.token },
  );
  return kc;
}
