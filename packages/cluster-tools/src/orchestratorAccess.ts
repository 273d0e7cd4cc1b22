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
import {
  ENVIRONMENT_OWNER_ROLE,
  MANAGED_BY_ENVIRONMENTS,
  MANAGED_BY_LABEL,
  ORCHESTRATOR_CLUSTER_ROLE,
  ORCHESTRATOR_NAMESPACE_ROLE,
  ORCHESTRATOR_SCOPE_POLICY,
  ORCHESTRATOR_SERVICE_ACCOUNT,
  ORCHESTRATOR_USERNAME,
  READER_CLUSTER_ROLE,
} from '@internal/backstage-plugin-environments-common';

const READ = ['get', 'list', 'watch'];
/** Server-side apply: read to compare, patch to write, create for the first apply. */
const APPLY = ['get', 'create', 'patch'];
/** And find (by label) and delete what an environment's spec no longer holds. */
const APPLY_AND_PRUNE = [...APPLY, 'list', 'delete'];

/**
 * What the orchestrator may do everywhere. It holds no access to what is in a
 * namespace, secrets above all, beyond the workloads its status watch lists by
 * label, and it can bind only three roles: the environment owner role for an
 * environment's owning team and the portal's reader role for the portal's
 * ServiceAccount (RBAC's escalation check demands `bind`, since the
 * orchestrator does not hold every permission of those roles itself), and its
 * own namespace role.
 */
export const orchestratorClusterRules = [
  {
    apiGroups: [''],
    resources: ['namespaces'],
    verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'],
  },
  {
    // Cluster-wide, since the binding that grants the namespace role has to be
    // created in a namespace where the orchestrator holds nothing yet.
    apiGroups: ['rbac.authorization.k8s.io'],
    resources: ['rolebindings'],
    verbs: APPLY,
  },
  {
    apiGroups: ['rbac.authorization.k8s.io'],
    resources: ['clusterroles'],
    verbs: ['bind'],
    resourceNames: [
      ENVIRONMENT_OWNER_ROLE,
      ORCHESTRATOR_NAMESPACE_ROLE,
      READER_CLUSTER_ROLE,
    ],
  },
  {
    // The status watch: list and watch by label selector across namespaces.
    apiGroups: ['apps'],
    resources: ['deployments', 'statefulsets'],
    verbs: ['list', 'watch'],
  },
  { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] },
];

/** What the orchestrator may do inside an environment namespace. */
export const orchestratorNamespaceRules = [
  {
    apiGroups: [''],
    resources: [
      'resourcequotas',
      'limitranges',
      'serviceaccounts',
      'configmaps',
      'secrets',
      'services',
    ],
    verbs: APPLY_AND_PRUNE,
  },
  {
    apiGroups: ['networking.k8s.io'],
    resources: ['networkpolicies'],
    verbs: APPLY_AND_PRUNE,
  },
  {
    apiGroups: ['apps'],
    resources: ['deployments', 'statefulsets'],
    verbs: APPLY_AND_PRUNE,
  },
  {
    // The portal streams an environment's logs and events, and shows its
    // volumes (claimed by the StatefulSet controller, not by the orchestrator).
    apiGroups: [''],
    resources: ['pods', 'pods/log', 'events', 'persistentvolumeclaims'],
    verbs: READ,
  },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: READ },
];

/**
 * What an environment's owning team may do in its namespace, the documented
 * minimum (README of environments-common): see what runs there, its logs,
 * events, volumes and settings, and delete a pod to have it restarted. No
 * secrets (the resources' passwords reach the component, not people), no
 * exec, attach or port-forward, and no writes of anything the platform
 * renders: a change goes through the portal, whose policy and bounds apply,
 * and a reconcile would undo a change made by hand anyway.
 */
export const environmentOwnerRules = [
  {
    apiGroups: [''],
    resources: [
      'pods',
      'pods/log',
      'events',
      'services',
      'endpoints',
      'configmaps',
      'persistentvolumeclaims',
      'resourcequotas',
      'limitranges',
      'serviceaccounts',
    ],
    verbs: READ,
  },
  {
    apiGroups: ['apps'],
    resources: ['deployments', 'replicasets', 'statefulsets'],
    verbs: READ,
  },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: READ },
  {
    apiGroups: ['networking.k8s.io'],
    resources: ['networkpolicies'],
    verbs: READ,
  },
  // Its controller starts a new one: a restart, not a way to run other pods.
  { apiGroups: [''], resources: ['pods'], verbs: ['delete'] },
];

