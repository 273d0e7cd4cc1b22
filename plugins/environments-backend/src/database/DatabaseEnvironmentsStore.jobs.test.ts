import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { describeNeeding } from '@internal/cluster-tools/testUtils';
import knexFactory, { Knex } from 'knex';
import { DatabaseEnvironmentsStore } from './DatabaseEnvironmentsStore';
import { EnvironmentJob } from '../model';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'SQLITE_3'],
});

function storeOn(knex: Knex, skipMigrations = false) {
  return DatabaseEnvironmentsStore.create({
    database: mockServices.database({ knex }),
    skipMigrations,
  });
}

async function createStore(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  return { knex, store: await storeOn(knex) };
}

function msFrom(base: Date, ms: number): Date {
  return new Date(base.getTime() + ms);
}

let sequence = 0;
function newEnvironment() {
  sequence += 1;
  return {
    name: `preview-${sequence}`,
    namespace: `checkout-preview-${sequence}`,
    componentRef: 'component:default/checkout',
    ownerRef: 'group:default/payments',
    type: 'preview',
    spec: {
      componentRef: 'component:default/checkout',
      type: 'preview',
      name: `preview-${sequence}`,
      resources: [],
    },
    createdBy: 'user:default/alice',
  };
}

/** Claims jobs until none is left, as one worker of a replica would. */
async function drain(store: DatabaseEnvironmentsStore, owner: string) {
  const claimed: EnvironmentJob[] = [];
  for (;;) {
    const job = await store.claimNextJob({ owner, leaseMs: 60_000 });
    if (!job) {
      return claimed;
    }
    claimed.push(job);
  }
}

