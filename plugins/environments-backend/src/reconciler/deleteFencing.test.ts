import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { KubernetesObject } from '@kubernetes/client-node';
import { Knex } from 'knex';
import { DatabaseEnvironmentsStore } from '../database/DatabaseEnvironmentsStore';
import { ResourceDrivers } from '../kubernetes';
import { developmentType } from '../kubernetes/__testUtils__/fixtures';
import { ReconcilerProvisioner } from './EnvironmentConvergence';
import { EnvironmentReconciler } from './EnvironmentReconciler';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>(r => {
    resolve = r;
  });
  return { promise, resolve };
}

const keyOf = (object: KubernetesObject) =>
  `${object.kind}/${object.metadata?.namespace ?? ''}/${object.metadata?.name}`;

/**
 * A cluster in memory, and a provisioner whose first apply stops after its
 * first object until `release` is called: a reconcile caught mid-write. It
 * checks the signal before each object, as the real provisioner does.
 */
function slowCluster() {
  const objects = new Map<string, KubernetesObject>();
  const log: string[] = [];
  const applying = deferred();
  const gate = deferred();
  let applies = 0;
  const provisioner = {
    apply: async (
      desired: KubernetesObject[],
      options: { signal?: AbortSignal } = {},
    ) => {
      applies += 1;
      const blocking = applies === 1;
      let writes = 0;
      for (const object of desired) {
        options.signal?.throwIfAborted();
        objects.set(keyOf(object), object);
        log.push(`apply ${keyOf(object)}`);
        writes += 1;
        if (blocking && writes === 1) {
          applying.resolve();
          await gate.promise;
        }
      }
      return { results: [], writes };
    },
    readOrCreateCredentials: async () => ({ password: 'secret' }),
    teardown: async (environment: { id: string; namespace: string }) => {
      log.push(`teardown ${environment.namespace}`);
      for (const [key, object] of objects) {
        if (
          object.metadata?.namespace === environment.namespace ||
          (object.kind === 'Namespace' &&
            object.metadata?.name === environment.namespace)
        ) {
          objects.delete(key);
        }
      }
    },
    status: async () => ({ ready: true, conditions: [] }),
  } satisfies ReconcilerProvisioner;
  return {
    provisioner,
    objects,
    log,
    applying: applying.promise,
    release: gate.resolve,
  };
}

let sequence = 0;
function newEnvironment() {
  sequence += 1;
  const name = `development-${sequence}`;
  return {
    name,
    namespace: `orders-service-${name}`,
    componentRef: 'component:default/orders-service',
    ownerRef: 'group:default/team-orders',
    type: 'development',
    spec: {
      componentRef: 'component:default/orders-service',
      type: 'development',
      name,
      resources: [],
    },
    createdBy: 'user:default/alice',
  };
}

