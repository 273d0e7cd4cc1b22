import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import { DatabaseEnvironmentsStore } from './DatabaseEnvironmentsStore';
import { EnvironmentFilter, EnvironmentSpec, NewEnvironment } from '../model';

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

function specOf(name: string, overrides: Partial<EnvironmentSpec> = {}) {
  return {
    componentRef: 'component:default/checkout',
    type: 'preview',
    name,
    overrides: { cpu: '2', memory: '4Gi' },
    resources: [],
    ...overrides,
  };
}

let sequence = 0;
function newEnvironment(
  overrides: Partial<NewEnvironment> = {},
): NewEnvironment {
  sequence += 1;
  const name = overrides.name ?? `preview-${sequence}`;
  return {
    name,
    namespace: `checkout-preview-${sequence}`,
    componentRef: 'component:default/checkout',
    ownerRef: 'group:default/payments',
    type: 'preview',
    spec: specOf(name),
    createdBy: 'user:default/alice',
    ...overrides,
  };
}

function minutesFrom(base: Date, minutes: number): Date {
  return new Date(base.getTime() + minutes * 60_000);
}

describe.each(databases.eachSupportedId())(
  'DatabaseEnvironmentsStore (%s)',
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

    describe('createEnvironment', () => {
      it('stores the request with its first reconcile job and audit event', async () => {
        const request = newEnvironment({ systemRef: 'system:default/shop' });

        const created = await store.createEnvironment(request);

        expect(created).toEqual({
          id: expect.any(String),
          name: request.name,
          namespace: request.namespace,
          componentRef: request.componentRef,
          ownerRef: request.ownerRef,
          systemRef: 'system:default/shop',
          type: 'preview',
          status: 'requested',
          spec: request.spec,
          conditions: [],
          generation: 1,
          observedGeneration: 0,
          version: 1,
          createdBy: 'user:default/alice',
          createdAt: expect.any(Date),
          updatedAt: expect.any(Date),
        });
        await expect(store.getEnvironment(created.id)).resolves.toEqual(
          created,
        );
        expect(await store.listJobs(created.id)).toEqual([
          expect.objectContaining({ kind: 'reconcile', state: 'pending' }),
        ]);
        expect(await store.listAuditEvents(created.id)).toEqual([
          expect.objectContaining({
            actor: 'user:default/alice',
            action: 'create',
            outcome: 'succeeded',
          }),
        ]);
      });

      it('rejects a name the component already uses, quoting it', async () => {
        await store.createEnvironment(newEnvironment({ name: 'staging' }));

        const duplicate = store.createEnvironment(
          newEnvironment({ name: 'staging' }),
        );

        await expect(duplicate).rejects.toThrow(ConflictError);
        await expect(duplicate).rejects.toThrow(/'staging'/);
        expect(await store.listEnvironments()).toHaveLength(1);
        expect(await knex('environment_jobs')).toHaveLength(1);
      });

      it('allows the same name for another component', async () => {
        await store.createEnvironment(newEnvironment({ name: 'staging' }));

        await expect(
          store.createEnvironment(
            newEnvironment({
              name: 'staging',
              componentRef: 'component:default/cart',
            }),
          ),
        ).resolves.toMatchObject({ name: 'staging' });
      });

      it('rejects a namespace that is in use, quoting it', async () => {
        await store.createEnvironment(newEnvironment({ namespace: 'shared' }));

        await expect(
          store.createEnvironment(newEnvironment({ namespace: 'shared' })),
        ).rejects.toThrow(
          expect.objectContaining({
            name: 'ConflictError',
            message: expect.stringContaining("'shared'"),
          }),
        );
      });
    });

    describe('getEnvironment', () => {
      it('throws NotFoundError quoting an unknown id', async () => {
        const lookup = store.getEnvironment('no-such-id');

        await expect(lookup).rejects.toThrow(NotFoundError);
        await expect(lookup).rejects.toThrow(/'no-such-id'/);
      });

      it('names the environment and the field when a stored spec is not a spec', async () => {
        const { id } = await store.createEnvironment(newEnvironment());
        await knex('environments')
          .where('id', id)
          .update({ spec: JSON.stringify({ replicas: 1 }) });

        await expect(store.getEnvironment(id)).rejects.toThrow(
          new RegExp(`Environment '${id}' has an invalid spec\\.componentRef`),
        );
      });

      it('names the field when stored conditions are not conditions', async () => {
        const { id } = await store.createEnvironment(newEnvironment());
        await knex('environments')
          .where('id', id)
          .update({
            conditions: JSON.stringify([{ kind: 'Namespace', name: 'x' }]),
          });

        await expect(store.getEnvironment(id)).rejects.toThrow(
          /has an invalid conditions\.0\.status/,
        );
      });
    });

    describe('listEnvironments', () => {
      it('filters by component, owner, type and status', async () => {
        const checkout = await store.createEnvironment(newEnvironment());
        const cart = await store.createEnvironment(
          newEnvironment({
            componentRef: 'component:default/cart',
            ownerRef: 'group:default/shop',
            type: 'development',
          }),
        );
        await store.updateStatus({ id: cart.id, status: 'ready' });

        // Environments created in the same millisecond have no defined order.
        const names = async (filter: EnvironmentFilter) =>
          (await store.listEnvironments(filter)).map(e => e.name).sort();

        expect(await names({})).toEqual([checkout.name, cart.name].sort());
        expect(await names({ componentRef: 'component:default/cart' })).toEqual(
          [cart.name],
        );
        expect(await names({ ownerRef: 'group:default/payments' })).toEqual([
          checkout.name,
        ]);
        expect(await names({ type: 'development' })).toEqual([cart.name]);
        expect(await names({ status: 'ready' })).toEqual([cart.name]);
        expect(await names({ status: 'failed' })).toEqual([]);
      });

      it('leaves deleted environments out unless asked for them', async () => {
        const kept = await store.createEnvironment(newEnvironment());
        const gone = await store.createEnvironment(newEnvironment());
        await store.markDeleting({ id: gone.id, actor: 'user:default/bob' });
        await store.markDeleted({ id: gone.id, actor: 'plugin:environments' });

        expect((await store.listEnvironments()).map(e => e.id)).toEqual([
          kept.id,
        ]);
        expect(
          (await store.listEnvironments({ includeDeleted: true }))
            .map(e => e.id)
            .sort(),
        ).toEqual([kept.id, gone.id].sort());
      });
    });

    describe('updateStatus', () => {
      const conditions = [
        {
          kind: 'Namespace',
          name: 'orders-service-development',
          status: 'ready' as const,
          reason: 'Applied',
          lastTransitionTime: '2026-01-01T00:00:00.000Z',
        },
      ];

      it('writes what changed and reports that it wrote', async () => {
        const { id } = await store.createEnvironment(newEnvironment());

        await expect(
          store.updateStatus({
            id,
            status: 'ready',
            reason: 'All resources applied',
            conditions,
            observedGeneration: 1,
          }),
        ).resolves.toBe(true);

        expect(await store.getEnvironment(id)).toMatchObject({
          status: 'ready',
          reason: 'All resources applied',
          conditions,
          observedGeneration: 1,
        });
      });

      it('writes nothing when nothing changed', async () => {
        const { id } = await store.createEnvironment(newEnvironment());
        await store.updateStatus({ id, status: 'ready', conditions });
        const before = await store.getEnvironment(id);
        const sameConditionsOtherKeyOrder = conditions.map(
          ({ lastTransitionTime, reason, status, name, kind }) => ({
            lastTransitionTime,
            reason,
            status,
            name,
            kind,
          }),
        );

        await expect(
          store.updateStatus({
            id,
            status: 'ready',
            conditions: sameConditionsOtherKeyOrder,
            observedGeneration: 0,
          }),
        ).resolves.toBe(false);
        expect(await store.getEnvironment(id)).toEqual(before);
      });

      it('records its audit event with the change, and only when it changed something', async () => {
        const { id } = await store.createEnvironment(newEnvironment());
        const becameReady = {
          id,
          status: 'ready' as const,
          observedGeneration: 1,
          audit: {
            actor: 'system:environments-reconciler',
            action: 'provision',
            outcome: 'succeeded' as const,
            message: 'Namespace is ready',
          },
        };

        await expect(store.updateStatus(becameReady)).resolves.toBe(true);
        // A second replica seeing the same thing records nothing more.
        await expect(store.updateStatus(becameReady)).resolves.toBe(false);

        const provisions = (await store.listAuditEvents(id)).filter(
          event => event.action === 'provision',
        );
        expect(provisions).toEqual([
          expect.objectContaining({
            actor: 'system:environments-reconciler',
            outcome: 'succeeded',
            message: 'Namespace is ready',
            at: (await store.getEnvironment(id)).updatedAt,
          }),
        ]);
      });

      it('clears the reason with null', async () => {
        const { id } = await store.createEnvironment(newEnvironment());
        await store.updateStatus({ id, status: 'failed', reason: 'Quota' });

        await store.updateStatus({ id, status: 'ready', reason: null });

        expect((await store.getEnvironment(id)).reason).toBeUndefined();
      });

      it('keeps the status of an environment that is being deleted', async () => {
        const { id } = await store.createEnvironment(newEnvironment());
        await store.markDeleting({ id, actor: 'user:default/bob' });

        await expect(
          store.updateStatus({ id, status: 'ready' }),
        ).rejects.toThrow(ConflictError);
        await expect(
          store.updateStatus({ id, reason: 'Removing workload' }),
        ).resolves.toBe(true);
        expect((await store.getEnvironment(id)).status).toBe('deleting');
      });

      it('leaves the deletion statuses to the deletion methods', async () => {
        const { id } = await store.createEnvironment(newEnvironment());

        await expect(
          store.updateStatus({ id, status: 'deleted' }),
        ).rejects.toThrow(InputError);
      });

      it('throws NotFoundError for an unknown id', async () => {
        await expect(
          store.updateStatus({ id: 'no-such-id', status: 'ready' }),
        ).rejects.toThrow(NotFoundError);
      });
    });

    describe('updateSpec', () => {
      it('bumps the generation and queues a reconcile job', async () => {
        const { id, name } = await store.createEnvironment(newEnvironment());
        const first = await store.claimNextJob({ owner: 'a', leaseMs: 60_000 });
        await store.completeJob({ jobId: first!.id, owner: 'a' });

        const updated = await store.updateSpec({
          id,
          spec: specOf(name, {
            overrides: { cpu: '4', memory: '8Gi' },
            image: 'ghcr.io/acme/checkout:2',
          }),
          actor: 'user:default/alice',
        });

        expect(updated).toMatchObject({
          generation: 2,
          observedGeneration: 0,
          spec: {
            overrides: { cpu: '4', memory: '8Gi' },
            image: 'ghcr.io/acme/checkout:2',
          },
        });
        expect(
          (await store.listJobs(id)).map(job => [job.kind, job.state]),
        ).toEqual([
          ['reconcile', 'succeeded'],
          ['reconcile', 'pending'],
        ]);
        expect((await store.listAuditEvents(id)).map(e => e.action)).toEqual([
          'create',
          'update-spec',
        ]);
      });

      it('changes nothing when the spec is the same', async () => {
        const request = newEnvironment();
        const { id } = await store.createEnvironment(request);

        const sameSpecOtherKeyOrder = {
          resources: [],
          overrides: { memory: '4Gi', cpu: '2' },
          name: request.name,
          type: 'preview',
          componentRef: 'component:default/checkout',
        };

        const updated = await store.updateSpec({
          id,
          spec: sameSpecOtherKeyOrder,
          actor: 'user:default/alice',
        });

        expect(updated.generation).toBe(1);
        expect(await store.listAuditEvents(id)).toHaveLength(1);
      });

      it('rejects a change to an environment that is being deleted', async () => {
        const { id, spec } = await store.createEnvironment(newEnvironment());
        await store.markDeleting({ id, actor: 'user:default/bob' });

        await expect(
          store.updateSpec({
            id,
            spec: { ...spec, image: 'ghcr.io/acme/checkout:2' },
            actor: 'user:default/alice',
          }),
        ).rejects.toThrow(ConflictError);
      });
    });

    describe('deletion', () => {
      it('tears down and then releases the name and namespace', async () => {
        const request = newEnvironment({
          name: 'qa',
          namespace: 'checkout-qa',
        });
        const { id } = await store.createEnvironment(request);

        const deleting = await store.markDeleting({
          id,
          actor: 'user:default/bob',
        });
        expect(deleting.status).toBe('deleting');
        expect(
          (await store.listJobs(id)).map(job => [job.kind, job.state]),
        ).toEqual([['teardown', 'pending']]);
        await expect(store.createEnvironment(request)).rejects.toThrow(
          ConflictError,
        );

        const deleted = await store.markDeleted({
          id,
          actor: 'plugin:environments',
        });
        expect(deleted).toMatchObject({
          status: 'deleted',
          deletedAt: expect.any(Date),
        });

        const again = await store.createEnvironment(request);
        expect(again).toMatchObject({ name: 'qa', namespace: 'checkout-qa' });
        expect(again.id).not.toBe(id);
        expect((await store.getEnvironment(id)).status).toBe('deleted');
        expect(
          (await store.listAuditEvents(id)).map(e => [e.action, e.outcome]),
        ).toEqual([
          ['create', 'succeeded'],
          ['delete', 'initiated'],
          ['delete', 'succeeded'],
        ]);
      });

      it('only marks a deleting environment deleted', async () => {
        const { id } = await store.createEnvironment(newEnvironment());

        await expect(
          store.markDeleted({ id, actor: 'plugin:environments' }),
        ).rejects.toThrow(ConflictError);
      });

      it('is idempotent', async () => {
        const { id } = await store.createEnvironment(newEnvironment());

        await store.markDeleting({ id, actor: 'user:default/bob' });
        await store.markDeleting({ id, actor: 'user:default/bob' });

        expect(await store.listJobs(id)).toHaveLength(1);
        expect(await store.listAuditEvents(id)).toHaveLength(2);
      });
    });

    describe('expiry', () => {
      it('lists environments whose expiry has passed, soonest first', async () => {
        const now = new Date();
        const later = await store.createEnvironment(
          newEnvironment({ expiresAt: minutesFrom(now, -5) }),
        );
        const sooner = await store.createEnvironment(
          newEnvironment({ expiresAt: minutesFrom(now, -10) }),
        );
        await store.createEnvironment(
          newEnvironment({ expiresAt: minutesFrom(now, 10) }),
        );
        await store.createEnvironment(newEnvironment());
        const alreadyDeleting = await store.createEnvironment(
          newEnvironment({ expiresAt: minutesFrom(now, -20) }),
        );
        await store.markDeleting({
          id: alreadyDeleting.id,
          actor: 'plugin:environments',
        });

        const expired = await store.listExpiredEnvironments({ now });

        expect(expired.map(e => e.id)).toEqual([sooner.id, later.id]);
        expect(
          await store.listExpiredEnvironments({ now: minutesFrom(now, -7) }),
        ).toEqual([expect.objectContaining({ id: sooner.id })]);
      });

      it('extends the expiry of an ephemeral environment', async () => {
        const now = new Date();
        const { id } = await store.createEnvironment(
          newEnvironment({ expiresAt: minutesFrom(now, -1) }),
        );

        const extended = await store.extendExpiry({
          id,
          expiresAt: minutesFrom(now, 60),
          actor: 'user:default/alice',
        });

        expect(extended.expiresAt).toEqual(minutesFrom(now, 60));
        expect(await store.listExpiredEnvironments({ now })).toEqual([]);
        expect((await store.listAuditEvents(id)).map(e => e.action)).toEqual([
          'create',
          'extend-expiry',
        ]);
      });

      it('only moves an expiry later', async () => {
        const now = new Date();
        const ephemeral = await store.createEnvironment(
          newEnvironment({ expiresAt: minutesFrom(now, 30) }),
        );
        const persistent = await store.createEnvironment(newEnvironment());

        await expect(
          store.extendExpiry({
            id: ephemeral.id,
            expiresAt: minutesFrom(now, 10),
            actor: 'user:default/alice',
          }),
        ).rejects.toThrow(InputError);
        await expect(
          store.extendExpiry({
            id: persistent.id,
            expiresAt: minutesFrom(now, 10),
            actor: 'user:default/alice',
          }),
        ).rejects.toThrow(/does not expire/);
      });
    });

    describe('audit trail', () => {
      it('lists events in the order they happened', async () => {
        const { id } = await store.createEnvironment(newEnvironment());
        const created = (await store.listAuditEvents(id))[0].at;

        await store.appendAuditEvent({
          environmentId: id,
          actor: 'plugin:environments',
          action: 'apply',
          outcome: 'failed',
          message: 'Quota exceeded',
          at: minutesFrom(created, 2),
        });
        await store.appendAuditEvent({
          environmentId: id,
          actor: 'plugin:environments',
          action: 'apply',
          outcome: 'initiated',
          at: minutesFrom(created, 1),
        });

        expect(
          (await store.listAuditEvents(id)).map(e => [e.action, e.outcome]),
        ).toEqual([
          ['create', 'succeeded'],
          ['apply', 'initiated'],
          ['apply', 'failed'],
        ]);
      });

      it('keeps events of the same instant in the order they were added', async () => {
        const { id } = await store.createEnvironment(newEnvironment());
        const at = minutesFrom(new Date(), 1);

        for (const action of ['first', 'second', 'third']) {
          await store.appendAuditEvent({
            environmentId: id,
            actor: 'plugin:environments',
            action,
            outcome: 'succeeded',
            at,
          });
        }

        expect(
          (await store.listAuditEvents(id)).slice(1).map(e => e.action),
        ).toEqual(['first', 'second', 'third']);
      });

      it('throws NotFoundError for an unknown environment', async () => {
        await expect(
          store.appendAuditEvent({
            environmentId: 'no-such-id',
            actor: 'plugin:environments',
            action: 'apply',
            outcome: 'succeeded',
          }),
        ).rejects.toThrow(/'no-such-id'/);
      });
    });

    describe('status history', () => {
      const history = async (id: string) =>
        (await store.listStatusTransitions(id)).map(t => [t.status, t.reason]);

      it('records requested at creation, at the time the environment was created', async () => {
        const created = await store.createEnvironment(newEnvironment());

        expect(await store.listStatusTransitions(created.id)).toEqual([
          {
            id: expect.any(Number),
            environmentId: created.id,
            status: 'requested',
            at: created.createdAt,
          },
        ]);
      });

      it('records each change of status with its reason, oldest first', async () => {
        const { id } = await store.createEnvironment(newEnvironment());

        await store.updateStatus({ id, status: 'provisioning' });
        await store.updateStatus({ id, status: 'failed', reason: 'Quota' });
        await store.updateStatus({ id, status: 'ready', reason: null });

        expect(await history(id)).toEqual([
          ['requested', undefined],
          ['provisioning', undefined],
          ['failed', 'Quota'],
          ['ready', undefined],
        ]);
        const [, , , ready] = await store.listStatusTransitions(id);
        expect(ready.at).toEqual((await store.getEnvironment(id)).updatedAt);
      });

      it('records nothing when the status stays the same', async () => {
        const { id } = await store.createEnvironment(newEnvironment());
        await store.updateStatus({ id, status: 'provisioning' });

        await store.updateStatus({ id, status: 'provisioning' });
        await store.updateStatus({ id, reason: 'Waiting for the database' });
        await store.updateStatus({ id, observedGeneration: 1 });

        expect(await history(id)).toEqual([
          ['requested', undefined],
          ['provisioning', undefined],
        ]);
      });

      it('records the deletion once, however often it is asked for', async () => {
        const { id } = await store.createEnvironment(newEnvironment());

        await store.markDeleting({ id, actor: 'user:default/bob' });
        await store.markDeleting({ id, actor: 'user:default/bob' });
        await store.markDeleted({ id, actor: 'plugin:environments' });
        await store.markDeleted({ id, actor: 'plugin:environments' });

        expect((await history(id)).map(([status]) => status)).toEqual([
          'requested',
          'deleting',
          'deleted',
        ]);
      });

      it('records nothing when the change of status is refused', async () => {
        const { id } = await store.createEnvironment(newEnvironment());
        await store.markDeleting({ id, actor: 'user:default/bob' });

        await expect(
          store.updateStatus({ id, status: 'ready' }),
        ).rejects.toThrow(ConflictError);

        expect((await history(id)).map(([status]) => status)).toEqual([
          'requested',
          'deleting',
        ]);
      });

      it('keeps the histories of environments apart', async () => {
        const first = await store.createEnvironment(newEnvironment());
        const second = await store.createEnvironment(newEnvironment());
        await store.updateStatus({ id: second.id, status: 'ready' });

        expect(await history(first.id)).toEqual([['requested', undefined]]);
        expect(await history(second.id)).toEqual([
          ['requested', undefined],
          ['ready', undefined],
        ]);
        expect(await store.listStatusTransitions('no-such-id')).toEqual([]);
      });
    });
  },
);
