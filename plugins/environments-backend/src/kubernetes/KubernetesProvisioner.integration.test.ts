import { mockServices } from '@backstage/backend-test-utils';
import {
  describeWithCluster,
  eventually,
  orchestratorKubeConfig,
} from '@internal/cluster-tools/testUtils';
import {
  AppsV1Api,
  CoreV1Api,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { desiredObjects, ResourceCredentials } from './desiredObjects';
import { KubernetesProvisioner } from './KubernetesProvisioner';
import { environmentSelector } from './labels';
import {
  ORCHESTRATOR_BINDING_NAME,
  ORCHESTRATOR_NAMESPACE_ROLE,
} from './namespaceAccess';
import {
  developmentEnvironment,
  developmentType,
  testDrivers,
} from './__testUtils__/fixtures';

jest.setTimeout(180_000);

/** Every object, in any namespace, that carries the environment's label. */
async function objectsLeft(
  objectsApi: KubernetesObjectApi,
  environmentId: string,
): Promise<KubernetesObject[]> {
  const kinds: Array<[string, string]> = [
    ['v1', 'Namespace'],
    ['v1', 'ResourceQuota'],
    ['v1', 'LimitRange'],
    ['networking.k8s.io/v1', 'NetworkPolicy'],
    ['v1', 'ServiceAccount'],
    ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
    ['v1', 'Secret'],
    ['v1', 'ConfigMap'],
    ['v1', 'Service'],
    ['apps/v1', 'Deployment'],
    ['apps/v1', 'StatefulSet'],
    ['v1', 'Pod'],
    ['v1', 'PersistentVolumeClaim'],
  ];
  const left: KubernetesObject[] = [];
  for (const [apiVersion, kind] of kinds) {
    const list = await objectsApi.list(
      apiVersion,
      kind,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      environmentSelector(environmentId),
    );
    left.push(...list.items);
  }
  return left;
}

// The provisioner acts as the orchestrator's own ServiceAccount, as in
// production: every test here also proves that its roles suffice. The admin
// kubeconfig (kc) only prepares fixtures and inspects the result.
describeWithCluster('KubernetesProvisioner on the local control plane', kc => {
  const suffix = randomBytes(3).toString('hex');
  const environment = developmentEnvironment({
    id: `it-${suffix}`,
    namespace: `it-orders-${suffix}`,
  });
  const { namespace } = environment;
  const workload = { image: 'ghcr.io/acme/orders-service:1.4.2' };

  let core: CoreV1Api;
  let objectsApi: KubernetesObjectApi;
  let provisioner: KubernetesProvisioner;
  let credentials: ResourceCredentials;

  const desired = (overrides?: { cpu?: string }) =>
    desiredObjects({
      environment: developmentEnvironment({
        ...environment,
        spec: { ...environment.spec, overrides },
      }),
      type: developmentType,
      workload,
      drivers: testDrivers,
      credentials,
    });

  beforeAll(async () => {
    core = kc().makeApiClient(CoreV1Api);
    objectsApi = KubernetesObjectApi.makeApiClient(kc());
    provisioner = KubernetesProvisioner.create({
      kubeConfig: await orchestratorKubeConfig(kc()),
      logger: mockServices.logger.mock(),
      drivers: testDrivers,
    });
  });

  afterAll(async () => {
    await core?.deleteNamespace({ name: namespace }).catch(() => {});
  });

  const podsRunning = async () => {
    const { items } = await core.listNamespacedPod({
      namespace,
      labelSelector: environmentSelector(environment.id),
    });
    const running = items.filter(p => p.status?.phase === 'Running');
    return running.length === 2 ? running : undefined;
  };

  it('creates the environment: every object exists with its labels', async () => {
    credentials = {
      'orders-db': await provisioner.readOrCreateCredentials(
        namespace,
        'orders-db',
      ),
    };
    expect(credentials['orders-db'].password).toMatch(/^[\w-]{32}$/);
    const objects = desired();

    const outcome = await provisioner.apply(objects);

    // Right after the namespace: the binding that gives the orchestrator
    // access inside it.
    expect(outcome.results[1]).toEqual({
      kind: 'RoleBinding',
      name: ORCHESTRATOR_BINDING_NAME,
      namespace,
      action: 'created',
    });
    expect(outcome.results.map(r => r.action)).toEqual(
      [...objects, 'binding'].map(() => 'created'),
    );
    expect(outcome.writes).toBe(objects.length + 1);
    const binding = await objectsApi.read({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: ORCHESTRATOR_BINDING_NAME, namespace },
    });
    expect(binding).toMatchObject({
      roleRef: { kind: 'ClusterRole', name: ORCHESTRATOR_NAMESPACE_ROLE },
      subjects: [
        {
          kind: 'ServiceAccount',
          namespace: 'idp-system',
          name: 'environments-orchestrator',
        },
      ],
    });
    for (const object of objects) {
      const live = await objectsApi.read({
        apiVersion: object.apiVersion!,
        kind: object.kind!,
        metadata: {
          name: object.metadata!.name!,
          namespace: object.metadata!.namespace,
        },
      });
      expect(live.metadata?.labels).toMatchObject({
        'environments.idp.dev/id': environment.id,
        'environments.idp.dev/component': 'orders-service',
        'environments.idp.dev/type': 'development',
        'app.kubernetes.io/managed-by': 'idp-environments',
      });
      expect(live.metadata?.managedFields?.map(f => f.manager)).toContain(
        'idp-environments',
      );
    }
  });

  it('runs the Deployment and StatefulSet pods, and then reports ready', async () => {
    const pods = await eventually('2 pods Running', podsRunning, 90_000);
    expect(pods.map(p => p.metadata?.name).sort()).toEqual([
      'orders-db-0',
      expect.stringMatching(/^orders-service-/),
    ]);

    const status = await eventually(
      'status ready',
      async () => {
        const s = await provisioner.status(environment);
        return s.ready ? s : undefined;
      },
      60_000,
    );
    expect(status.conditions).toEqual([
      expect.objectContaining({
        kind: 'Deployment',
        name: 'orders-service',
        status: 'ready',
      }),
      expect.objectContaining({
        kind: 'StatefulSet',
        name: 'orders-db',
        status: 'ready',
      }),
    ]);
  });

  it('writes nothing on a second apply, also after a restart, and keeps the password', async () => {
    // A backend that restarted finds its binding in place.
    const restarted = KubernetesProvisioner.create({
      kubeConfig: await orchestratorKubeConfig(kc()),
      logger: mockServices.logger.mock(),
      drivers: testDrivers,
    });
    expect(
      await restarted.readOrCreateCredentials(namespace, 'orders-db'),
    ).toEqual(credentials['orders-db']);

    const outcome = await restarted.apply(desired());

    expect(outcome.writes).toBe(0);
    expect(new Set(outcome.results.map(r => r.action))).toEqual(
      new Set(['unchanged']),
    );
  });

  it('updates only the ResourceQuota when the cpu override changes', async () => {
    const outcome = await provisioner.apply(desired({ cpu: '3' }));

    expect(outcome.writes).toBe(1);
    expect(outcome.results.filter(r => r.action !== 'unchanged')).toEqual([
      {
        kind: 'ResourceQuota',
        name: 'environment-quota',
        namespace,
        action: 'updated',
      },
    ]);
    const quota = await core.readNamespacedResourceQuota({
      name: 'environment-quota',
      namespace,
    });
    expect(quota.spec?.hard?.['limits.cpu']).toBe('3');
  });

  it('repairs an object changed by hand, and writes nothing once it is as desired', async () => {
    const apps = kc().makeApiClient(AppsV1Api);
    await apps.patchNamespacedDeployment(
      {
        name: 'orders-service',
        namespace,
        body: [
          { op: 'replace', path: '/spec/replicas', value: 3 },
          {
            op: 'replace',
            path: '/spec/template/spec/containers/0/image',
            value: 'evil.example/miner:latest',
          },
        ],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );

    const outcome = await provisioner.apply(desired({ cpu: '3' }));

    expect(outcome.results.filter(r => r.action !== 'unchanged')).toEqual([
      {
        kind: 'Deployment',
        name: 'orders-service',
        namespace,
        action: 'updated',
      },
    ]);
    const live = await apps.readNamespacedDeployment({
      name: 'orders-service',
      namespace,
    });
    expect(live.spec?.replicas).toBe(1);
    expect(live.spec?.template.spec?.containers[0].image).toBe(workload.image);
    expect((await provisioner.apply(desired({ cpu: '3' }))).writes).toBe(0);
  });

  it('prunes the objects of a resource removed from the spec, and only those', async () => {
    const withoutDatabase = desiredObjects({
      environment: developmentEnvironment({
        ...environment,
        spec: { ...environment.spec, overrides: { cpu: '3' }, resources: [] },
      }),
      type: developmentType,
      workload,
      drivers: testDrivers,
      credentials,
    });

    const outcome = await provisioner.apply(withoutDatabase, { prune: true });

    expect(
      outcome.results
        .filter(r => r.action === 'deleted')
        .map(r => `${r.kind} ${r.name}`)
        .sort(),
    ).toEqual([
      'Secret orders-db-credentials',
      'Service orders-db',
      'StatefulSet orders-db',
    ]);
    await eventually(
      'the StatefulSet gone',
      async () =>
        (
          await objectsApi.list(
            'apps/v1',
            'StatefulSet',
            namespace,
            undefined,
            undefined,
            undefined,
            undefined,
            environmentSelector(environment.id),
          )
        ).items.length === 0 || undefined,
      30_000,
    );
    // The workload and the baseline stay.
    const again = await provisioner.apply(withoutDatabase, { prune: true });
    expect(again.writes).toBe(0);
  });

  it('reads no credentials in a namespace that is not an environment', async () => {
    const { password } = await provisioner.readOrCreateCredentials(
      'kube-system',
      'orders-db',
    );

    expect(password).toMatch(/^[\w-]{32}$/);
    await expect(
      objectsApi.read({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: ORCHESTRATOR_BINDING_NAME, namespace: 'kube-system' },
      }),
    ).rejects.toMatchObject({ code: 404 });
  });

  it('refuses to tear down a namespace of another environment', async () => {
    await expect(
      provisioner.teardown({ id: 'someone-else', namespace }),
    ).rejects.toThrow(`does not belong to environment someone-else`);
  });

  it('tears down everything: no namespace, no object with the environment label anywhere', async () => {
    await provisioner.teardown(environment);

    await expect(core.readNamespace({ name: namespace })).rejects.toMatchObject(
      { code: 404 },
    );
    const left = await objectsLeft(objectsApi, environment.id);
    expect(left.map(o => `${o.kind} ${o.metadata?.name}`)).toEqual([]);
  });

  it('is idempotent: tearing down again does nothing', async () => {
    await expect(provisioner.teardown(environment)).resolves.toBeUndefined();
  });
});

