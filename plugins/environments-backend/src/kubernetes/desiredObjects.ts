import {
  ENVIRONMENT_OWNER_ROLE,
  EnvironmentSpec,
  EnvironmentType,
  parseDuration,
  PLATFORM_NAMESPACE,
  READER_BINDING_NAME,
  READER_CLUSTER_ROLE,
  READER_SERVICE_ACCOUNT,
} from '@internal/backstage-plugin-environments-common';
import {
  KubernetesObject,
  V1ConfigMap,
  V1Deployment,
  V1EnvVar,
  V1LimitRange,
  V1Namespace,
  V1NetworkPolicy,
  V1ObjectMeta,
  V1ResourceQuota,
  V1RoleBinding,
  V1Service,
  V1ServiceAccount,
} from '@kubernetes/client-node';
import {
  objectMetadata,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from '@internal/backstage-plugin-environments-node';
import { Environment } from '../model';
import {
  COMPONENT_LABEL,
  DEPLOYMENT_ID_ANNOTATION,
  ENVIRONMENT_ID_LABEL,
  ENVIRONMENT_TYPE_LABEL,
  KUBERNETES_ID_LABEL,
  MANAGED_BY,
  MANAGED_BY_LABEL,
} from './labels';
import { ResourceDrivers } from './ResourceDrivers';
import { WORKLOAD_SECRET_NAME } from './secrets';

/**
 * The stored environment, with its spec read as the validated request it was
 * stored from.
 */
export type ProvisionedEnvironment = Pick<
  Environment,
  'id' | 'name' | 'namespace' | 'componentRef' | 'ownerRef' | 'type'
> & { spec: EnvironmentSpec };

/** How the component runs; the caller picks the image (request or catalog). */
export type WorkloadSettings = {
  image: string;
  /** The container port, 8080 when not given. */
  port?: number;
  /** 1 when not given (0 is allowed); never more than the type's `bounds.replicas`. */
  replicas?: number;
  /** Plain environment variables of the container, by name. */
  env?: Record<string, string>;
  /**
   * Environment variable name → key of the environment's workload Secret
   * (`WORKLOAD_SECRET_NAME`). Not optional in the pod: a key that does not
   * exist keeps the container from starting (CreateContainerConfigError).
   */
  secretRefs?: Record<string, string>;
  /** The container's limits; the type's LimitRange gives the rest. */
  resources?: { cpu?: string; memory?: string };
  /**
   * The deployment this workload is, set as the pod template annotation
   * `DEPLOYMENT_ID_ANNOTATION`: every deployment is a new rollout, and
   * every pod says which deployment it belongs to.
   */
  deploymentId?: string;
};

/**
 * Stable, per-resource passwords of the resources whose driver asks for
 * them, see `KubernetesProvisioner.readOrCreateCredentials`.
 */
export type ResourceCredentials = Record<string, { password: string }>;

export type DesiredObjectsInput = {
  environment: ProvisionedEnvironment;
  type: EnvironmentType;
  workload: WorkloadSettings;
  /** What the environment's resources become: one driver per resource type. */
  drivers: ResourceDrivers;
  credentials?: ResourceCredentials;
};

export const WORKLOAD_SERVICE_ACCOUNT = 'workload';
/** Bound to the owning team; a RoleBinding's role cannot change, so the name did. */
export const OWNER_BINDING_NAME = 'environment-owner';
const DEFAULT_PORT = 8080;
/** As the reconciler's: how long a rollout may make no progress. */
const DEFAULT_PROGRESS_DEADLINE = '10m';

type ObjectMeta = (
  name: string,
  extraLabels?: Record<string, string>,
) => V1ObjectMeta & { labels: Record<string, string> };

/** The name part of an entity reference: `group:default/team-a` gives `team-a`. */
function entityName(ref: string): string {
  return ref.slice(Math.max(ref.lastIndexOf('/'), ref.indexOf(':')) + 1);
}

function entityKind(ref: string): string {
  return ref.includes(':') ? ref.slice(0, ref.indexOf(':')) : '';
}

/**
 * Object names must be DNS-1035 labels (Services); catalog names may also
 * hold "_", "." and capitals.
 */
function objectName(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return cleaned || 'app';
}

/** The name of the component's Deployment, Service and ConfigMap. */
export function workloadName(componentRef: string): string {
  return objectName(entityName(componentRef));
}

/**
 * The labels the component's Deployment selects its pods by, so the pods of
 * its rollout (a resource's StatefulSet pods carry other names).
 */
export function workloadSelector(componentRef: string): Record<string, string> {
  return {
    [COMPONENT_LABEL]: entityName(componentRef),
    'app.kubernetes.io/name': workloadName(componentRef),
  };
}

/**
 * The container's own environment variables, sorted by name so that the
 * same settings always render the same list: plain values, and references
 * to keys of the workload Secret. Not optional: a key that is not set keeps
 * the container from starting, which the rollout reports, rather than have
 * the component start without it.
 */
function containerEnv(workload: WorkloadSettings): V1EnvVar[] {
  const plain: V1EnvVar[] = Object.entries(workload.env ?? {}).map(
    ([name, value]) => ({ name, value }),
  );
  const secret: V1EnvVar[] = Object.entries(workload.secretRefs ?? {}).map(
    ([name, key]) => ({
      name,
      valueFrom: { secretKeyRef: { name: WORKLOAD_SECRET_NAME, key } },
    }),
  );
  // By code unit, not locale: the same everywhere.
  return [...plain, ...secret].sort(
    (a, b) => Number(a.name > b.name) - Number(a.name < b.name),
  );
}

/** Limits only: requests come from the type's LimitRange defaults. */
function containerLimits(workload: WorkloadSettings) {
  const { cpu, memory } = workload.resources ?? {};
  if (!cpu && !memory) {
    return undefined;
  }
  return {
    limits: { ...(cpu && { cpu }), ...(memory && { memory }) },
  };
}

/**
 * The namespace labels by which Pod Security Admission enforces, audits and
 * warns about the type's levels.
 */
function podSecurityLabels(type: EnvironmentType): Record<string, string> {
  const labels: Record<string, string> = {};
  const { version, ...levels } = type.baseline.podSecurity;
  for (const [mode, level] of Object.entries(levels)) {
    labels[`pod-security.kubernetes.io/${mode}`] = level;
    labels[`pod-security.kubernetes.io/${mode}-version`] = version;
  }
  return labels;
}

/**
 * Every Kubernetes object an environment should have, in the order to apply
 * them: the namespace and its baseline, its resources (as their drivers
 * render them), then the component's workload. Pure: the same input always gives the same objects, so that a
 * reconcile with nothing to change writes nothing.
 *
 * @throws Error when a resource has no driver, or its driver asks for
 * credentials and `credentials` has none for it.
 */
export function desiredObjects({
  environment,
  type,
  workload,
  drivers,
  credentials = {},
}: DesiredObjectsInput): KubernetesObject[] {
  const { namespace, spec } = environment;
  const componentName = entityName(environment.componentRef);
  const labels = {
    [ENVIRONMENT_ID_LABEL]: environment.id,
    [COMPONENT_LABEL]: componentName,
    [ENVIRONMENT_TYPE_LABEL]: environment.type,
    [MANAGED_BY_LABEL]: MANAGED_BY,
  };
  const meta: ObjectMeta = (name, extraLabels) =>
    objectMetadata({ namespace, labels }, name, extraLabels);
  const { quota, limits } = type.baseline;

  const namespaceObject: V1Namespace = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: namespace,
      // Ours last: a baseline label must not hide whom the namespace belongs
      // to, nor weaken its Pod Security.
      labels: {
        ...type.baseline.labels,
        ...podSecurityLabels(type),
        ...labels,
      },
      ...(type.baseline.annotations && {
        annotations: { ...type.baseline.annotations },
      }),
    },
  };

  const resourceQuota: V1ResourceQuota = {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: meta('environment-quota'),
    spec: {
      hard: {
        'limits.cpu': spec.overrides?.cpu ?? quota.cpu,
        'limits.memory': spec.overrides?.memory ?? quota.memory,
        ...(quota.pods !== undefined && { pods: String(quota.pods) }),
        'requests.storage': quota.storage,
        persistentvolumeclaims: String(quota.persistentVolumeClaims),
      },
    },
  };

  // With a quota on limits, a pod without limits is rejected: these defaults
  // let pods that set none still start.
  const limitRange: V1LimitRange = {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: meta('environment-limits'),
    spec: {
      limits: [
        {
          type: 'Container',
          _default: { cpu: limits.defaultCpu, memory: limits.defaultMemory },
          defaultRequest: {
            cpu: limits.defaultRequestCpu,
            memory: limits.defaultRequestMemory,
          },
        },
      ],
    },
  };

  const networkPolicy: V1NetworkPolicy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta('default-deny-ingress'),
    spec: {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ _from: [{ podSelector: {} }] }],
    },
  };

  const serviceAccount: V1ServiceAccount = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: meta(WORKLOAD_SERVICE_ACCOUNT),
  };

  // What the team may do in its namespace is ENVIRONMENT_OWNER_ROLE, which
  // `cluster-tools connect` creates: read, logs, restart a pod; not `edit`.
  const ownerIsUser = entityKind(environment.ownerRef) === 'user';
  const ownerBinding: V1RoleBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: meta(OWNER_BINDING_NAME),
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: ENVIRONMENT_OWNER_ROLE,
    },
    subjects: [
      {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: ownerIsUser ? 'User' : 'Group',
        name: entityName(environment.ownerRef),
      },
    ],
  };

  // The portal's Kubernetes tab reads as READER_SERVICE_ACCOUNT, which is
  // bound in the namespaces the platform serves only, never cluster-wide.
  const readerBinding: V1RoleBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: meta(READER_BINDING_NAME),
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: READER_CLUSTER_ROLE,
    },
    subjects: [
      {
        kind: 'ServiceAccount',
        name: READER_SERVICE_ACCOUNT,
        namespace: PLATFORM_NAMESPACE,
      },
    ],
  };

  const resources = spec.resources.map(resource => ({
    resource,
    driver: drivers.driverFor(resource),
  }));
  const resourceObjects = resources.flatMap(({ resource, driver }) => {
    const password = credentials[resource.name]?.password;
    if (driver.credentials === 'password' && !password) {
      throw new Error(
        `No credentials for ${driver.title} resource "${resource.name}" of environment ${environment.id}: read or create them with readOrCreateCredentials first`,
      );
    }
    return driver.render({
      environment,
      environmentType: type,
      namespace,
      labels,
      resource,
      ...(password && { credentials: { password } }),
    });
  });

  const appName = workloadName(environment.componentRef);
  const appLabels = { [KUBERNETES_ID_LABEL]: componentName };
  const selector = workloadSelector(environment.componentRef);
  const port = workload.port ?? DEFAULT_PORT;
  const env = containerEnv(workload);
  const resourceLimits = containerLimits(workload);

  const configMap: V1ConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(appName, appLabels),
    data: {
      ENVIRONMENT: environment.name,
      ENVIRONMENT_TYPE: environment.type,
      ENVIRONMENT_NAMESPACE: namespace,
      COMPONENT: componentName,
      PORT: String(port),
    },
  };

  const service: V1Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(appName, appLabels),
    spec: {
      selector,
      ports: [{ name: 'http', port: 80, targetPort: port }],
    },
  };

  const deployment: V1Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(appName, appLabels),
    spec: {
      replicas: Math.min(workload.replicas ?? 1, type.bounds.replicas),
      // Whole seconds: the type's deadline for its environments, which a
      // rollout that makes no progress for as long fails by.
      progressDeadlineSeconds: Math.max(
        1,
        Math.round(
          parseDuration(type.progressDeadline ?? DEFAULT_PROGRESS_DEADLINE) /
            1000,
        ),
      ),
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels: { ...labels, ...appLabels, ...selector },
          // A new deployment changes the template, so it is a new rollout,
          // and each pod says which deployment it belongs to.
          ...(workload.deploymentId && {
            annotations: { [DEPLOYMENT_ID_ANNOTATION]: workload.deploymentId },
          }),
        },
        spec: {
          serviceAccountName: WORKLOAD_SERVICE_ACCOUNT,
          // Restricted, whatever the type enforces; the component's image
          // must run as a numeric user other than root.
          securityContext: restrictedPodSecurityContext(),
          containers: [
            {
              name: appName,
              image: workload.image,
              securityContext: restrictedContainerSecurityContext(),
              ports: [{ name: 'http', containerPort: port }],
              envFrom: [
                { configMapRef: { name: appName } },
                // ORDERS_DB_URL, ORDERS_DB_PASSWORD, ... for resource orders-db.
                ...resources.flatMap(
                  ({ resource, driver }) =>
                    driver.workloadEnv?.(resource) ?? [],
                ),
              ],
              ...(env.length > 0 && { env }),
              ...(resourceLimits && { resources: resourceLimits }),
            },
          ],
        },
      },
    },
  };

  return [
    namespaceObject,
    resourceQuota,
    limitRange,
    networkPolicy,
    serviceAccount,
    ownerBinding,
    readerBinding,
    ...resourceObjects,
    configMap,
    service,
    deployment,
  ] as KubernetesObject[];
}
