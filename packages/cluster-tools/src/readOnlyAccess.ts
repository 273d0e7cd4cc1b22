import { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { applyAll } from './apply';
import {
  ACCESS_NAMESPACE,
  accessNamespaceObject,
  ClusterAccess,
  PLATFORM_LABELS,
  serviceAccountAccess,
  serviceAccountObjects,
} from './serviceAccountAccess';
import { READER_SERVICE_ACCOUNT } from '@internal/backstage-plugin-environments-common';

const READER_NAME = READER_SERVICE_ACCOUNT;

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
  const labels = PLATFORM_LABELS;
  return [
    accessNamespaceObject(),
    ...serviceAccountObjects(READER_NAME),
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
  ];
}

/**
 * Creates (or keeps) the read-only ServiceAccount the portal uses, with the credentials
 * of the kubeconfig (which need to be allowed to create RBAC objects), and returns how the
 * portal reaches the cluster with it.
 */
export async function ensureReadOnlyAccess(
  kc: KubeConfig,
  options: { timeoutMs?: number } = {},
): Promise<ClusterAccess> {
  await applyAll(kc, readOnlyAccessObjects());
  return serviceAccountAccess(kc, READER_NAME, options);
}
