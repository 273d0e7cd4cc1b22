import { KubernetesObject } from '@kubernetes/client-node';
import { desiredObjects, DesiredObjectsInput } from './desiredObjects';
import {
  developmentEnvironment,
  developmentType,
} from './__testUtils__/fixtures';

const environment = developmentEnvironment();
const input: DesiredObjectsInput = {
  environment,
  type: developmentType,
  workload: { image: 'ghcr.io/acme/orders-service:1.4.2' },
  credentials: { 'orders-db': { password: 's3cret/+' } },
};

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

describe('desiredObjects', () => {
  it('labels every object with the environment, component, type and manager', () => {
    const objects = desiredObjects(input);
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) {
      expect(object.metadata?.labels).toMatchObject({
        'environments.idp.dev/id': environment.id,
        'environments.idp.dev/component': 'orders-service',
        'environments.idp.dev/type': 'development',
        'app.kubernetes.io/managed-by': 'idp-environments',
      });
    }
  });

  it('puts every namespaced object in the environment namespace, the Namespace first', () => {
    const [first, ...rest] = desiredObjects(input);
    expect(first).toMatchObject({
      kind: 'Namespace',
      metadata: { name: 'orders-service-development' },
    });
    for (const object of rest) {
      expect(object.metadata?.namespace).toBe('orders-service-development');
    }
  });

  it("gives the Namespace the type's baseline labels and annotations, without letting them replace ours", () => {
    const namespace = find(
      desiredObjects({
        ...input,
        type: {
          ...developmentType,
          baseline: {
            ...developmentType.baseline,
            labels: {
              'platform.example.com/tier': 'development',
              'environments.idp.dev/id': 'spoofed',
            },
          },
        },
      }),
      'Namespace',
    );
    expect(namespace.metadata.labels).toMatchObject({
      'platform.example.com/tier': 'development',
      'environments.idp.dev/id': environment.id,
    });
    expect(namespace.metadata.annotations).toEqual({
      'platform.example.com/contact': 'platform-team',
    });
  });

  it("sets the quota to the type's baseline when there are no overrides", () => {
    const quota = find(desiredObjects(input), 'ResourceQuota');
    expect(quota.spec.hard).toEqual({
      'limits.cpu': '2',
      'limits.memory': '4Gi',
      pods: '20',
    });
  });

  it('sets the quota to the overrides when the request has them', () => {
    const quota = find(
      desiredObjects({
        ...input,
        environment: developmentEnvironment({
          spec: { ...environment.spec, overrides: { cpu: '3' } },
        }),
      }),
      'ResourceQuota',
    );
    expect(quota.spec.hard).toEqual({
      'limits.cpu': '3',
      'limits.memory': '4Gi',
      pods: '20',
    });
  });

  it("sets the LimitRange defaults from the type's limits", () => {
    const limitRange = find(desiredObjects(input), 'LimitRange');
    expect(limitRange.spec.limits).toEqual([
      {
        type: 'Container',
        _default: { cpu: '500m', memory: '512Mi' },
        defaultRequest: { cpu: '100m', memory: '128Mi' },
      },
    ]);
  });

  it('denies ingress except from pods in the same namespace', () => {
    const policy = find(desiredObjects(input), 'NetworkPolicy');
    expect(policy.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ _from: [{ podSelector: {} }] }],
    });
  });

  it('gives the owning group the edit ClusterRole in the namespace', () => {
    const binding = find(desiredObjects(input), 'RoleBinding');
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'edit',
    });
    expect(binding.subjects).toEqual([
      {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Group',
        name: 'team-orders',
      },
    ]);
    expect(binding.metadata.namespace).toBe('orders-service-development');
  });

  it('runs the workload under the workload ServiceAccount, visible to the Kubernetes tab', () => {
    const objects = desiredObjects({
      ...input,
      workload: { image: 'ghcr.io/acme/orders:2', port: 3000, replicas: 2 },
    });
    expect(find(objects, 'ServiceAccount', 'workload')).toBeDefined();
    const deployment = find(objects, 'Deployment', 'orders-service');
    for (const kind of ['Deployment', 'Service', 'ConfigMap']) {
      expect(
        find(objects, kind, 'orders-service').metadata.labels[
          'backstage.io/kubernetes-id'
        ],
      ).toBe('orders-service');
    }
    expect(
      deployment.spec.template.metadata.labels['backstage.io/kubernetes-id'],
    ).toBe('orders-service');
    expect(deployment.spec.replicas).toBe(2);
    const pod = deployment.spec.template.spec;
    expect(pod.serviceAccountName).toBe('workload');
    expect(pod.containers[0]).toMatchObject({
      image: 'ghcr.io/acme/orders:2',
      ports: [{ containerPort: 3000 }],
      envFrom: [
        { configMapRef: { name: 'orders-service' } },
        { prefix: 'ORDERS_DB_', secretRef: { name: 'orders-db-credentials' } },
      ],
    });
    expect(find(objects, 'Service', 'orders-service').spec.ports).toEqual([
      { name: 'http', port: 80, targetPort: 3000 },
    ]);
    expect(find(objects, 'ConfigMap', 'orders-service').data).toMatchObject({
      ENVIRONMENT: 'development',
      ENVIRONMENT_TYPE: 'development',
    });
  });

  it('defaults the port to 8080 and the replicas to 1', () => {
    const deployment = find(desiredObjects(input), 'Deployment');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.template.spec.containers[0].ports).toEqual([
      { name: 'http', containerPort: 8080 },
    ]);
  });

  it('creates a Secret, a headless Service and a StatefulSet per PostgreSQL resource', () => {
    const objects = desiredObjects({
      ...input,
      environment: developmentEnvironment({
        spec: {
          ...environment.spec,
          resources: [
            { type: 'postgresql', name: 'orders-db', storage: '5Gi' },
            { type: 'postgresql', name: 'audit-db', version: '15' },
          ],
        },
      }),
      credentials: {
        'orders-db': { password: 'p@ss/word' },
        'audit-db': { password: 'other' },
      },
    });

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

  it('creates no database objects when the spec has no resources', () => {
    const objects = desiredObjects({
      ...input,
      environment: developmentEnvironment({
        spec: { ...environment.spec, resources: [] },
      }),
      credentials: {},
    });
    expect(objects.map(o => o.kind)).not.toContain('StatefulSet');
    expect(objects.map(o => o.kind)).not.toContain('Secret');
  });

  it('refuses to make up a password: credentials are an input', () => {
    expect(() => desiredObjects({ ...input, credentials: {} })).toThrow(
      /No credentials for PostgreSQL resource "orders-db"/,
    );
  });

  it('is deterministic', () => {
    expect(desiredObjects(input)).toEqual(desiredObjects(input));
  });
});
