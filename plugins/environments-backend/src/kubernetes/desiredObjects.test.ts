import { KubernetesObject } from '@kubernetes/client-node';
import { postgresqlResourceDriver } from '@internal/backstage-plugin-environments-backend-module-postgresql';
import { desiredObjects, DesiredObjectsInput } from './desiredObjects';
import { ResourceDrivers } from './ResourceDrivers';
import { DEPLOYMENT_ID_ANNOTATION } from './labels';
import { WORKLOAD_SECRET_NAME } from './secrets';
import {
  developmentEnvironment,
  developmentType,
} from './__testUtils__/fixtures';

const environment = developmentEnvironment();
const input: DesiredObjectsInput = {
  environment,
  type: developmentType,
  workload: { image: 'ghcr.io/acme/orders-service:1.4.2' },
  drivers: ResourceDrivers.create([postgresqlResourceDriver]),
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

  it("labels the Namespace with the type's Pod Security levels, restricted unless set", () => {
    expect(
      find(desiredObjects(input), 'Namespace').metadata.labels,
    ).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'latest',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/audit-version': 'latest',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': 'latest',
    });

    const lowered = find(
      desiredObjects({
        ...input,
        type: {
          ...developmentType,
          baseline: {
            ...developmentType.baseline,
            podSecurity: {
              enforce: 'baseline',
              audit: 'restricted',
              warn: 'restricted',
              version: 'v1.31',
            },
          },
        },
      }),
      'Namespace',
    );
    expect(lowered.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/enforce-version': 'v1.31',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
  });

  it('does not let a baseline label weaken Pod Security', () => {
    const namespace = find(
      desiredObjects({
        ...input,
        type: {
          ...developmentType,
          baseline: {
            ...developmentType.baseline,
            labels: { 'pod-security.kubernetes.io/enforce': 'privileged' },
          },
        },
      }),
      'Namespace',
    );
    expect(
      namespace.metadata.labels['pod-security.kubernetes.io/enforce'],
    ).toBe('restricted');
  });

  it('renders a component pod that the restricted level admits', () => {
    const pod = find(desiredObjects(input), 'Deployment').spec.template.spec;
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    for (const container of pod.containers) {
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
    }
    expect(pod.hostPID).toBeUndefined();
    expect(pod.hostNetwork).toBeUndefined();
  });

  it('renders StatefulSet pods of the resources that the restricted level admits', () => {
    const statefulSet = find(desiredObjects(input), 'StatefulSet');
    const pod = statefulSet.spec.template.spec;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: expect.any(Number),
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    for (const container of [
      ...(pod.initContainers ?? []),
      ...pod.containers,
    ]) {
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
    }
  });

  it("sets the quota to the type's baseline when there are no overrides", () => {
    const quota = find(desiredObjects(input), 'ResourceQuota');
    expect(quota.spec.hard).toEqual({
      'limits.cpu': '2',
      'limits.memory': '4Gi',
      pods: '20',
      'requests.storage': '10Gi',
      persistentvolumeclaims: '5',
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
      'requests.storage': '10Gi',
      persistentvolumeclaims: '5',
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

  it('gives the owning group the environment owner ClusterRole in the namespace, not edit', () => {
    const binding = find(desiredObjects(input), 'RoleBinding');
    expect(binding.metadata.name).toBe('environment-owner');
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'idp-environments-owner',
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

  it("binds the portal's reader in the namespace, since it reads no namespace cluster-wide", () => {
    const binding = find(
      desiredObjects(input),
      'RoleBinding',
      'backstage-reader',
    );
    expect(binding.metadata.namespace).toBe('orders-service-development');
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'idp-backstage-reader',
    });
    expect(binding.subjects).toEqual([
      {
        kind: 'ServiceAccount',
        name: 'backstage-reader',
        namespace: 'idp-system',
      },
    ]);
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

  it("caps the replicas at the type's bound", () => {
    const deployment = find(
      desiredObjects({
        ...input,
        workload: { image: 'ghcr.io/acme/orders:2', replicas: 50 },
      }),
      'Deployment',
    );
    expect(deployment.spec.replicas).toBe(3);
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

  describe('a deployment', () => {
    const deployed: DesiredObjectsInput = {
      ...input,
      workload: {
        image: 'ghcr.io/acme/orders-service:1.5.0',
        replicas: 2,
        env: { LOG_LEVEL: 'debug', FEATURE_X: 'on' },
        secretRefs: { DB_PASSWORD: 'db-password', API_TOKEN: 'api-token' },
        resources: { cpu: '750m', memory: '384Mi' },
        deploymentId: 'dep-42',
      },
    };
    const container = (objects: KubernetesObject[]) =>
      find(objects, 'Deployment').spec.template.spec.containers[0];

    it('gives the container its variables sorted by name, the secret ones from the workload Secret, which they require', () => {
      expect(container(desiredObjects(deployed)).env).toEqual([
        {
          name: 'API_TOKEN',
          valueFrom: {
            secretKeyRef: { name: WORKLOAD_SECRET_NAME, key: 'api-token' },
          },
        },
        {
          name: 'DB_PASSWORD',
          valueFrom: {
            secretKeyRef: { name: 'workload-secrets', key: 'db-password' },
          },
        },
        { name: 'FEATURE_X', value: 'on' },
        { name: 'LOG_LEVEL', value: 'debug' },
      ]);
    });

    it('renders the same variables in any order the same way', () => {
      const reordered = desiredObjects({
        ...deployed,
        workload: {
          ...deployed.workload,
          env: { FEATURE_X: 'on', LOG_LEVEL: 'debug' },
          secretRefs: { API_TOKEN: 'api-token', DB_PASSWORD: 'db-password' },
        },
      });
      expect(JSON.stringify(reordered)).toBe(
        JSON.stringify(desiredObjects(deployed)),
      );
    });

    it("sets the container's limits, and leaves requests to the LimitRange", () => {
      expect(container(desiredObjects(deployed)).resources).toEqual({
        limits: { cpu: '750m', memory: '384Mi' },
      });
      expect(
        container(
          desiredObjects({
            ...deployed,
            workload: { ...deployed.workload, resources: { memory: '1Gi' } },
          }),
        ).resources,
      ).toEqual({ limits: { memory: '1Gi' } });
    });

    it('renders no env and no resources when the settings have none, as before deployments', () => {
      const plain = container(desiredObjects(input));
      expect(plain).not.toHaveProperty('env');
      expect(plain).not.toHaveProperty('resources');
      expect(
        find(desiredObjects(input), 'Deployment').spec.template.metadata,
      ).not.toHaveProperty('annotations');
    });

    it('annotates the pod template with the deployment id, so that a new deployment is a new rollout', () => {
      const template = find(desiredObjects(deployed), 'Deployment').spec
        .template;
      expect(template.metadata.annotations).toEqual({
        [DEPLOYMENT_ID_ANNOTATION]: 'dep-42',
      });
      const next = find(
        desiredObjects({
          ...deployed,
          workload: { ...deployed.workload, deploymentId: 'dep-43' },
        }),
        'Deployment',
      ).spec.template;
      expect(next).not.toEqual(template);
    });

    it('allows 0 replicas', () => {
      expect(
        find(
          desiredObjects({
            ...deployed,
            workload: { ...deployed.workload, replicas: 0 },
          }),
          'Deployment',
        ).spec.replicas,
      ).toBe(0);
    });

    it("fails the rollout after the type's progress deadline, 10 minutes unless set", () => {
      expect(
        find(desiredObjects(deployed), 'Deployment').spec
          .progressDeadlineSeconds,
      ).toBe(600);
      expect(
        find(
          desiredObjects({
            ...deployed,
            type: { ...developmentType, progressDeadline: '2m' },
          }),
          'Deployment',
        ).spec.progressDeadlineSeconds,
      ).toBe(120);
    });

    it('never renders the workload Secret: its values are not desired state', () => {
      expect(
        desiredObjects(deployed).filter(
          o => o.kind === 'Secret' && o.metadata?.name === WORKLOAD_SECRET_NAME,
        ),
      ).toEqual([]);
    });
  });
});
