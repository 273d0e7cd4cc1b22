import {
  environmentTypeSchema,
  RedisResource,
} from '@internal/backstage-plugin-environments-common';
import {
  KubernetesObject,
  V1Pod,
  V1StatefulSet,
} from '@kubernetes/client-node';
import { redisResourceDriver } from './redisDriver';

const labels = {
  'environments.idp.dev/id': 'a1b2c3d4-0000-4000-8000-000000000001',
  'app.kubernetes.io/managed-by': 'idp-environments',
};

function context(resource: RedisResource, password: string) {
  return {
    environment: {
      id: 'a1b2c3d4-0000-4000-8000-000000000001',
      name: 'development',
      namespace: 'orders-service-development',
      componentRef: 'component:default/orders-service',
      ownerRef: 'group:default/team-orders',
      type: 'development',
    },
    // Parsed, as the backend reads it from app-config: with its defaults.
    environmentType: environmentTypeSchema.parse({
      description: 'For day-to-day work',
      cluster: 'dev-cluster',
      ephemeral: false,
      requiresApproval: false,
      baseline: {
        quota: { cpu: '2', memory: '4Gi' },
        limits: {
          defaultCpu: '500m',
          defaultMemory: '512Mi',
          defaultRequestCpu: '100m',
          defaultRequestMemory: '128Mi',
        },
      },
      bounds: { cpu: '4', memory: '8Gi' },
    }),
    namespace: 'orders-service-development',
    labels,
    resource,
    credentials: { password },
  };
}

function render(resource: RedisResource, password: string) {
  return redisResourceDriver.render(context(resource, password));
}

function find(objects: KubernetesObject[], kind: string, name?: string): any {
  const found = objects.find(
    o => o.kind === kind && (name === undefined || o.metadata?.name === name),
  );
  if (!found) {
    throw new Error(`no ${kind} ${name ?? ''}`);
  }
  return found;
}

const decode = (value: string) => Buffer.from(value, 'base64').toString();

