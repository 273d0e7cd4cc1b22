import {
  RedisResource,
  redisResourceSchema,
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

const REDIS_PORT = 6379;
const DEFAULT_REDIS_VERSION = '7';
const DEFAULT_REDIS_STORAGE = '1Gi';
const APP_NAME_LABEL = 'app.kubernetes.io/name';

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
    const { resource, namespace } = context;
    const password = context.credentials?.password;
    if (!password) {
      // The orchestrator passes them, see `credentials`.
      throw new Error(`No credentials for Redis resource "${resource.name}"`);
    }
    const { name } = resource;
    const secretName = resourceCredentialsSecretName(name);
    const selector = {
      [APP_NAME_LABEL]: 'redis',
      'app.kubernetes.io/instance': name,
    };
    const meta = (extraLabels?: Record<string, string>) =>
      objectMetadata(context, name, extraLabels);
    const host = `${name}.${namespace}.svc.cluster.local`;

    const secret: V1Secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: objectMetadata(context, secretName, selector),
      type: 'Opaque',
      data: {
        password: base64(password),
        host: base64(host),
        port: base64(String(REDIS_PORT)),
        url: base64(
          `redis://:${encodeURIComponent(password)}@${host}:${REDIS_PORT}`,
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
        ports: [{ name: 'redis', port: REDIS_PORT }],
      },
    };

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
                name: 'redis',
                image: `redis:${resource.version ?? DEFAULT_REDIS_VERSION}`,
                // The password from the environment, not the command line's
                // literal text: Kubernetes expands $(REDIS_PASSWORD).
                args: [
                  '--requirepass',
                  '$(REDIS_PASSWORD)',
                  '--appendonly',
                  'yes',
                ],
                ports: [{ name: 'redis', containerPort: REDIS_PORT }],
                env: [
                  {
                    name: 'REDIS_PASSWORD',
                    valueFrom: {
                      secretKeyRef: { name: secretName, key: 'password' },
                    },
                  },
                ],
                volumeMounts: [{ name: 'data', mountPath: '/data' }],
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
                  storage: resource.storage ?? DEFAULT_REDIS_STORAGE,
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
    return statefulSetReadiness(observed, { [APP_NAME_LABEL]: 'redis' });
  },
};
