import { mockServices } from '@backstage/backend-test-utils';
import {
  CoreV1Api,
  KubernetesObject,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { desiredObjects, ResourceCredentials } from './desiredObjects';
import { KubernetesProvisioner } from './KubernetesProvisioner';
import { environmentSelector } from './labels';
import {
  developmentEnvironment,
  developmentType,
} from './__testUtils__/fixtures';
import { describeWithCluster, eventually } from './__testUtils__/testCluster';

jest.setTimeout(180_000);

describeWithCluster('KubernetesProvisioner on the local control plane', kc => {
  const suffix = randomBytes(3).toString('hex');
  const environment = developmentEnvironment({
    id: `it-${suffix}`,
    namespace: `it-orders-${suffix}`,
  });
  const { namespace } = environment;
  // The local control plane (kwok) has no storage provisioner, so the
  // StatefulSet's claim would stay Pending and its pod unscheduled. A real
  // cluster provisions the volume; here the test provides one, bound in
  // advance to the claim the StatefulSet will make, so that no other test's
  // claim can take it. The provisioner keeps its volumeClaimTemplate: a
  // database on an emptyDir would lose its data on every restart.
  const volumeName = `it-orders-db-${suffix}`;
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
      credentials,
    });

  beforeAll(async () => {
    core = kc().makeApiClient(CoreV1Api);
    objectsApi = KubernetesObjectApi.makeApiClient(kc());
    provisioner = KubernetesProvisioner.create({
      kubeConfig: kc(),
      logger: mockServices.logger.mock(),
    });
    await core.createPersistentVolume({
      body: {
        metadata: { name: volumeName },
        spec: {
          capacity: { storage: '1Gi' },
          accessModes: ['ReadWriteOnce'],
          persistentVolumeReclaimPolicy: 'Retain',
          storageClassName: '',
          hostPath: { path: `/tmp/${volumeName}` },
          claimRef: { namespace, name: 'data-orders-db-0' },
        },
      },
    });
  });

  afterAll(async () => {
    await core?.deleteNamespace({ name: namespace }).catch(() => {});
    await core?.deletePersistentVolume({ name: volumeName }).catch(() => {});
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

    expect(outcome.results.map(r => r.action)).toEqual(
      objects.map(() => 'created'),
    );
    expect(outcome.writes).toBe(objects.length);
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

  it('writes nothing on a second apply, and keeps the password', async () => {
    expect(
      await provisioner.readOrCreateCredentials(namespace, 'orders-db'),
    ).toEqual(credentials['orders-db']);

    const outcome = await provisioner.apply(desired());

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
        environmentSelector(environment.id),
      );
      left.push(...list.items);
    }
    expect(left.map(o => `${o.kind} ${o.metadata?.name}`)).toEqual([]);
  });

  it('is idempotent: tearing down again does nothing', async () => {
    await expect(provisioner.teardown(environment)).resolves.toBeUndefined();
  });
});