describe('redisResourceDriver', () => {
  it('creates a Secret, a headless Service and a StatefulSet per Redis resource', () => {
    const objects = [
      ...render(
        { type: 'redis', name: 'sessions', storage: '2Gi' },
        'p@ss/word',
      ),
      ...render({ type: 'redis', name: 'cache', version: '7.2' }, 'other'),
    ];

    const secret = find(objects, 'Secret', 'sessions-credentials');
    const data = Object.fromEntries(
      Object.entries(secret.data as Record<string, string>).map(([k, v]) => [
        k,
        decode(v),
      ]),
    );
    expect(data).toEqual({
      password: 'p@ss/word',
      host: 'sessions.orders-service-development.svc.cluster.local',
      port: '6379',
      url: 'redis://:p%40ss%2Fword@sessions.orders-service-development.svc.cluster.local:6379',
    });

    const service = find(objects, 'Service', 'sessions');
    expect(service.spec.clusterIP).toBe('None');
    expect(service.spec.ports).toEqual([{ name: 'redis', port: 6379 }]);

    const sessions = find(objects, 'StatefulSet', 'sessions');
    const container = sessions.spec.template.spec.containers[0];
    expect(container.image).toBe('redis:7');
    expect(container.args).toEqual([
      '--requirepass',
      '$(REDIS_PASSWORD)',
      '--appendonly',
      'yes',
    ]);
    expect(container.env).toEqual([
      {
        name: 'REDIS_PASSWORD',
        valueFrom: {
          secretKeyRef: { name: 'sessions-credentials', key: 'password' },
        },
      },
    ]);
    expect(container.volumeMounts).toEqual([
      { name: 'data', mountPath: '/data' },
    ]);
    expect(
      sessions.spec.volumeClaimTemplates[0].spec.resources.requests.storage,
    ).toBe('2Gi');
    expect(sessions.spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'redis',
      'app.kubernetes.io/instance': 'sessions',
    });

    const cache = find(objects, 'StatefulSet', 'cache');
    expect(cache.spec.template.spec.containers[0].image).toBe('redis:7.2');
    expect(
      cache.spec.volumeClaimTemplates[0].spec.resources.requests.storage,
    ).toBe('1Gi');
    expect(find(objects, 'Secret', 'cache-credentials')).toBeDefined();
  });

  it("runs its pod as the image's non-root user, as the restricted Pod Security level demands", () => {
    const pod = find(
      render({ type: 'redis', name: 'sessions' }, 'secret'),
      'StatefulSet',
    ).spec.template.spec;
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 999,
      runAsGroup: 999,
      fsGroup: 999,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
  });

  it("labels every object with the environment's labels and puts it in its namespace", () => {
    for (const object of render(
      { type: 'redis', name: 'sessions' },
      'secret',
    )) {
      expect(object.metadata?.labels).toMatchObject(labels);
      expect(object.metadata?.namespace).toBe('orders-service-development');
    }
  });

  it('is deterministic', () => {
    const resource = { type: 'redis', name: 'sessions' } as const;
    expect(render(resource, 'secret')).toEqual(render(resource, 'secret'));
  });

  it('refuses to make up a password: credentials are an input', () => {
    const { credentials: _, ...withoutCredentials } = context(
      { type: 'redis', name: 'sessions' },
      'unused',
    );
    expect(() => redisResourceDriver.render(withoutCredentials)).toThrow(
      /No credentials for Redis resource "sessions"/,
    );
  });

  it('gives the workload the connection as SESSIONS_*', () => {
    expect(
      redisResourceDriver.workloadEnv!({ type: 'redis', name: 'sessions' }),
    ).toEqual([
      { prefix: 'SESSIONS_', secretRef: { name: 'sessions-credentials' } },
    ]);
  });

  describe('readiness', () => {
    const statefulSet = (
      name: string,
      app: string,
      status: V1StatefulSet['status'],
    ): V1StatefulSet => ({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: {
        name,
        generation: 1,
        labels: {
          'app.kubernetes.io/name': app,
          'app.kubernetes.io/instance': name,
        },
      },
      spec: {
        replicas: 1,
        serviceName: name,
        selector: { matchLabels: { 'app.kubernetes.io/instance': name } },
        template: {},
      },
      status: { observedGeneration: 1, replicas: 1, ...status },
    });

    it('reads its own StatefulSets only: ready once the replica is available', () => {
      expect(
        redisResourceDriver.readiness({
          objects: [
            statefulSet('sessions', 'redis', {
              replicas: 1,
              availableReplicas: 1,
              updatedReplicas: 1,
            }),
            statefulSet('orders-db', 'postgresql', { replicas: 1 }),
          ],
          pods: [],
        }),
      ).toEqual([
        {
          kind: 'StatefulSet',
          name: 'sessions',
          status: 'ready',
          reason: 'ReplicasAvailable',
          message: '1 of 1 replicas available',
        },
      ]);
    });

    it('is pending while the replica is not available', () => {
      expect(
        redisResourceDriver.readiness({
          objects: [statefulSet('sessions', 'redis', { replicas: 1 })],
          pods: [],
        }),
      ).toEqual([
        {
          kind: 'StatefulSet',
          name: 'sessions',
          status: 'pending',
          reason: 'ReplicasUnavailable',
          message: '0 of 1 replicas available, 0 up to date',
        },
      ]);
    });

    it('fails when its pod cannot pull the image, and says why', () => {
      const pod: V1Pod = {
        metadata: {
          name: 'sessions-0',
          labels: { 'app.kubernetes.io/instance': 'sessions' },
        },
        status: {
          containerStatuses: [
            {
              name: 'redis',
              image: 'redis:99',
              imageID: '',
              ready: false,
              restartCount: 0,
              state: {
                waiting: {
                  reason: 'ImagePullBackOff',
                  message: 'Back-off pulling image "redis:99"',
                },
              },
            },
          ],
        },
      };
      expect(
        redisResourceDriver.readiness({
          objects: [statefulSet('sessions', 'redis', { replicas: 1 })],
          pods: [pod],
        }),
      ).toEqual([
        {
          kind: 'StatefulSet',
          name: 'sessions',
          status: 'failed',
          reason: 'ImagePullBackOff',
          message:
            'Pod sessions-0, container redis: Back-off pulling image "redis:99"',
        },
      ]);
    });
  });
});
