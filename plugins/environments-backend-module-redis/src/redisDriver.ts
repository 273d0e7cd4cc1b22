import {
  RedisResource,
  redisResourceSchema,
} from '@internal/backstage-plugin-environments-common';
import {
  credentialsEnvFrom,
  credentialsSecretEnv,
  EnvironmentResourceDriver,
  requiredPassword,
  statefulResourceObjects,
  statefulResourceReadiness,
} from '@internal/backstage-plugin-environments-node';

const REDIS_PORT = 6379;
const DEFAULT_REDIS_VERSION = '7';
const DEFAULT_REDIS_STORAGE = '1Gi';

/**
 * Redis as a StatefulSet (append-only file on its volume, a password
 * required) with a headless Service and a Secret holding the connection
 * (password, host, port and url), which the component's containers get as
 * `<NAME>_URL` and so on.
 *
 * @public
 */
export const redisResourceDriver: EnvironmentResourceDriver<RedisResource> = {
  type: 'redis',
  title: 'Redis',
  schema: redisResourceSchema,
  credentials: 'password',
  observes: [
    { apiVersion: 'apps/v1', kind: 'StatefulSet', plural: 'statefulsets' },
  ],

  render(context) {
    const { resource } = context;
    const password = requiredPassword(context, 'Redis');

    return statefulResourceObjects(context, {
      app: 'redis',
      image: `redis:${resource.version ?? DEFAULT_REDIS_VERSION}`,
      port: REDIS_PORT,
      // The redis user of the official image.
      runAsUser: 999,
      dataPath: '/data',
      storage: resource.storage ?? DEFAULT_REDIS_STORAGE,
      connection: host => ({
        password,
        host,
        port: String(REDIS_PORT),
        url: `redis://:${encodeURIComponent(password)}@${host}:${REDIS_PORT}`,
      }),
      // The password from the environment, not the command line's literal
      // text: Kubernetes expands $(REDIS_PASSWORD).
      args: ['--requirepass', '$(REDIS_PASSWORD)', '--appendonly', 'yes'],
      env: [credentialsSecretEnv(resource.name, 'REDIS_PASSWORD', 'password')],
    });
  },

  workloadEnv(resource) {
    return credentialsEnvFrom(resource.name);
  },

  readiness(observed) {
    return statefulResourceReadiness(observed, 'redis');
  },
};
