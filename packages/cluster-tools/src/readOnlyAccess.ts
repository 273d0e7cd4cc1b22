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
  READER_WORKLOADS_CLUSTER_ROLE,
} from '@internal/backstage-plugin-environments-common';

const READER_NAME = READER_SERVICE_ACCOUNT;

/** The workload kinds outside the core group the Kubernetes tab shows. */
function workloadKindRules() {
  return [
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
  ];
}

/**
 * What Backstage's Kubernetes plugin reads in a namespace the platform serves: get, list
 * and watch on the workload objects it shows, their ConfigMaps, quotas and events, plus
 * pod logs. Granted only there, by a RoleBinding in each namespace
 * ({@link readerBindingObject}), never cluster-wide, so nobody can point an entity at
 * `kube-system` to read its ConfigMaps or logs.
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
  ...workloadKindRules(),
  {
    apiGroups: ['metrics.k8s.io'],
    resources: ['pods'],
    verbs: ['get', 'list'],
  },
];

/**
 * The kinds the Kubernetes tab lists across all namespaces by the entity's label
 * (`backstage.io/kubernetes-id`) when the entity names no namespace: granted
 * cluster-wide, and only these. They are also the plugin's `objectTypes`
 * (see backstageConfig.ts), so the tab asks for nothing it may not list.
 */
export const readerWorkloadRules = [
  {
    apiGroups: [''],
    resources: ['pods', 'services'],
    verbs: ['get', 'list', 'watch'],
  },
  ...workloadKindRules(),
];

/** Backstage's names (`kubernetes.objectTypes`) of the kinds in {@link readerWorkloadRules}. */
export const READER_OBJECT_TYPES = [
  'pods',
  'services',
  'deployments',
  'replicasets',
  'statefulsets',
  'daemonsets',
  'horizontalpodautoscalers',
  'ingresses',
  'jobs',
  'cronjobs',
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
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: READER_WORKLOADS_CLUSTER_ROLE, labels },
      rules: readerWorkloadRules,
    } as KubernetesObject,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: READER_WORKLOADS_CLUSTER_ROLE, labels },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: READER_WORKLOADS_CLUSTER_ROLE,
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
 * objects), and returns how the portal reaches the cluster with it. Across namespaces it
 * can only list workloads by label; everything else it reads only where a namespace binds
 * it: the orchestrator does in each environment namespace, `seed` in the seed workloads'
 * namespaces.
 */
export async function ensureReadOnlyAccess(
  kc: KubeConfig,
  options: { timeoutMs?: number } = {},
): Promise<ClusterAccess> {
  await applyAll(kc, readOnlyAccessObjects());
  await removeClusterWideBinding(kc);
  return serviceAccountAccess(kc, READER_NAME, options);
}
