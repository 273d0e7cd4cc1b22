// The names the environments backend and `packages/cluster-tools` must agree
// on: cluster-tools creates the orchestrator's ServiceAccount and roles, the
// backend refers to them and labels what it creates, and both select by label.

/** The label every object the environments backend creates carries. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';

/**
 * The value of {@link MANAGED_BY_LABEL} on the environments backend's objects,
 * namespaces above all: the orchestrator's scope policy allows changes only to
 * namespaces labelled with it.
 */
export const MANAGED_BY_ENVIRONMENTS = 'idp-environments';

/** The namespace of the platform's own ServiceAccounts. */
export const PLATFORM_NAMESPACE = 'idp-system';

/** The ServiceAccount the environments backend provisions with. */
export const ORCHESTRATOR_SERVICE_ACCOUNT = 'environments-orchestrator';

/** The user name the API server knows {@link ORCHESTRATOR_SERVICE_ACCOUNT} by. */
export const ORCHESTRATOR_USERNAME = `system:serviceaccount:${PLATFORM_NAMESPACE}:${ORCHESTRATOR_SERVICE_ACCOUNT}`;

/** Bound cluster-wide: what the orchestrator needs outside of any one environment. */
export const ORCHESTRATOR_CLUSTER_ROLE = 'idp-environments-orchestrator';

/**
 * The ClusterRole that holds what the orchestrator may do inside an
 * environment namespace; the orchestrator binds it to itself in each
 * namespace it creates, as the first object after the namespace.
 */
export const ORCHESTRATOR_NAMESPACE_ROLE =
  'idp-environments-orchestrator-namespace';

/**
 * The ClusterRole that an environment's owning team is bound to in the
 * environment's namespace: reading what runs there, its logs and events, and
 * deleting a pod to restart it; no secrets, no exec, no writes of what the
 * platform renders (see the README of environments-common).
 */
export const ENVIRONMENT_OWNER_ROLE = 'idp-environments-owner';

/**
 * The ValidatingAdmissionPolicy (and its binding) that keeps the
 * orchestrator's namespace rights to namespaces labelled as its own.
 */
export const ORCHESTRATOR_SCOPE_POLICY = 'idp-environments-orchestrator-scope';

/** The read-only ServiceAccount of Backstage's Kubernetes plugin. */
export const READER_SERVICE_ACCOUNT = 'backstage-reader';

/**
 * The ClusterRole of {@link READER_SERVICE_ACCOUNT}: get, list and watch on
 * what the Kubernetes tab shows, plus pod logs. It is never bound
 * cluster-wide, only by a RoleBinding ({@link READER_BINDING_NAME}) in each
 * namespace the platform serves: every environment namespace (the
 * orchestrator renders it) and the seed workloads' namespaces.
 */
export const READER_CLUSTER_ROLE = `idp-${READER_SERVICE_ACCOUNT}`;

/**
 * The ClusterRole bound to {@link READER_SERVICE_ACCOUNT} cluster-wide: get,
 * list and watch on the workload kinds the Kubernetes tab lists by label
 * across namespaces (pods, services, deployments...), and nothing else: no
 * ConfigMaps, Secrets, events or logs outside the namespaces that bind
 * {@link READER_CLUSTER_ROLE}.
 */
export const READER_WORKLOADS_CLUSTER_ROLE = `idp-${READER_SERVICE_ACCOUNT}-workloads`;

/** The RoleBinding of {@link READER_CLUSTER_ROLE} in a namespace the portal reads. */
export const READER_BINDING_NAME = READER_SERVICE_ACCOUNT;

/**
 * Backstage's Kubernetes plugin finds a component's objects by this label,
 * whose value the component's annotation of the same name gives.
 */
export const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';

/**
 * The one namespace in which Backstage's Kubernetes plugin reads an entity's
 * objects. The portal's reader holds no cluster-wide reads, so an entity
 * without it shows nothing (but 403 errors) in its Kubernetes tab.
 */
export const KUBERNETES_NAMESPACE_ANNOTATION =
  'backstage.io/kubernetes-namespace';
