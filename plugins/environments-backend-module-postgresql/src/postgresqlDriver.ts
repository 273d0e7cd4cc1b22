import {
  PostgresqlResource,
  postgresqlResourceSchema,
} from '@internal/backstage-plugin-environments-common';
import {
  base64,
  credentialsEnvFrom,
  EnvironmentResourceDriver,
  objectMetadata,
  resourceCredentialsSecretName,
  statefulSetReadiness,
} from '@internal/backstage-plugin-environments-node';
import {
  KubernetesObject,
  V1Secret,
  V1Service,
  V1StatefulSet,
} from '@kubernetes/client-node';

const POSTGRES_PORT = 5432;
const DEFAULT_POSTGRES_VERSION = '16';
const DEFAULT_POSTGRES_STORAGE = '1Gi';
const APP_NAME_LABEL = 'app.kubernetes.io/name';

/**
 * PostgreSQL as a StatefulSet with a headless Service and a Secret holding
 * the connection (username, password, database, host, port and url), which
 * the component's containers get as `<NAME>_URL` and so on.
 *
 * @public
 */
export const postgresqlResourceDriver: EnvironmentResourceDriver<PostgresqlResource> =
  {
    type: 'postgresql',
    title: 'PostgreSQL',
    schema: postgresqlResourceSchema,
    credentials: 'password',
    observes: [
      { apiVersion: 'apps/v1', kind: 'StatefulSet', plural: 'statefulsets' },
    ],

    render(context) {
      const { resource, namespace } = context;
      const password = context.credentials?.password;
      if (!password) {
        // The orchestrator passes them, see `credentials`.
        throw new Error(
          `No credentials for PostgreSQL resource "${resource.name}"`,
        );
      }
      const { name } = resource;
      const secretName = resourceCredentialsSecretName(name);
      const selector = {
        [APP_NAME_LABEL]: 'postgresql',
        'app.kubernetes.io/instance': name,
      };
      const meta = (extraLabels?: Record<string, string>) =>
        objectMetadata(context, name, extraLabels);
      const database = name.replace(/-/g, '_');
      const username = database;
      const host = `${name}.${namespace}.svc.cluster.local`;

      const secret: V1Secret = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: objectMetadata(context, secretName, selector),
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
        metadata: meta(selector),
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
        metadata: meta(selector),
        spec: {
          serviceName: name,
          replicas: 1,
          selector: { matchLabels: selector },
          template: {
            metadata: { labels: { ...meta().labels, ...selector } },
            spec: {
              containers: [
                {
                  name: 'postgresql',
                  image: `postgres:${
                    resource.version ?? DEFAULT_POSTGRES_VERSION
                  }`,
                  ports: [{ name: 'postgresql', containerPort: POSTGRES_PORT }],
                  env: [
                    { name: 'POSTGRES_USER', ...fromSecret('username') },
                    { name: 'POSTGRES_PASSWORD', ...fromSecret('password') },
                    { name: 'POSTGRES_DB', ...fromSecret('database') },
                    // A subdirectory: the volume's root may hold lost+found.
                    {
                      name: 'PGDATA',
                      value: '/var/lib/postgresql/data/pgdata',
                    },
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
              metadata: { name: 'data', labels: meta(selector).labels },
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
    },

    workloadEnv(resource) {
      return credentialsEnvFrom(resource.name);
    },

    readiness(observed) {
      return statefulSetReadiness(observed, { [APP_NAME_LABEL]: 'postgresql' });
    },
  };
