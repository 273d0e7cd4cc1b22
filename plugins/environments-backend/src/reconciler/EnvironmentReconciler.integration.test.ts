import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { CoreV1Api, AppsV1Api } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { DatabaseEnvironmentsStore } from '../database/DatabaseEnvironmentsStore';
import { Environment } from '../database/types';
import { ApplyOutcome, KubernetesProvisioner } from '../kubernetes';
import { developmentType } from '../kubernetes/__testUtils__/fixtures';
import {
  describeWithCluster,
  eventually,
} from '../kubernetes/__testUtils__/testCluster';
import { EnvironmentReconciler } from './EnvironmentReconciler';
import { ReconcilerWorker } from './ReconcilerWorker';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

function environmentRequest(
  suffix: string,
  resources: Array<{ type: 'postgresql'; name: string; version: string }>,
) {
  return {
    name: `it-${suffix}`,
    namespace: `it-orders-${suffix}`,
    componentRef: 'component:default/orders-service',
    ownerRef: 'group:default/team-orders',
    type: 'development',
    spec: {
      componentRef: 'component:default/orders-service',
      type: 'development',
      name: `it-${suffix}`,
      resources,
    },
    createdBy: 'user:default/alice',
  };
}

describeWithCluster('EnvironmentReconciler on the local control plane', kc => {
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let provisioner: KubernetesProvisioner;
  const namespaces: string[] = [];
  const volumes: string[] = [];

  beforeAll(() => {
    core = kc().makeApiClient(CoreV1Api);
    apps = kc().makeApiClient(AppsV1Api);
    provisioner = KubernetesProvisioner.create({
      kubeConfig: kc(),
      logger: mockServices.logger.mock(),
    });
  });

  afterAll(async () => {
    for (const name of namespaces) {
      await core?.deleteNamespace({ name }).catch(() => {});
    }
    for (const name of volumes) {
      await core?.deletePersistentVolume({ name }).catch(() => {});
    }
  });

  /** A unique environment name; its namespace is cleaned up after the suite. */
  function uniqueSuffix() {
    const suffix = randomBytes(3).toString('hex');
    namespaces.push(`it-orders-${suffix}`);
    return suffix;
  }

  /**
   * kwok has no storage provisioner: a volume bound in advance to the claim
   * the StatefulSet will make lets its pod run (see the provisioner's test).
   */
  async function volumeFor(namespace: string, suffix: string) {
    const name = `it-reconciler-db-${suffix}`;
    volumes.push(name);
    await core.createPersistentVolume({
      body: {
        metadata: { name },
        spec: {
          capacity: { storage: '1Gi' },
          accessModes: ['ReadWriteOnce'],
          persistentVolumeReclaimPolicy: 'Retain',
          storageClassName: '',
          hostPath: { path: `/tmp/${name}` },
          claimRef: { namespace, name: 'data-orders-db-0' },
        },
      },
    });
  }

  describe.each(databases.eachSupportedId())('with %s', databaseId => {
    let store: DatabaseEnvironmentsStore;

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      store = await DatabaseEnvironmentsStore.create({
        database: mockServices.database({ knex }),
      });
    });

    function reconcilerFor(owner: string, leaseMs?: number) {
      return new EnvironmentReconciler({
        store,
        provisionerFor: () => provisioner,
        types: { development: developmentType },
        owner,
        logger: mockServices.logger.mock(),
        workloadFor: async () => ({
          image: 'registry.acme.example/orders-service:latest',
        }),
        leaseMs,
      });
    }

    async function runUntil(
      reconciler: EnvironmentReconciler,
      id: string,
      status: Environment['status'],
    ) {
      const worker = new ReconcilerWorker({
        reconciler,
        store,
        logger: mockServices.logger.mock(),
      });
      worker.start();
      try {
        return await eventually(
          `environment ${status}`,
          async () => {
            const environment = await store.getEnvironment(id);
            return environment.status === status ? environment : undefined;
          },
          90_000,
        );
      } finally {
        await worker.stop();
      }
    }

    it('provisions an environment, leaves it alone when unchanged, and tears it down', async () => {
      const suffix = uniqueSuffix();
      const request = environmentRequest(suffix, [
        { type: 'postgresql', name: 'orders-db', version: '15' },
      ]);
      const { namespace } = request;
      await volumeFor(namespace, suffix);
      const created = await store.createEnvironment(request);
      const reconciler = reconcilerFor(`it-worker-${suffix}`);

      const ready = await runUntil(reconciler, created.id, 'ready');

      expect(ready).toMatchObject({
        reason: undefined,
        observedGeneration: 1,
        conditions: [
          { kind: 'Deployment', name: 'orders-service', status: 'ready' },
          { kind: 'StatefulSet', name: 'orders-db', status: 'ready' },
        ],
      });
      await expect(
        core.readNamespace({ name: namespace }),
      ).resolves.toBeDefined();
      await expect(
        apps.readNamespacedDeployment({ name: 'orders-service', namespace }),
      ).resolves.toBeDefined();
      const pods = await core.listNamespacedPod({ namespace });
      expect(pods.items.map(p => p.status?.phase)).toEqual([
        'Running',
        'Running',
      ]);

      // An unchanged environment: no Kubernetes write, no status write.
      const apply = jest.spyOn(provisioner, 'apply');
      const updateStatus = jest.spyOn(store, 'updateStatus');
      try {
        await store.enqueueJob({
          environmentId: created.id,
          kind: 'reconcile',
        });
        await expect(reconciler.processNextJob()).resolves.toMatchObject({
          environmentId: created.id,
          kind: 'reconcile',
          outcome: 'succeeded',
        });
        expect(apply).toHaveBeenCalledTimes(1);
        const outcome: ApplyOutcome = await apply.mock.results[0].value;
        expect(outcome.writes).toBe(0);
        await expect(
          Promise.all(updateStatus.mock.results.map(r => r.value)),
        ).resolves.toEqual([false]);
        expect(await store.getEnvironment(created.id)).toEqual(ready);
      } finally {
        apply.mockRestore();
        updateStatus.mockRestore();
      }

      await store.markDeleting({ id: created.id, actor: 'user:default/alice' });
      const deleted = await runUntil(reconciler, created.id, 'deleted');

      expect(deleted.deletedAt).toBeInstanceOf(Date);
      await expect(
        core.readNamespace({ name: namespace }),
      ).rejects.toMatchObject({ code: 404 });
    });

    it('finishes the job of a backend killed mid-provisioning once its lease expires', async () => {
      const suffix = uniqueSuffix();
      const created = await store.createEnvironment(
        environmentRequest(suffix, []),
      );
      // Owner A claims the job and dies without settling it.
      const abandoned = await store.claimNextJob({
        owner: `it-crashed-${suffix}`,
        leaseMs: 1_500,
      });
      expect(abandoned).toMatchObject({ environmentId: created.id });

      const ready = await runUntil(
        reconcilerFor(`it-survivor-${suffix}`, 2_000),
        created.id,
        'ready',
      );

      expect(ready.conditions).toEqual([
        expect.objectContaining({
          kind: 'Deployment',
          name: 'orders-service',
          status: 'ready',
        }),
      ]);
      expect(await store.listJobs(created.id)).toEqual([
        expect.objectContaining({ id: abandoned!.id, state: 'succeeded' }),
      ]);
      const pods = await core.listNamespacedPod({
        namespace: created.namespace,
      });
      expect(pods.items.map(p => p.status?.phase)).toEqual(['Running']);
    });
  });
});
