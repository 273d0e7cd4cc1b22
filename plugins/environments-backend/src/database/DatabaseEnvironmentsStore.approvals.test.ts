import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { Knex } from 'knex';
import {
  APPROVAL_EXPIRED,
  APPROVAL_EXPIRY_ACTOR,
  DatabaseEnvironmentsStore,
} from './DatabaseEnvironmentsStore';
import { NewEnvironment } from '../model';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'SQLITE_3'],
});

const REQUESTER = 'user:default/alice';
const APPROVER = 'user:default/bob';
const GROUPS = ['group:default/platform-team'];

let sequence = 0;
function gatedEnvironment(
  overrides: Partial<NewEnvironment> = {},
): NewEnvironment {
  sequence += 1;
  const name = overrides.name ?? `production-${sequence}`;
  return {
    name,
    namespace: `checkout-${name}`,
    componentRef: 'component:default/checkout',
    ownerRef: 'group:default/payments',
    type: 'production',
    spec: {
      componentRef: 'component:default/checkout',
      type: 'production',
      name,
      overrides: {},
      resources: [],
    },
    createdBy: REQUESTER,
    approval: {
      groups: GROUPS,
      expiresAt: new Date(Date.now() + 60 * 60_000),
      reason: `Waiting for approval by ${GROUPS[0]}`,
    },
    ...overrides,
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseEnvironmentsStore approvals (%s)',
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

    it('stores a gated environment requested, with its approval and no job', async () => {
      const request = gatedEnvironment();

      const created = await store.createEnvironment(request);

      expect(created).toMatchObject({
        status: 'requested',
        reason: 'Waiting for approval by group:default/platform-team',
        approval: { groups: GROUPS, expiresAt: request.approval!.expiresAt },
      });
      expect(created.approval?.decision).toBeUndefined();
      expect(await store.listJobs(created.id)).toEqual([]);
      expect(await store.listPendingApprovals()).toEqual([created]);
      expect(await store.listStatusTransitions(created.id)).toEqual([
        expect.objectContaining({
          status: 'requested',
          reason: 'Waiting for approval by group:default/platform-team',
        }),
      ]);
    });

    it('takes no reconcile job and no spec change while the approval is pending', async () => {
      const created = await store.createEnvironment(gatedEnvironment());

      await expect(
        store.enqueueJob({ environmentId: created.id, kind: 'reconcile' }),
      ).rejects.toThrow(/waiting for approval; it is provisioned once/);
      await expect(
        store.updateSpec({
          id: created.id,
          spec: { ...created.spec, overrides: { cpu: '1' } },
          actor: REQUESTER,
        }),
      ).rejects.toThrow(ConflictError);
      expect(await store.listJobs(created.id)).toEqual([]);
    });

    it('queues the first reconcile job once approved, with the decision and an audit event', async () => {
      const created = await store.createEnvironment(gatedEnvironment());
      const at = new Date();

      const approved = await store.decideApproval({
        id: created.id,
        outcome: 'approved',
        by: APPROVER,
        comment: 'Change ticket CHG-42',
        now: at,
      });

      expect(approved).toMatchObject({
        status: 'requested',
        version: created.version + 1,
        approval: {
          decision: {
            outcome: 'approved',
            by: APPROVER,
            at,
            comment: 'Change ticket CHG-42',
          },
        },
      });
      expect(approved.reason).toBeUndefined();
      expect(await store.listJobs(created.id)).toEqual([
        expect.objectContaining({ kind: 'reconcile', state: 'pending' }),
      ]);
      expect(await store.listPendingApprovals()).toEqual([]);
      expect(await store.listAuditEvents(created.id)).toEqual([
        expect.objectContaining({ action: 'create', actor: REQUESTER }),
        expect.objectContaining({
          action: 'approve',
          actor: APPROVER,
          outcome: 'succeeded',
          message: 'Change ticket CHG-42',
        }),
      ]);
      // Approved, it is an environment like any other.
      await expect(
        store.enqueueJob({ environmentId: created.id, kind: 'reconcile' }),
      ).resolves.toMatchObject({ kind: 'reconcile' });
    });

    it('lets exactly one of two concurrent decisions land, and queues one job', async () => {
      const created = await store.createEnvironment(gatedEnvironment());

      const results = await Promise.allSettled([
        store.decideApproval({
          id: created.id,
          outcome: 'approved',
          by: APPROVER,
          comment: 'Go',
        }),
        store.decideApproval({
          id: created.id,
          outcome: 'approved',
          by: 'user:default/carol',
          comment: 'Go too',
        }),
      ]);

      const fulfilled = results.filter(r => r.status === 'fulfilled');
      const rejected = results.filter(
        (r): r is PromiseRejectedResult => r.status === 'rejected',
      );
      expect(fulfilled).toHaveLength(1);
      expect(rejected).toHaveLength(1);
      expect(rejected[0].reason).toBeInstanceOf(ConflictError);
      expect(rejected[0].reason.message).toMatch(
        /no longer waiting for approval: approved by user:default\/(bob|carol)/,
      );
      expect(await store.listJobs(created.id)).toHaveLength(1);
      const audit = await store.listAuditEvents(created.id);
      expect(audit.filter(event => event.action === 'approve')).toHaveLength(1);
    });

    it('ends a rejected environment deleted, with the reason, and frees its name', async () => {
      const request = gatedEnvironment();
      const created = await store.createEnvironment(request);

      const rejected = await store.decideApproval({
        id: created.id,
        outcome: 'rejected',
        by: APPROVER,
        comment: 'Not during the freeze',
      });

      expect(rejected).toMatchObject({
        status: 'deleted',
        reason: `Rejected by ${APPROVER}: Not during the freeze`,
        approval: { decision: { outcome: 'rejected', by: APPROVER } },
      });
      expect(rejected.deletedAt).toBeInstanceOf(Date);
      expect(await store.listJobs(created.id)).toEqual([]);
      expect(
        (await store.listStatusTransitions(created.id)).map(t => t.status),
      ).toEqual(['requested', 'deleted']);
      await expect(
        store.decideApproval({
          id: created.id,
          outcome: 'approved',
          by: APPROVER,
          comment: 'Changed my mind',
        }),
      ).rejects.toThrow(ConflictError);

      const again = await store.createEnvironment({
        ...request,
        approval: { ...request.approval!, expiresAt: new Date(Date.now() + 1) },
      });
      expect(again.id).not.toBe(created.id);
    });

    it('expires pending approvals past their time, and only those', async () => {
      const now = new Date();
      const past = await store.createEnvironment(
        gatedEnvironment({
          approval: {
            groups: GROUPS,
            expiresAt: new Date(now.getTime() - 1000),
            reason: 'Waiting',
          },
        }),
      );
      const future = await store.createEnvironment(gatedEnvironment());

      await expect(
        store.decideApproval({
          id: past.id,
          outcome: 'approved',
          by: APPROVER,
          comment: 'Late',
          now,
        }),
      ).rejects.toThrow(/it expired at/);

      const expired = await store.expireApprovals({ now });

      expect(expired.map(e => e.id)).toEqual([past.id]);
      expect(expired[0]).toMatchObject({
        status: 'deleted',
        reason: APPROVAL_EXPIRED,
      });
      expect(await store.listAuditEvents(past.id)).toContainEqual(
        expect.objectContaining({
          action: 'expire-approval',
          actor: APPROVAL_EXPIRY_ACTOR,
        }),
      );
      expect(await store.getEnvironment(future.id)).toMatchObject({
        status: 'requested',
      });
      expect(await store.expireApprovals({ now })).toEqual([]);
      expect((await store.listPendingApprovals()).map(e => e.id)).toEqual([
        future.id,
      ]);

      // Its name is free again.
      await expect(
        store.createEnvironment(gatedEnvironment({ name: past.name })),
      ).resolves.toMatchObject({ name: past.name, status: 'requested' });
    });

    it('counts a pending environment against the caps: it holds the name', async () => {
      const caps = { perComponent: 1 };
      await store.createEnvironment(gatedEnvironment({ caps }));

      await expect(
        store.createEnvironment(gatedEnvironment({ caps })),
      ).rejects.toThrow(/production/);
    });

    it('withdraws the request when a pending environment is deleted', async () => {
      const created = await store.createEnvironment(gatedEnvironment());

      await store.markDeleting({ id: created.id, actor: REQUESTER });

      expect(await store.listPendingApprovals()).toEqual([]);
      await expect(
        store.decideApproval({
          id: created.id,
          outcome: 'approved',
          by: APPROVER,
          comment: 'Go',
        }),
      ).rejects.toThrow(/it is deleting/);
    });

    it('says a decision is not needed for an environment of an ungated type', async () => {
      const created = await store.createEnvironment(
        gatedEnvironment({ approval: undefined, type: 'development' }),
      );

      await expect(
        store.decideApproval({
          id: created.id,
          outcome: 'approved',
          by: APPROVER,
          comment: 'Go',
        }),
      ).rejects.toThrow(/did not need approval/);
      expect(await store.listJobs(created.id)).toHaveLength(1);
    });
  },
);
