import {
  EnvironmentResource,
  EnvironmentSpec,
  EnvironmentType,
} from '@internal/backstage-plugin-environments-common';
import {
  KubernetesObject,
  V1ConfigMap,
  V1Deployment,
  V1LimitRange,
  V1Namespace,
  V1NetworkPolicy,
  V1ObjectMeta,
  V1ResourceQuota,
  V1RoleBinding,
  V1Secret,
  V1Service,
  V1ServiceAccount,
  V1StatefulSet,
} from '@kubernetes/client-node';
import { Environment } from '../model';
import {
  COMPONENT_LABEL,
  ENVIRONMENT_ID_LABEL,
  ENVIRONMENT_TYPE_LABEL,
  KUBERNETES_ID_LABEL,
  MANAGED_BY,
  MANAGED_BY_LABEL,
} from './labels';

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
  /** 1 when not given. */
  replicas?: number;
};

/** Stable, per-resource secrets, see `KubernetesProvisioner.readOrCreateCredentials`. */
export type ResourceCredentials = Record<string, { password: string }>;

export type DesiredObjectsInput = {
  environment: ProvisionedEnvironment;
  type: EnvironmentType;
  workload: WorkloadSettings;
  credentials?: ResourceCredentials;
};

export const WORKLOAD_SERVICE_ACCOUNT = 'workload';
const DEFAULT_PORT = 8080;
const POSTGRES_PORT = 5432;
const DEFAULT_POSTGRES_VERSION = '16';
const DEFAULT_POSTGRES_STORAGE = '1Gi';

type ObjectMeta = (
  name: string,
  extraLabels?: Record<string, string>,
) => V1ObjectMeta & { labels: Record<string, string> };

type PostgresqlResource = Extract<EnvironmentResource, { type: 'postgresql' }>;

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

export function postgresCredentialsSecretName(resourceName: string): string {
  return `${resourceName}-credentials`;
}

function base64(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64');
}

/**
 * Every Kubernetes object an environment should have, in the order to apply
 * them: the namespace and its baseline, its resources, then the component's
 * workload. Pure: the same input always gives the same objects, so that a
 * reconcile with nothing to change writes nothing.
 *
 * @throws Error when a PostgreSQL resource has no credentials in `credentials`.
 */
export function desiredObjects({
  environment,
  type,
  workload,
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
  const meta: ObjectMeta = (name, extraLabels = {}) => ({
    name,
    namespace,
    labels: { ...labels, ...extraLabels },
  });
  const { quota, limits } = type.baseline;

  const namespaceObject: V1Namespace = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: namespace,
      // Ours last: a baseline label must not hide whom the namespace belongs to.
      labels: { ...type.baseline.labels, ...labels },
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

  const ownerIsUser = entityKind(environment.ownerRef) === 'user';
  const ownerBinding: V1RoleBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: meta('owner-edit'),
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'edit',
    },
    subjects: [
      {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: ownerIsUser ? 'User' : 'Group',
        name: entityName(environment.ownerRef),
      },
    ],
  };

  const postgresql = spec.resources.filter(
    (resource): resource is PostgresqlResource =>
      resource.type === 'postgresql',
  );
  const resourceObjects = postgresql.flatMap(resource => {
    const password = credentials[resource.name]?.password;
    if (!password) {
      throw new Error(
        `No credentials for PostgreSQL resource "${resource.name}" of environment ${environment.id}: read or create them with readOrCreateCredentials first`,
      );
    }
    return postgresqlObjects(resource, password, meta, namespace);
  });

  const appName = objectName(componentName);
  const appLabels = { [KUBERNETES_ID_LABEL]: componentName };
  const selector = {
    [COMPONENT_LABEL]: componentName,
    'app.kubernetes.io/name': appName,
  };
  const port = workload.port ?? DEFAULT_PORT;

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
      replicas: workload.replicas ?? 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: { ...labels, ...appLabels, ...selector } },
        spec: {
          serviceAccountName: WORKLOAD_SERVICE_ACCOUNT,
          containers: [
            {
              name: appName,
              image: workload.image,
              ports: [{ name: 'http', containerPort: port }],
              envFrom: [
                { configMapRef: { name: appName } },
                // ORDERS_DB_URL, ORDERS_DB_PASSWORD, ... for resource orders-db.
                ...postgresql.map(resource => ({
                  prefix: `${resource.name.toUpperCase().replace(/-/g, '_')}_`,
                  secretRef: {
                    name: postgresCredentialsSecretName(resource.name),
                  },
                })),
              ],
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
    ...resourceObjects,
    configMap,
    service,
    deployment,
  ] as KubernetesObject[];
}

function postgresqlObjects(
  resource: PostgresqlResource,
  password: string,
  meta: ObjectMeta,
  namespace: string,
): KubernetesObject[] {
  const { name } = resource;
  const secretName = postgresCredentialsSecretName(name);
  const selector = {
    'app.kubernetes.io/name': 'postgresql',
    'app.kubernetes.io/instance': name,
  };
  const database = name.replace(/-/g, '_');
  const username = database;
  const host = `${name}.${namespace}.svc.cluster.local`;

  const secret: V1Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta(secretName, selector),
    type: 'Opaque',
    data: {
      username: base64(username),
      password: base64(password),
      database: base64(database),
      host: base64(host),
      port: base64(String(POSTGRES_PORT)),
      url: base64(
        `postgresql://${username}:${encodeURIComponent(
          password,
        )}@${host}:${POSTGRES_PORT}/${database}`,
      ),
    },
  };

  // Headless: the StatefulSet's pod gets a stable DNS name through it.
  const service: V1Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(name, selector),
    spec: {
      clusterIP: 'None',
      selector,
      ports: [{ name: 'postgresql', port: POSTGRES_PORT }],
    },
  };

  const fromSecret = (key: string) => ({
    valueFrom: { secretKeyRef: { name: secretName, key } },
  });
  const statefulSet: V1StatefulSet = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta(name, selector),
    spec: {
      serviceName: name,
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: { ...meta(name).labels, ...selector } },
        spec: {
          containers: [
            {
              name: 'postgresql',
              image: `postgres:${resource.version ?? DEFAULT_POSTGRES_VERSION}`,
              ports: [{ name: 'postgresql', containerPort: POSTGRES_PORT }],
              env: [
                { name: 'POSTGRES_USER', ...fromSecret('username') },
                { name: 'POSTGRES_PASSWORD', ...fromSecret('password') },
                { name: 'POSTGRES_DB', ...fromSecret('database') },
                // A subdirectory: the volume's root may hold lost+found.
                { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
              ],
              volumeMounts: [
                { name: 'data', mountPath: '/var/lib/postgresql/data' },
              ],
            },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data', labels: meta(name, selector).labels },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: {
              requests: {
                storage: resource.storage ?? DEFAULT_POSTGRES_STORAGE,
              },
            },
          },
        },
      ],
    },
  };

  return [secret, service, statefulSet] as KubernetesObject[];
}
