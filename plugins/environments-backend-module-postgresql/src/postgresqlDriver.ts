import {
  PostgresqlResource,
  postgresqlResourceSchema,
} from '@internal/backstage-plugin-environments-common';
import {
  credentialsEnvFrom,
  credentialsSecretEnv,
  EnvironmentResourceDriver,
  requiredPassword,
  statefulResourceObjects,
  statefulResourceReadiness,
} from '@internal/backstage-plugin-environments-node';

const POSTGRES_PORT = 5432;
const DEFAULT_POSTGRES_VERSION = '16';
const DEFAULT_POSTGRES_STORAGE = '1Gi';

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
      const { resource } = context;
      const password = requiredPassword(context, 'PostgreSQL');
      const { name } = resource;
      const database = name.replace(/-/g, '_');
      const username = database;

      return statefulResourceObjects(context, {
        app: 'postgresql',
        image: `postgres:${resource.version ?? DEFAULT_POSTGRES_VERSION}`,
        port: POSTGRES_PORT,
        // The postgres user of the official image.
        runAsUser: 999,
        dataPath: '/var/lib/postgresql/data',
        storage: resource.storage ?? DEFAULT_POSTGRES_STORAGE,
        connection: host => ({
          username,
          password,
          database,
          host,
          port: String(POSTGRES_PORT),
          url: `postgresql://${username}:${encodeURIComponent(
            password,
          )}@${host}:${POSTGRES_PORT}/${database}`,
        }),
        env: [
          credentialsSecretEnv(name, 'POSTGRES_USER', 'username'),
          credentialsSecretEnv(name, 'POSTGRES_PASSWORD', 'password'),
          credentialsSecretEnv(name, 'POSTGRES_DB', 'database'),
          // A subdirectory: the volume's root may hold lost+found.
          { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
        ],
      });
    },

    workloadEnv(resource) {
      return credentialsEnvFrom(resource.name);
    },

    readiness(observed) {
      return statefulResourceReadiness(observed, 'postgresql');
    },
  };
