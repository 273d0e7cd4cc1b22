import {
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
} from '@kubernetes/client-node';
import { applyAll } from './apply';

export const ACCESS_NAMESPACE = 'idp-system';
export const READER_NAME = 'backstage-reader';

const labels = { 'app.kubernetes.io/part-of': 'idp-platform' };

/**
 * What Backstage's Kubernetes plugin reads, and nothing else: get, list and watch on the
 * workload objects it shows, plus pod logs.
 */
export const readerRules = [
  {
    apiGroups: [''],
    resources: [
      'pods',
      'pods/log',
      'services',
      'configmaps',
      'limitranges',
      'resourcequotas',
      'events',
      'namespaces',
    ],
    verbs: ['get', 'list', 'watch'],
  },
  {
    apiGroups: ['apps'],
    resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'],
    verbs: ['get', 'list', 'watch'],
  },
  {
    apiGroups: ['autoscaling'],
    resources: ['horizontalpodautoscalers'],
    verbs: ['get', 'list', 'watch'],
  },
  {
    apiGroups: ['networking.k8s.io'],
    resources: ['ingresses'],
    verbs: ['get', 'list', 'watch'],
  },
  {
    apiGroups: ['batch'],
    resources: ['jobs', 'cronjobs'],
    verbs: ['get', 'list', 'watch'],
  },
  {
    apiGroups: ['metrics.k8s.io'],
    resources: ['pods'],
    verbs: ['get', 'list'],
  },
];

export function readOnlyAccessObjects(): KubernetesObject[] {
  const metadata = { name: READER_NAME, namespace: ACCESS_NAMESPACE, labels };
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ACCESS_NAMESPACE, labels },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: `idp-${READER_NAME}`, labels },
      rules: readerRules,
    } as KubernetesObject,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `idp-${READER_NAME}`, labels },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: `idp-${READER_NAME}`,
      },
      subjects: [
        {
          kind: 'ServiceAccount',
          name: READER_NAME,
          namespace: ACCESS_NAMESPACE,
        },
      ],
    } as KubernetesObject,
    // A long-lived token, which the token controller fills in.
    {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: {
        name: `${READER_NAME}-token`,
        namespace: ACCESS_NAMESPACE,
        labels,
        annotations: { 'kubernetes.io/service-account.name': READER_NAME },
      },
    } as KubernetesObject,
  ];
}

export type ClusterAccess = {
  /** API server URL. */
  url: string;
  /** Base64 CA bundle of the API server, when the kubeconfig has one. */
  caData?: string;
  skipTLSVerify: boolean;
  /** The read-only ServiceAccount's token. */
  token: string;
};

/**
 * Creates (or keeps) the read-only ServiceAccount the portal uses, with the credentials
 * of the kubeconfig (which need to be allowed to create RBAC objects), and returns how the
 * portal reaches the cluster with it.
 */
export async function ensureReadOnlyAccess(
  kc: KubeConfig,
  { timeoutMs = 30_000 } = {},
): Promise<ClusterAccess> {
  await applyAll(kc, readOnlyAccessObjects());
  const core = kc.makeApiClient(CoreV1Api);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const secret = await core.readNamespacedSecret({
      name: `${READER_NAME}-token`,
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
        `the token of ServiceAccount ${ACCESS_NAMESPACE}/${READER_NAME} was not issued within ${
          timeoutMs / 1000
        } s; is kube-controller-manager running?`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}
