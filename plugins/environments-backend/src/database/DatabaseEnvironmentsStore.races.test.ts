import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { Knex } from 'knex';
import { DatabaseEnvironmentsStore } from './DatabaseEnvironmentsStore';
import { NewEnvironment, StaleVersionError } from '../model';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'SQLITE_3'],
});

async function createStore(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  const store = await DatabaseEnvironmentsStore.create({
    database: mockServices.database({ knex }),
  });
  return { knex, store };
}

let sequence = 0;
function newEnvironment(): NewEnvironment {
  sequence += 1;
  const name = `preview-${sequence}`;
  return {
    name,
    namespace: `checkout-preview-${sequence}`,
    componentRef: 'component:default/checkout',
    ownerRef: 'group:default/payments',
    type: 'preview',
    spec: {
      componentRef: 'component:default/checkout',
      type: 'preview',
      name,
      resources: [],
    },
    createdBy: 'user:default/alice',
    expiresAt: new Date(Date.now() + 3_600_000),
  };
}

const withImage = (spec: NewEnvironment['spec'], image: string) => ({
  ...spec,
  image,
});

describe.each(databases.eachSupportedId())(
  'DatabaseEnvironmentsStore races (%s)',
  databaseId => {
    let knex: Knex;
    let store: DatabaseEnvironmentsStore;

    beforeAll(async () => {
      ({ knex, store } = await createStore(databaseId));
    });

    afterEach(async () => {
      await knex('environment_status_transitions').del();
      await knex('environment_audit').del();
      await knex('environment_jobs').del();
      await knex('environments').del();
    });

    describe('versions', () => {
      it('counts the changes users make, not those of the reconciler', async () => {
        const request = newEnvironment();
        const created = await store.createEnvironment(request);
        expect(created.version).toBe(1);

        await store.updateStatus({ id: created.id, status: 'provisioning' });
        expect((await store.getEnvironment(created.id)).version).toBe(1);

        const changed = await store.updateSpec({
          id: created.id,
          spec: withImage(request.spec, 'checkout:2'),
          actor: 'user:default/alice',
        });
        expect(changed.version).toBe(2);

        const extended = await store.extendExpiry({
          id: created.id,
          expiresAt: new Date(Date.now() + 7_200_000),
          actor: 'user:default/alice',
        });
        expect(extended.version).toBe(3);

        const deleting = await store.markDeleting({
          id: created.id,
          actor: 'user:default/alice',
        });
        expect(deleting.version).toBe(4);
      });

      it('refuses a change made from a stale version, writing nothing', async () => {
        const request = newEnvironment();
        const created = await store.createEnvironment(request);
        await store.updateSpec({
          id: created.id,
          spec: withImage(request.spec, 'checkout:2'),
          actor: 'user:default/alice',
        });

        const stale = store.updateSpec({
          id: created.id,
          spec: withImage(request.spec, 'checkout:3'),
          actor: 'user:default/bob',
          expectedVersion: 1,
        });

        await expect(stale).rejects.toThrow(StaleVersionError);
        await expect(stale).rejects.toMatchObject({
          statusCode: 412,
          message: expect.stringMatching(/is at version 2, not 1/),
        });
        const stored = await store.getEnvironment(created.id);
        expect(stored.spec.image).toBe('checkout:2');
        expect(stored.generation).toBe(2);
        expect(
          (await store.listAuditEvents(created.id)).map(e => e.actor),
        ).not.toContain('user:default/bob');
        await expect(
          store.extendExpiry({
            id: created.id,
            expiresAt: new Date(Date.now() + 7_200_000),
            actor: 'user:default/bob',
            expectedVersion: 1,
          }),
        ).rejects.toThrow(StaleVersionError);
      });

      it('lets exactly one of two changes from the same version through', async () => {
        const request = newEnvironment();
        const created = await store.createEnvironment(request);

        const outcomes = await Promise.allSettled(
          ['checkout:a', 'checkout:b'].map(image =>
            store.updateSpec({
              id: created.id,
              spec: withImage(request.spec, image),
              actor: 'user:default/alice',
              expectedVersion: created.version,
            }),
          ),
        );

        const applied = outcomes.filter(o => o.status === 'fulfilled');
        const refused = outcomes.filter(o => o.status === 'rejected');
        expect(applied).toHaveLength(1);
        expect(refused).toEqual([
          { status: 'rejected', reason: expect.any(StaleVersionError) },
        ]);
        const stored = await store.getEnvironment(created.id);
        expect(stored.version).toBe(2);
        expect(stored.generation).toBe(2);
      });
    });

    describe('a deletion is terminal', () => {
      it('takes no spec change, status change or reconcile job once deleting', async () => {
        const request = newEnvironment();
        const created = await store.createEnvironment(request);
        await store.markDeleting({ id: created.id, actor: 'user:default/a' });

        await expect(
          store.updateSpec({
            id: created.id,
            spec: withImage(request.spec, 'checkout:2'),
            actor: 'user:default/alice',
          }),
        ).rejects.toThrow(ConflictError);
        await expect(
          store.updateStatus({ id: created.id, status: 'ready' }),
        ).rejects.toThrow(ConflictError);
        await expect(
          store.enqueueJob({ environmentId: created.id, kind: 'reconcile' }),
        ).rejects.toThrow(ConflictError);
        expect(
          (await store.listJobs(created.id)).map(j => [j.kind, j.state]),
        ).toEqual([['teardown', 'pending']]);
      });

      it('fences a running reconcile job off: it may write while it holds its lease, and not once the environment is deleting', async () => {
        const created = await store.createEnvironment(newEnvironment());
        const now = new Date();
        const job = (await store.claimNextJob({
          owner: 'worker-1',
          leaseMs: 60_000,
          now,
        }))!;
        expect(job.kind).toBe('reconcile');

        await expect(
          store.checkReconcileFence({ jobId: job.id, owner: 'worker-1', now }),
        ).resolves.toEqual({ proceed: true });
        await expect(
          store.checkReconcileFence({ jobId: job.id, owner: 'worker-2', now }),
        ).resolves.toMatchObject({ proceed: false, reason: 'lease-lost' });
        await expect(
          store.checkReconcileFence({
            jobId: job.id,
            owner: 'worker-1',
            now: new Date(now.getTime() + 61_000),
          }),
        ).resolves.toMatchObject({ proceed: false, reason: 'lease-lost' });

        await store.markDeleting({ id: created.id, actor: 'user:default/a' });

        await expect(
          store.checkReconcileFence({ jobId: job.id, owner: 'worker-1', now }),
        ).resolves.toEqual({
          proceed: false,
          reason: 'deleting',
          message: `Environment '${created.id}' is deleting`,
        });
        // The running job is not asked to run again once it completes.
        await store.completeJob({ jobId: job.id, owner: 'worker-1' });
        expect(
          (await store.listJobs(created.id)).map(j => [j.kind, j.state]),
        ).toEqual(
          expect.arrayContaining([
            ['reconcile', 'succeeded'],
            ['teardown', 'pending'],
          ]),
        );
      });
    });
    describe('requests that queue a job', () => {
      it('write their audit event with the job, or neither', async () => {
        const created = await store.createEnvironment(newEnvironment());
        const audit = {
          actor: 'user:default/alice',
          action: 'reconcile',
          outcome: 'initiated' as const,
        };
        await store.enqueueJob({
          environmentId: created.id,
          kind: 'reconcile',
          audit,
        });
        expect(
          (await store.listAuditEvents(created.id)).map(e => e.action),
        ).toEqual(['create', 'reconcile']);

        await store.markDeleting({
          id: created.id,
          actor: 'user:default/alice',
        });
        await expect(
          store.enqueueJob({
            environmentId: created.id,
            kind: 'reconcile',
            audit,
          }),
        ).rejects.toThrow();
        expect(
          (await store.listAuditEvents(created.id)).map(e => e.action),
        ).toEqual(['create', 'reconcile', 'delete']);
      });
    });

    describe('caps', () => {
      it('lets concurrent creates together pass no cap, counting only live environments', async () => {
        const caps = { perComponent: 3, perTeam: 4 };
        const attempts = await Promise.allSettled(
          Array.from({ length: 8 }, () =>
            store.createEnvironment({ ...newEnvironment(), caps }),
          ),
        );
        const created = attempts.filter(a => a.status === 'fulfilled');
        const refused = attempts.flatMap(a =>
          a.status === 'rejected' ? [a.reason] : [],
        );
        expect(created).toHaveLength(3);
        expect(refused).toHaveLength(5);
        for (const error of refused) {
          expect(error).toBeInstanceOf(ConflictError);
          expect(error.message).toBe(
            'Type preview allows at most 3 live environments per component (maxEnvironments.perComponent), and component component:default/checkout has 3: delete one of them first',
          );
        }

        // A delete is final once accepted: the one being deleted frees its place.
        const [first] = await store.listEnvironments();
        await store.markDeleting({ id: first.id, actor: 'user:default/alice' });
        await expect(
          store.createEnvironment({ ...newEnvironment(), caps }),
        ).resolves.toMatchObject({ status: 'requested' });
      });

      it('caps a team across its components', async () => {
        const caps = { perTeam: 2 };
        const forComponent = (name: string) => {
          const request = newEnvironment();
          const componentRef = `component:default/${name}`;
          return {
            ...request,
            componentRef,
            spec: { ...request.spec, componentRef },
            caps,
          };
        };
        await store.createEnvironment(forComponent('checkout'));
        await store.createEnvironment(forComponent('basket'));
        await expect(
          store.createEnvironment(forComponent('orders')),
        ).rejects.toThrow(
          'Type preview allows at most 2 live environments per team (maxEnvironments.perTeam), and team group:default/payments has 2: delete one of them first',
        );
      });
    });
  },
);