describe.each(databases.eachSupportedId())(
  'DatabaseEnvironmentsStore job queue (%s)',
  databaseId => {
    let knex: Knex;
    let store: DatabaseEnvironmentsStore;

    beforeAll(async () => {
      ({ knex, store } = await createStore(databaseId));
    });

    afterEach(async () => {
      await knex('environment_audit').del();
      await knex('environment_jobs').del();
      await knex('environments').del();
    });

    /** An environment and its first reconcile job, still pending. */
    async function environmentWithJob() {
      const environment = await store.createEnvironment(newEnvironment());
      const [job] = await store.listJobs(environment.id);
      return { environment, job, now: new Date() };
    }

    it('leases a due job to its claimer', async () => {
      const { environment, job, now } = await environmentWithJob();

      const claimed = await store.claimNextJob({
        owner: 'replica-a',
        leaseMs: 30_000,
        now,
      });

      expect(claimed).toMatchObject({
        id: job.id,
        environmentId: environment.id,
        kind: 'reconcile',
        state: 'running',
        leaseOwner: 'replica-a',
        leaseExpiresAt: msFrom(now, 30_000),
      });
      await expect(
        store.claimNextJob({ owner: 'replica-b', leaseMs: 30_000, now }),
      ).resolves.toBeUndefined();
    });

    it('hands the job of a crashed owner to another once its lease expires', async () => {
      const { job, now } = await environmentWithJob();
      await store.claimNextJob({ owner: 'replica-a', leaseMs: 1_000, now });

      await expect(
        store.claimNextJob({
          owner: 'replica-b',
          leaseMs: 1_000,
          now: msFrom(now, 500),
        }),
      ).resolves.toBeUndefined();
      await expect(
        store.claimNextJob({
          owner: 'replica-b',
          leaseMs: 1_000,
          now: msFrom(now, 1_500),
        }),
      ).resolves.toMatchObject({ id: job.id, leaseOwner: 'replica-b' });

      await expect(
        store.completeJob({ jobId: job.id, owner: 'replica-a' }),
      ).rejects.toThrow(ConflictError);
      await expect(
        store.completeJob({ jobId: job.id, owner: 'replica-b' }),
      ).resolves.toMatchObject({ state: 'succeeded' });
    });

    it('keeps a renewed lease from being taken', async () => {
      const { job, now } = await environmentWithJob();
      await store.claimNextJob({ owner: 'replica-a', leaseMs: 1_000, now });

      await store.renewLease({
        jobId: job.id,
        owner: 'replica-a',
        leaseMs: 1_000,
        now: msFrom(now, 900),
      });

      await expect(
        store.claimNextJob({
          owner: 'replica-b',
          leaseMs: 1_000,
          now: msFrom(now, 1_500),
        }),
      ).resolves.toBeUndefined();
      await expect(
        store.renewLease({ jobId: job.id, owner: 'replica-b', leaseMs: 1_000 }),
      ).rejects.toThrow(ConflictError);
    });

    it('lets only the lease owner settle a job', async () => {
      const { job, now } = await environmentWithJob();
      await store.claimNextJob({ owner: 'replica-a', leaseMs: 30_000, now });

      await expect(
        store.completeJob({ jobId: job.id, owner: 'replica-b' }),
      ).rejects.toThrow(/'replica-b'/);
      await expect(
        store.failJob({
          jobId: job.id,
          owner: 'replica-b',
          error: 'boom',
          retryAt: now,
          maxAttempts: 3,
        }),
      ).rejects.toThrow(ConflictError);
      await expect(
        store.completeJob({ jobId: 'no-such-job', owner: 'replica-a' }),
      ).rejects.toThrow(NotFoundError);

      const completed = await store.completeJob({
        jobId: job.id,
        owner: 'replica-a',
      });
      expect(completed).toMatchObject({ state: 'succeeded' });
      expect(completed.leaseOwner).toBeUndefined();
      await expect(
        store.completeJob({ jobId: job.id, owner: 'replica-a' }),
      ).rejects.toThrow(ConflictError);
    });

    it('retries a failed job after its backoff', async () => {
      const { job, now } = await environmentWithJob();
      await store.claimNextJob({ owner: 'replica-a', leaseMs: 30_000, now });

      const failed = await store.failJob({
        jobId: job.id,
        owner: 'replica-a',
        error: 'quota rejected',
        retryAt: msFrom(now, 10_000),
        maxAttempts: 3,
      });

      expect(failed).toMatchObject({
        state: 'pending',
        attempts: 1,
        lastError: 'quota rejected',
        runAfter: msFrom(now, 10_000),
      });
      expect(failed.leaseOwner).toBeUndefined();
      await expect(
        store.claimNextJob({
          owner: 'replica-b',
          leaseMs: 30_000,
          now: msFrom(now, 5_000),
        }),
      ).resolves.toBeUndefined();
      await expect(
        store.claimNextJob({
          owner: 'replica-b',
          leaseMs: 30_000,
          now: msFrom(now, 10_000),
        }),
      ).resolves.toMatchObject({ id: job.id, attempts: 1 });
    });

    it('gives up after the maximum number of attempts', async () => {
      const { environment, job, now } = await environmentWithJob();

      let settled: EnvironmentJob | undefined;
      for (let attempt = 1; attempt <= 3; attempt++) {
        await store.claimNextJob({ owner: 'replica-a', leaseMs: 30_000, now });
        settled = await store.failJob({
          jobId: job.id,
          owner: 'replica-a',
          error: `attempt ${attempt} failed`,
          retryAt: now,
          maxAttempts: 3,
        });
      }

      expect(settled).toMatchObject({
        state: 'failed',
        attempts: 3,
        lastError: 'attempt 3 failed',
      });
      await expect(
        store.claimNextJob({ owner: 'replica-a', leaseMs: 30_000, now }),
      ).resolves.toBeUndefined();

      const retried = await store.enqueueJob({
        environmentId: environment.id,
        kind: 'reconcile',
      });
      expect(retried).toMatchObject({ state: 'pending', attempts: 0 });
      expect(retried.id).not.toBe(job.id);
    });

    it('ignores a duplicate of a pending job', async () => {
      const { environment, job } = await environmentWithJob();

      const duplicates = await Promise.all(
        [1, 2, 3].map(() =>
          store.enqueueJob({
            environmentId: environment.id,
            kind: 'reconcile',
          }),
        ),
      );

      expect(duplicates.map(d => d.id)).toEqual([job.id, job.id, job.id]);
      expect(await store.listJobs(environment.id)).toEqual([job]);
    });

    it('runs a job once more if work arrives while it runs', async () => {
      const { environment, job, now } = await environmentWithJob();
      await store.claimNextJob({ owner: 'replica-a', leaseMs: 30_000, now });

      const requeued = await store.enqueueJob({
        environmentId: environment.id,
        kind: 'reconcile',
      });
      expect(requeued).toMatchObject({ id: job.id, rerunRequested: true });

      const completed = await store.completeJob({
        jobId: job.id,
        owner: 'replica-a',
        now,
      });
      expect(completed).toMatchObject({
        state: 'pending',
        rerunRequested: false,
      });

      await store.claimNextJob({ owner: 'replica-a', leaseMs: 30_000, now });
      await expect(
        store.completeJob({ jobId: job.id, owner: 'replica-a' }),
      ).resolves.toMatchObject({ state: 'succeeded' });
      expect(await store.listJobs(environment.id)).toHaveLength(1);
    });

    it('queues only jobs that fit the environment lifecycle', async () => {
      const { environment } = await environmentWithJob();

      await expect(
        store.enqueueJob({ environmentId: environment.id, kind: 'teardown' }),
      ).rejects.toThrow(ConflictError);

      await store.markDeleting({
        id: environment.id,
        actor: 'user:default/bob',
      });

      await expect(
        store.enqueueJob({ environmentId: environment.id, kind: 'reconcile' }),
      ).rejects.toThrow(ConflictError);
      await expect(
        store.enqueueJob({ environmentId: 'no-such-id', kind: 'reconcile' }),
      ).rejects.toThrow(NotFoundError);
    });

    it('claims reconciles before teardowns queued earlier, then the oldest first', async () => {
      const going = [];
      for (let i = 0; i < 2; i++) {
        const { environment } = await environmentWithJob();
        await store.markDeleting({
          id: environment.id,
          actor: 'user:default/bob',
        });
        going.push(environment.id);
      }
      const first = await environmentWithJob();
      const second = await environmentWithJob();
      const now = new Date(Date.now() + 1_000);

      const claims = [];
      for (;;) {
        const job = await store.claimNextJob({
          owner: 'a',
          leaseMs: 30_000,
          now,
        });
        if (!job) break;
        claims.push(`${job.kind} ${job.environmentId}`);
      }
      // The deleted environments' pending reconciles were dropped.
      expect(claims).toEqual([
        `reconcile ${first.environment.id}`,
        `reconcile ${second.environment.id}`,
        `teardown ${going[0]}`,
        `teardown ${going[1]}`,
      ]);
    });

    it('gives each of many parallel claims a different job', async () => {
      for (let i = 0; i < 10; i++) {
        await store.createEnvironment(newEnvironment());
      }
      const queued = (await knex('environment_jobs').select('id')).map(
        row => row.id,
      );

      const claims = await Promise.all(
        Array.from({ length: 15 }, (_, i) =>
          store.claimNextJob({ owner: `worker-${i}`, leaseMs: 60_000 }),
        ),
      );

      const claimedIds = claims.flatMap(job => (job ? [job.id] : []));
      expect(claimedIds.sort()).toEqual(queued.sort());
    });
  },
);

