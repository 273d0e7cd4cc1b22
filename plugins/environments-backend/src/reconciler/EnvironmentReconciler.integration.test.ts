import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  describeWithCluster,
  eventually,
  orchestratorKubeConfig,
} from '@internal/cluster-tools/testUtils';
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { DatabaseEnvironmentsStore } from '../database/DatabaseEnvironmentsStore';
import { Environment } from '../model';
import {
  ApplyOutcome,
  EnvironmentClusters,
  KubernetesProvisioner,
} from '../kubernetes';
import {
  developmentType,
  testDrivers,
} from '../kubernetes/__testUtils__/fixtures';
import { EnvironmentReconciler } from './EnvironmentReconciler';
import { EnvironmentStatusWatcher } from './EnvironmentStatusWatcher';
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

// The reconciler provisions and watches as the orchestrator's own
// ServiceAccount, as in production; the admin kubeconfig (kc) only prepares
// fixtures and inspects the result.
describeWithCluster('EnvironmentReconciler on the local control plane', kc => {
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let orchestrator: KubeConfig;
  let provisioner: KubernetesProvisioner;
  const namespaces: string[] = [];
  const volumes: string[] = [];

  beforeAll(async () => {
    core = kc().makeApiClient(CoreV1Api);
    apps = kc().makeApiClient(AppsV1Api);
    orchestrator = await orchestratorKubeConfig(kc());
    provisioner = KubernetesProvisioner.create({
      kubeConfig: orchestrator,
      logger: mockServices.logger.mock(),
      drivers: testDrivers,
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
   * Holds the environment's database back until the returned function is
   * called, so that the test, not the timing of the local cluster (which
   * provisions a volume at once), decides when it can become ready: the
   * StatefulSet's volume claim is made in advance, in the environment's
   * namespace, bound to a volume that does not exist yet.
   */
  async function holdDatabaseVolume(environment: Environment) {
    const { namespace } = environment;
    const volume = `it-held-${namespace}`;
    volumes.push(volume);
    await core.createNamespace({
      body: {
        metadata: {
          name: namespace,
          labels: {
            'environments.idp.dev/id': environment.id,
            'app.kubernetes.io/managed-by': 'idp-environments',
          },
        },
      },
    });
    await core.createNamespacedPersistentVolumeClaim({
      namespace,
      body: {
        metadata: { name: 'data-orders-db-0' },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: '',
          volumeName: volume,
          resources: { requests: { storage: '1Gi' } },
        },
      },
    });
    return async function release() {
      await core.createPersistentVolume({
        body: {
          metadata: { name: volume },
          spec: {
            capacity: { storage: '1Gi' },
            accessModes: ['ReadWriteOnce'],
            persistentVolumeReclaimPolicy: 'Delete',
            storageClassName: '',
            hostPath: { path: `/tmp/${volume}` },
            claimRef: { namespace, name: 'data-orders-db-0' },
          },
        },
      });
    };
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
        drivers: testDrivers,
        leaseMs,
      });
    }

    function watcherFor(reconciler: EnvironmentReconciler) {
      return new EnvironmentStatusWatcher({
        clusters: EnvironmentClusters.fromConnections(
          [{ name: developmentType.cluster, kubeConfig: orchestrator }],
          { logger: mockServices.logger.mock(), drivers: testDrivers },
        ),
        reconciler,
        scheduler: mockServices.scheduler.mock(),
        logger: mockServices.logger.mock(),
      });
    }

    function statusOf(id: string, status: Environment['status']) {
      return eventually(
        `environment ${status}`,
        async () => {
          const environment = await store.getEnvironment(id);
          return environment.status === status ? environment : undefined;
        },
        90_000,
      );
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
      const watcher = watcherFor(reconciler);
      await watcher.start();
      worker.start();
      try {
        return await statusOf(id, status);
      } finally {
        await worker.stop();
        await watcher.stop();
      }
    }

    it('keeps a teardown held by a finalizer deleting and retrying, longer than every timeout, and completes it once the finalizer goes', async () => {
      const suffix = uniqueSuffix();
      const request = environmentRequest(suffix, []);
      const { namespace } = request;
      const created = await store.createEnvironment(request);
      // Short timeouts, so that the finalizer outlasts each of them many times.
      const impatient = KubernetesProvisioner.create({
        kubeConfig: orchestrator,
        logger: mockServices.logger.mock(),
        drivers: testDrivers,
        requestTimeoutMs: 2_000,
        teardownTimeoutMs: 3_000,
      });
      const reconciler = new EnvironmentReconciler({
        store,
        provisionerFor: () => impatient,
        types: { development: developmentType },
        owner: `it-teardown-${suffix}`,
        logger: mockServices.logger.mock(),
        workloadFor: async () => ({
          image: 'registry.acme.example/orders-service:latest',
        }),
        drivers: testDrivers,
        maxAttempts: 2,
      });
      await expect(reconciler.processNextJob()).resolves.toMatchObject({
        kind: 'reconcile',
        outcome: 'succeeded',
      });
      const finalizer = 'idp.dev/held-by-test';
      const configMap = 'held';
      await core.createNamespacedConfigMap({
        namespace,
        body: {
          metadata: { name: configMap, finalizers: [finalizer] },
          data: { why: 'holds the namespace in Terminating' },
        },
      });
      await store.markDeleting({ id: created.id, actor: 'user:default/alice' });

      const started = Date.now();
      const heldForMs = 15_000;
      const outcomes: string[] = [];
      // What a user saw after each failed attempt.
      const seen: Array<Pick<Environment, 'status' | 'reason'>> = [];
      let released = false;
      while (outcomes.at(-1) !== 'succeeded' && outcomes.length < 50) {
        const processed = await reconciler.processNextJob();
        if (processed === 'idle') {
          await new Promise(resolve => setTimeout(resolve, 250));
        } else {
          outcomes.push(processed.outcome);
          const { status, reason } = await store.getEnvironment(created.id);
          seen.push({ status, reason });
        }
        if (!released && Date.now() - started > heldForMs) {
          await core.patchNamespacedConfigMap(
            {
              name: configMap,
              namespace,
              body: [{ op: 'remove', path: '/metadata/finalizers' }],
            },
            setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
          );
          released = true;
        }
      }
      expect(outcomes.at(-1)).toBe('succeeded');
      expect(new Set(outcomes.slice(0, -1))).toEqual(new Set(['retrying']));
      expect(seen.slice(0, -1)).toEqual(
        seen.slice(0, -1).map(() => ({
          status: 'deleting',
          reason: expect.stringMatching(
            /^Teardown failed: .*was not deleted within 3 s.*; retrying \(attempt \d+\)$/,
          ),
        })),
      );
      const tookMs = Date.now() - started;
      // Held past the provisioner's timeouts and the job's two attempts.
      expect(outcomes.filter(o => o === 'retrying').length).toBeGreaterThan(2);
      expect(await store.getEnvironment(created.id)).toMatchObject({
        status: 'deleted',
      });
      await expect(
        core.readNamespace({ name: namespace }),
      ).rejects.toMatchObject({ code: 404 });
      // For the report: how long the slowest teardown took.
      process.stdout.write(
        `teardown held by a finalizer for ${
          heldForMs / 1000
        } s completed after ${tookMs / 1000} s and ${
          outcomes.length
        } attempts\n`,
      );
    });

    it('provisions an environment, which the status watch makes ready; leaves it alone when unchanged; tears it down', async () => {
      const suffix = uniqueSuffix();
      const request = environmentRequest(suffix, [
        { type: 'postgresql', name: 'orders-db', version: '15' },
      ]);
      const { namespace } = request;
      const created = await store.createEnvironment(request);
      const releaseVolume = await holdDatabaseVolume(created);
      const reconciler = reconcilerFor(`it-worker-${suffix}`);
      const refreshStatus = jest.spyOn(reconciler, 'refreshStatus');
      const watcher = watcherFor(reconciler);
      await watcher.start();
      try {
        // One job, no worker loop: nothing polls. The database's volume is
        // held back, so the job cannot see the environment ready.
        await expect(reconciler.processNextJob()).resolves.toMatchObject({
          kind: 'reconcile',
          outcome: 'succeeded',
        });
        expect(await store.getEnvironment(created.id)).toMatchObject({
          status: 'provisioning',
          reason: 'Waiting for the workloads to become ready',
          observedGeneration: 0,
        });
        expect(await store.listJobs(created.id)).toEqual([
          expect.objectContaining({ kind: 'reconcile', state: 'succeeded' }),
        ]);
        // The pod says why it waits.
        await expect(
          eventually('the StatefulSet waiting for its volume', async () => {
            const { conditions } = await store.getEnvironment(created.id);
            return conditions.find(
              c => c.kind === 'StatefulSet' && c.reason === 'Unschedulable',
            );
          }),
        ).resolves.toMatchObject({
          status: 'pending',
          message: expect.stringContaining('PersistentVolumeClaim'),
        });

        // The volume arrives; only the watch can notice what follows.
        await releaseVolume();
        const volumeCreated = Date.now();
        const ready = await statusOf(created.id, 'ready');
        const readyAfterMs = Date.now() - volumeCreated;

        expect(readyAfterMs).toBeLessThan(30_000);
        // The watch asks for it, reading its own copy of the cluster.
        expect(refreshStatus).toHaveBeenCalledWith(created.id, {
          cached: true,
        });
        expect(ready).toMatchObject({
          reason: undefined,
          observedGeneration: 1,
          conditions: [
            { kind: 'Deployment', name: 'orders-service', status: 'ready' },
            { kind: 'StatefulSet', name: 'orders-db', status: 'ready' },
          ],
        });
        const provisioned = (await store.listAuditEvents(created.id)).filter(
          e => e.action === 'provision' && e.outcome === 'succeeded',
        );
        expect(provisioned).toHaveLength(1);
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
          const written = await Promise.all(
            updateStatus.mock.results.map(r => r.value),
          );
          expect(written).not.toContain(true);
          expect(await store.getEnvironment(created.id)).toEqual(ready);
        } finally {
          apply.mockRestore();
          updateStatus.mockRestore();
        }
      } finally {
        await watcher.stop();
      }

      await store.markDeleting({ id: created.id, actor: 'user:default/alice' });
      const deleted = await runUntil(reconciler, created.id, 'deleted');

      expect(deleted.deletedAt).toBeInstanceOf(Date);
      await expect(
        core.readNamespace({ name: namespace }),
      ).rejects.toMatchObject({ code: 404 });
    });

    it('sees a change made while no watch ran, from the list a starting watch begins with', async () => {
      const suffix = uniqueSuffix();
      const request = environmentRequest(suffix, [
        { type: 'postgresql', name: 'orders-db', version: '15' },
      ]);
      const created = await store.createEnvironment(request);
      const releaseVolume = await holdDatabaseVolume(created);
      const reconciler = reconcilerFor(`it-resync-${suffix}`);
      await reconciler.processNextJob();
      expect((await store.getEnvironment(created.id)).status).toBe(
        'provisioning',
      );
      // The workloads become ready while the backend does not watch...
      await releaseVolume();
      await eventually(
        'workloads ready',
        async () =>
          (await provisioner.status(created)).ready ? true : undefined,
        90_000,
      );
      expect((await store.getEnvironment(created.id)).status).toBe(
        'provisioning',
      );

      // ... and a watch that starts finds them so.
      const watcher = watcherFor(reconciler);
      await watcher.start();
      try {
        await expect(statusOf(created.id, 'ready')).resolves.toMatchObject({
          observedGeneration: 1,
        });
      } finally {
        await watcher.stop();
      }
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