// The second resource driver, through the same seam: what its driver renders
// becomes ready in the cluster, and goes with the environment.
describeWithCluster('A Redis resource on the local control plane', kc => {
  const suffix = randomBytes(3).toString('hex');
  const environment = developmentEnvironment({
    id: `it-redis-${suffix}`,
    namespace: `it-redis-${suffix}`,
    spec: {
      componentRef: 'component:default/orders-service',
      type: 'development',
      name: 'development',
      resources: [{ type: 'redis', name: 'sessions', version: '7' }],
    },
  });
  const { namespace } = environment;

  let core: CoreV1Api;
  let objectsApi: KubernetesObjectApi;
  let provisioner: KubernetesProvisioner;
  let credentials: ResourceCredentials;

  const desired = () =>
    desiredObjects({
      environment,
      type: developmentType,
      workload: { image: 'ghcr.io/acme/orders-service:1.4.2' },
      drivers: testDrivers,
      credentials,
    });

  beforeAll(async () => {
    core = kc().makeApiClient(CoreV1Api);
    objectsApi = KubernetesObjectApi.makeApiClient(kc());
    provisioner = KubernetesProvisioner.create({
      kubeConfig: await orchestratorKubeConfig(kc()),
      logger: mockServices.logger.mock(),
      drivers: testDrivers,
    });
  });

  afterAll(async () => {
    await core?.deleteNamespace({ name: namespace }).catch(() => {});
  });

  it('runs redis:7 with its pod Running, and then reports ready', async () => {
    credentials = {
      sessions: await provisioner.readOrCreateCredentials(
        namespace,
        'sessions',
      ),
    };
    await provisioner.apply(desired());

    const pods = await eventually(
      '2 pods Running',
      async () => {
        const { items } = await core.listNamespacedPod({
          namespace,
          labelSelector: environmentSelector(environment.id),
        });
        const running = items.filter(p => p.status?.phase === 'Running');
        return running.length === 2 ? running : undefined;
      },
      90_000,
    );
    expect(pods.map(p => p.metadata?.name).sort()).toEqual([
      expect.stringMatching(/^orders-service-/),
      'sessions-0',
    ]);
    expect(
      pods.find(p => p.metadata?.name === 'sessions-0')?.spec?.containers[0]
        .image,
    ).toBe('redis:7');

    const status = await eventually(
      'status ready',
      async () => {
        const s = await provisioner.status(environment);
        return s.ready ? s : undefined;
      },
      60_000,
    );
    expect(status.conditions).toEqual([
      expect.objectContaining({
        kind: 'Deployment',
        name: 'orders-service',
        status: 'ready',
      }),
      expect.objectContaining({
        kind: 'StatefulSet',
        name: 'sessions',
        status: 'ready',
      }),
    ]);
  });

  it('keeps the password across reconciles, and writes nothing', async () => {
    expect(
      await provisioner.readOrCreateCredentials(namespace, 'sessions'),
    ).toEqual(credentials.sessions);
    const secret = await core.readNamespacedSecret({
      name: 'sessions-credentials',
      namespace,
    });
    expect(Buffer.from(secret.data!.password, 'base64').toString('utf8')).toBe(
      credentials.sessions.password,
    );

    expect((await provisioner.apply(desired())).writes).toBe(0);
  });

  it('tears down everything: no object with the environment label anywhere', async () => {
    await provisioner.teardown(environment);

    expect(
      (await objectsLeft(objectsApi, environment.id)).map(
        o => `${o.kind} ${o.metadata?.name}`,
      ),
    ).toEqual([]);
  });
});