// Only PostgreSQL lets two backends share one database; under CI its absence fails.
const describeOnPostgres = (name: string, fn: () => void) =>
  describeNeeding(
    name,
    databases.supports('POSTGRES_15')
      ? undefined
      : 'PostgreSQL is not available: set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING',
    fn,
  );

describeOnPostgres('DatabaseEnvironmentsStore across replicas', () => {
  it('claims every job exactly once when two replicas compete', async () => {
    const replicaA = await databases.init('POSTGRES_15');
    // A second connection pool to the same database, as a second backend
    // replica would have.
    const replicaB = knexFactory(replicaA.client.config);
    try {
      const storeA = await storeOn(replicaA);
      const storeB = await storeOn(replicaB, true);
      for (let i = 0; i < 10; i++) {
        await storeA.createEnvironment(newEnvironment());
      }
      const queued = (await replicaA('environment_jobs').select('id')).map(
        row => row.id,
      );

      const workers = [storeA, storeB].flatMap((store, replica) =>
        [1, 2, 3].map(worker => drain(store, `replica-${replica}-${worker}`)),
      );
      const claimed = (await Promise.all(workers)).flat();

      expect(claimed.map(job => job.id).sort()).toEqual(queued.sort());
      const leases = await replicaA('environment_jobs').select(
        'id',
        'lease_owner',
      );
      expect(leases.map(row => [row.id, row.lease_owner]).sort()).toEqual(
        claimed.map(job => [job.id, job.leaseOwner]).sort(),
      );
    } finally {
      await replicaB.destroy();
    }
  });
});