const managedBy = `'${MANAGED_BY_LABEL}'`;
const isManaged = (object: string) =>
  `(has(${object}.metadata.labels) && ${managedBy} in ${object}.metadata.labels && ${object}.metadata.labels[${managedBy}] == '${MANAGED_BY_ENVIRONMENTS}')`;

/**
 * RBAC cannot limit the orchestrator's namespace and role binding rights to
 * environment namespaces: this admission policy does. Every change the
 * orchestrator makes must be to an environment namespace (labelled
 * `app.kubernetes.io/managed-by=idp-environments` before and after) or inside
 * one, so that it can neither delete `kube-system` nor bind itself a role in it.
 */
export function orchestratorScopePolicy(): KubernetesObject[] {
  const labels = PLATFORM_LABELS;
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: ORCHESTRATOR_SCOPE_POLICY, labels },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [
            {
              apiGroups: ['*'],
              apiVersions: ['*'],
              operations: ['CREATE', 'UPDATE', 'DELETE'],
              resources: ['*'],
              scope: '*',
            },
          ],
          // Everyone may ask who they are and what they may do.
          excludeResourceRules: [
            {
              apiGroups: ['authentication.k8s.io', 'authorization.k8s.io'],
              apiVersions: ['*'],
              operations: ['*'],
              resources: ['*'],
            },
          ],
        },
        matchConditions: [
          {
            name: 'is-the-orchestrator',
            expression: `request.userInfo.username == '${ORCHESTRATOR_USERNAME}'`,
          },
        ],
        variables: [
          {
            name: 'isNamespace',
            expression: `request.resource.group == '' && request.resource.resource == 'namespaces'`,
          },
        ],
        validations: [
          {
            expression: `!variables.isNamespace || ((request.operation == 'CREATE' || ${isManaged(
              'oldObject',
            )}) && (request.operation == 'DELETE' || ${isManaged('object')}))`,
            message: `the environments orchestrator may only create, change and delete namespaces labelled ${MANAGED_BY_LABEL}=${MANAGED_BY_ENVIRONMENTS}`,
            reason: 'Forbidden',
          },
          {
            expression: `variables.isNamespace || request.namespace == '' || (namespaceObject != null && ${isManaged(
              'namespaceObject',
            )})`,
            message: `the environments orchestrator may only change objects in namespaces labelled ${MANAGED_BY_LABEL}=${MANAGED_BY_ENVIRONMENTS}`,
            reason: 'Forbidden',
          },
        ],
      },
    } as KubernetesObject,
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: ORCHESTRATOR_SCOPE_POLICY, labels },
      spec: {
        policyName: ORCHESTRATOR_SCOPE_POLICY,
        validationActions: ['Deny'],
      },
    } as KubernetesObject,
  ];
}

export function orchestratorAccessObjects(): KubernetesObject[] {
  const labels = PLATFORM_LABELS;
  const clusterRole = (name: string, rules: object[]) =>
    ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name, labels },
      rules,
    } as KubernetesObject);
  return [
    accessNamespaceObject(),
    ...serviceAccountObjects(ORCHESTRATOR_SERVICE_ACCOUNT),
    // The policy first: the orchestrator's rights are never without it.
    ...orchestratorScopePolicy(),
    clusterRole(ORCHESTRATOR_CLUSTER_ROLE, orchestratorClusterRules),
    clusterRole(ORCHESTRATOR_NAMESPACE_ROLE, orchestratorNamespaceRules),
    clusterRole(ENVIRONMENT_OWNER_ROLE, environmentOwnerRules),
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: ORCHESTRATOR_CLUSTER_ROLE, labels },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: ORCHESTRATOR_CLUSTER_ROLE,
      },
      subjects: [
        {
          kind: 'ServiceAccount',
          name: ORCHESTRATOR_SERVICE_ACCOUNT,
          namespace: ACCESS_NAMESPACE,
        },
      ],
    } as KubernetesObject,
  ];
}

/**
 * Creates (or keeps) the environments orchestrator's ServiceAccount, its roles
 * and the admission policy that confines it, with the credentials of the
 * kubeconfig, and returns how the orchestrator reaches the cluster.
 */
export async function ensureOrchestratorAccess(
  kc: KubeConfig,
  options: { timeoutMs?: number } = {},
): Promise<ClusterAccess> {
  await applyAll(kc, orchestratorAccessObjects());
  return serviceAccountAccess(kc, ORCHESTRATOR_SERVICE_ACCOUNT, options);
}
