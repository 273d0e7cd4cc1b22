import {
  environmentTypeSchema,
  PostgresqlResource,
} from '@internal/backstage-plugin-environments-common';
import {
  KubernetesObject,
  V1Pod,
  V1StatefulSet,
} from '@kubernetes/client-node';
import { postgresqlResourceDriver } from './postgresqlDriver';

const labels = {
  'environments.idp.dev/id': 'a1b2c3d4-0000-4000-8000-000000000001',
  'app.kubernetes.io/managed-by': 'idp-environments',
};

function render(resource: PostgresqlResource, password: string) {
  return postgresqlResourceDriver.render({
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
  });
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

describe('postgresqlResourceDriver', () => {
  it('creates a Secret, a headless Service and a StatefulSet per PostgreSQL resource', () => {
    const objects = [
      ...render(
        { type: 'postgresql', name: 'orders-db', storage: '5Gi' },
        'p@ss/word',
      ),
      ...render(
        { type: 'postgresql', name: 'audit-db', version: '15' },
        'other',
      ),
    ];

    const secret = find(objects, 'Secret', 'orders-db-credentials');
    const data = Object.fromEntries(
      Object.entries(secret.data as Record<string, string>).map(([k, v]) => [
        k,
        decode(v),
      ]),
    );
    expect(data).toEqual({
      username: 'orders_db',
      password: 'p@ss/word',
      database: 'orders_db',
      host: 'orders-db.orders-service-development.svc.cluster.local',
      port: '5432',
      url: 'postgresql://orders_db:p%40ss%2Fword@orders-db.orders-service-development.svc.cluster.local:5432/orders_db',
    });

    expect(find(objects, 'Service', 'orders-db').spec.clusterIP).toBe('None');
    const orders = find(objects, 'StatefulSet', 'orders-db');
    expect(orders.spec.template.spec.containers[0].image).toBe('postgres:16');
    expect(
      orders.spec.volumeClaimTemplates[0].spec.resources.requests.storage,
    ).toBe('5Gi');

    const audit = find(objects, 'StatefulSet', 'audit-db');
    expect(audit.spec.template.spec.containers[0].image).toBe('postgres:15');
    expect(
      audit.spec.volumeClaimTemplates[0].spec.resources.requests.storage,
    ).toBe('1Gi');
    expect(find(objects, 'Secret', 'audit-db-credentials')).toBeDefined();
  });

  it("runs its pod as the image's non-root user, as the restricted Pod Security level demands", () => {
    const pod = find(
      render({ type: 'postgresql', name: 'orders-db' }, 'secret'),
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
      { type: 'postgresql', name: 'orders-db' },
      'secret',
    )) {
      expect(object.metadata?.labels).toMatchObject(labels);
      expect(object.metadata?.namespace).toBe('orders-service-development');
    }
  });

  it('gives the workload the connection as ORDERS_DB_*', () => {
    expect(
      postgresqlResourceDriver.workloadEnv!({
        type: 'postgresql',
        name: 'orders-db',
      }),
    ).toEqual([
      { prefix: 'ORDERS_DB_', secretRef: { name: 'orders-db-credentials' } },
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
        postgresqlResourceDriver.readiness({
          objects: [
            statefulSet('orders-db', 'postgresql', {
              replicas: 1,
              availableReplicas: 1,
              updatedReplicas: 1,
            }),
            statefulSet('sessions', 'redis', { replicas: 1 }),
          ],
          pods: [],
        }),
      ).toEqual([
        {
          kind: 'StatefulSet',
          name: 'orders-db',
          status: 'ready',
          reason: 'ReplicasAvailable',
          message: '1 of 1 replicas available',
        },
      ]);
    });

    it('fails when its pod cannot pull the image, and says why', () => {
      const pod: V1Pod = {
        metadata: {
          name: 'orders-db-0',
          labels: { 'app.kubernetes.io/instance': 'orders-db' },
        },
        status: {
          containerStatuses: [
            {
              name: 'postgresql',
              image: 'postgres:99',
              imageID: '',
              ready: false,
              restartCount: 0,
              state: {
                waiting: {
                  reason: 'ImagePullBackOff',
                  message: 'Back-off pulling image "postgres:99"',
                },
              },
            },
          ],
        },
      };
      expect(
        postgresqlResourceDriver.readiness({
          objects: [statefulSet('orders-db', 'postgresql', { replicas: 1 })],
          pods: [pod],
        }),
      ).toEqual([
        {
          kind: 'StatefulSet',
          name: 'orders-db',
          status: 'failed',
          reason: 'ImagePullBackOff',
          message:
            'Pod orders-db-0, container postgresql: Back-off pulling image "postgres:99"',
        },
      ]);
    });
  });
});
