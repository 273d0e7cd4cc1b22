import {
  KubeConfig,
  KubernetesObject,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import { applyAll } from './apply';
import {
  ACCESS_NAMESPACE,
  accessNamespaceObject,
  ClusterAccess,
  PLATFORM_LABELS,
  serviceAccountAccess,
  serviceAccountObjects,
} from './serviceAccountAccess';
import {
  READER_BINDING_NAME,
  READER_CLUSTER_ROLE,
  READER_SERVICE_ACCOUNT,
} from '@internal/backstage-plugin-environments-common';

const READER_NAME = READER_SERVICE_ACCOUNT;

/**
 * What Backstage's Kubernetes plugin reads, and nothing else: get, list and watch on the
 * workload objects it shows, plus pod logs. Granted only in the namespaces the platform
 * serves, by a RoleBinding in each ({@link readerBindingObject}), never cluster-wide: the
 * Kubernetes tab reads one namespace (the entity's `backstage.io/kubernetes-namespace`),
 * and nobody can point an entity at `kube-system` to read its ConfigMaps.
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
      metadata: { name: READER_CLUSTER_ROLE, labels },
      rules: readerRules,
    } as KubernetesObject,
  ];
}

/**
 * The RoleBinding that lets the portal read `namespace`: the reader's ClusterRole,
 * bound in that namespace only.
 */
export function readerBindingObject(
  namespace: string,
  labels: Record<string, string> = PLATFORM_LABELS,
): KubernetesObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: READER_BINDING_NAME, namespace, labels },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: READER_CLUSTER_ROLE,
    },
    subjects: [
      {
        kind: 'ServiceAccount',
        name: READER_NAME,
        namespace: ACCESS_NAMESPACE,
      },
    ],
  } as KubernetesObject;
}

/**
 * Earlier versions bound the reader's ClusterRole cluster-wide under the same name;
 * a cluster connected by them still has that binding, which server-side apply does
 * not remove.
 */
async function removeClusterWideBinding(kc: KubeConfig) {
  try {
    await kc
      .makeApiClient(RbacAuthorizationV1Api)
      .deleteClusterRoleBinding({ name: READER_CLUSTER_ROLE });
  } catch (error) {
    if ((error as { code?: number }).code !== 404) {
      throw error;
    }
  }
}

/**
 * Creates (or keeps) the read-only ServiceAccount the portal uses and its ClusterRole,
 * with the credentials of the kubeconfig (which need to be allowed to create RBAC
 * objects), and returns how the portal reaches the cluster with it. It can read nothing
 * until a namespace binds it: the orchestrator does in each environment namespace,
 * `seed` in the seed workloads' namespaces.
 */
export async function ensureReadOnlyAccess(
  kc: KubeConfig,
  options: { timeoutMs?: number } = {},
): Promise<ClusterAccess> {
  await applyAll(kc, readOnlyAccessObjects());
  await removeClusterWideBinding(kc);
  return serviceAccountAccess(kc, READER_NAME, options);
}