describe.each(databases.eachSupportedId())(
  'a deletion fences off a running reconcile (%s)',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let store: DatabaseEnvironmentsStore;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      store = await DatabaseEnvironmentsStore.create({
        database: mockServices.database({ knex }),
      });
    });

    afterEach(async () => {
      await knex('environment_status_transitions').del();
      await knex('environment_audit').del();
      await knex('environment_jobs').del();
      await knex('environments').del();
    });

    /** Two replicas' workers on the same store and cluster. */
    function replicas(provisioner: ReconcilerProvisioner) {
      const replica = (owner: string) =>
        new EnvironmentReconciler({
          store,
          provisionerFor: () => provisioner,
          types: { development: developmentType },
          owner,
          logger: mockServices.logger.mock(),
          workloadFor: async () => ({ image: 'registry.test/orders:1' }),
          drivers: ResourceDrivers.create([]),
        });
      return [replica('replica-1'), replica('replica-2')];
    }

    it('removes everything once a delete lands while an apply is under way, and writes nothing after', async () => {
      const cluster = slowCluster();
      const [first, second] = replicas(cluster.provisioner);
      const environment = await store.createEnvironment(newEnvironment());

      const reconciling = first.processNextJob();
      await cluster.applying;
      await store.markDeleting({
        id: environment.id,
        actor: 'user:default/alice',
      });
      const tearingDown = second.processNextJob();

      // The teardown waits for the reconcile that holds its lease...
      await sleep(1_000);
      expect(cluster.log.filter(l => l.startsWith('teardown'))).toEqual([]);
      const writtenBeforeRelease = cluster.log.length;

      // ...which, let go, stops before its next write.
      cluster.release();
      await expect(reconciling).resolves.toMatchObject({
        kind: 'reconcile',
        outcome: 'succeeded',
      });
      await expect(tearingDown).resolves.toMatchObject({
        kind: 'teardown',
        outcome: 'succeeded',
      });

      expect(cluster.log).toHaveLength(writtenBeforeRelease + 1);
      expect(cluster.log.at(-1)).toBe(`teardown ${environment.namespace}`);
      expect([...cluster.objects.keys()]).toEqual([]);
      expect(await store.getEnvironment(environment.id)).toMatchObject({
        status: 'deleted',
      });
      expect(
        (await store.listJobs(environment.id)).map(j => [j.kind, j.state]),
      ).toEqual([
        ['reconcile', 'succeeded'],
        ['teardown', 'succeeded'],
      ]);
    });

    it('tears down once the lease of a reconcile whose backend died runs out', async () => {
      const cluster = slowCluster();
      const [, second] = replicas(cluster.provisioner);
      const environment = await store.createEnvironment(newEnvironment());
      // A replica claimed the reconcile and died: nobody renews its lease.
      const claimedAt = Date.now();
      await store.claimNextJob({ owner: 'dead-replica', leaseMs: 1_500 });
      await store.markDeleting({
        id: environment.id,
        actor: 'user:default/alice',
      });

      await expect(second.processNextJob()).resolves.toMatchObject({
        kind: 'teardown',
        outcome: 'succeeded',
      });

      expect(Date.now() - claimedAt).toBeGreaterThanOrEqual(1_400);
      expect(cluster.log).toEqual([`teardown ${environment.namespace}`]);
      expect(await store.getEnvironment(environment.id)).toMatchObject({
        status: 'deleted',
      });
    });

    it('leaves nothing after create, update, delete and reconcile interleave with a slow apply', async () => {
      const cluster = slowCluster();
      const [first, second] = replicas(cluster.provisioner);
      const request = newEnvironment();
      const environment = await store.createEnvironment(request);

      const reconciling = first.processNextJob();
      await cluster.applying;
      // A change while the apply is under way asks the job to run again...
      await store.updateSpec({
        id: environment.id,
        spec: { ...request.spec, image: 'registry.test/orders:2' },
        actor: 'user:default/alice',
      });
      await store.markDeleting({
        id: environment.id,
        actor: 'user:default/alice',
      });
      // ...but after the delete, nothing brings it back.
      await expect(
        store.enqueueJob({ environmentId: environment.id, kind: 'reconcile' }),
      ).rejects.toThrow(/deleting; it takes no reconcile job/);
      await expect(
        store.updateSpec({
          id: environment.id,
          spec: { ...request.spec, image: 'registry.test/orders:3' },
          actor: 'user:default/alice',
        }),
      ).rejects.toThrow(/is deleting/);
      const tearingDown = second.processNextJob();
      await sleep(700);
      cluster.release();
      await Promise.all([reconciling, tearingDown]);

      // Whatever else is due runs, as the workers would.
      for (const replica of [first, second]) {
        while ((await replica.processNextJob()) !== 'idle') {
          // drain
        }
      }

      expect([...cluster.objects.keys()]).toEqual([]);
      expect(cluster.log.at(-1)).toBe(`teardown ${environment.namespace}`);
      expect(
        cluster.log.filter(l => l.startsWith('apply')).length,
      ).toBeLessThanOrEqual(1);
      expect(await store.getEnvironment(environment.id)).toMatchObject({
        status: 'deleted',
      });
      expect(
        (await store.listJobs(environment.id)).filter(
          j => j.state === 'pending' || j.state === 'running',
        ),
      ).toEqual([]);
    });
  },
);
