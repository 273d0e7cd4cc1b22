import { createHash } from 'node:crypto';
import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { resolveDeploymentConfig } from '@internal/backstage-plugin-environments-common';
import knexFactory, { Knex } from 'knex';
import {
  DatabaseDeploymentsStore,
  DEPLOYMENTS_SYSTEM_ACTOR,
} from './DatabaseDeploymentsStore';
import { DatabaseEnvironmentsStore } from './DatabaseEnvironmentsStore';
import {
  canonicalJson,
  Deployment,
  NewDeployment,
  NewEnvironment,
  PinnedEnvironmentError,
  StaleDeploymentError,
} from '../model';
import { RECONCILER_ACTOR } from '../reconciler/EnvironmentConvergence';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'SQLITE_3'],
});

async function createStores(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  const database = mockServices.database({ knex });
  // The environments store applies the migrations, the deployments' too.
  const environments = await DatabaseEnvironmentsStore.create({ database });
  const deployments = await DatabaseDeploymentsStore.create({ database });
  return { knex, database, environments, deployments };
}

let environmentCount = 0;
function newEnvironment(): NewEnvironment {
  environmentCount += 1;
  const name = `preview-${environmentCount}`;
  return {
    name,
    namespace: `checkout-preview-${environmentCount}`,
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
  };
}

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';

function newDeployment(
  environmentId: string,
  overrides: Partial<NewDeployment> & { tag?: string } = {},
): NewDeployment {
  const { tag = '1.0.0', ...rest } = overrides;
  const result = resolveDeploymentConfig({
    baseline: { replicas: 1 },
    component: { image: `ghcr.io/acme/checkout:${tag}`, port: 8080 },
    override: { env: { LOG_LEVEL: 'debug' }, secretRefs: { DB: 'db-pass' } },
  });
  if (!result.ok) throw new Error('bad fixture');
  return {
    environmentId,
    environmentName: 'preview',
    type: 'preview',
    componentRef: 'component:default/checkout',
    kind: 'deploy',
    version: tag,
    resolved: result.resolved,
    contentHash: createHash('sha256')
      .update(canonicalJson(result.resolved.config))
      .digest('hex'),
    message: `Deployed ${tag}`,
    source: 'ui',
    createdBy: ALICE,
    pin: 'clear',
    audit: { actor: ALICE, action: 'deploy', outcome: 'succeeded' },
    ...rest,
  };
}

const inAnHour = () => new Date(Date.now() + 3_600_000);

describe.each(databases.eachSupportedId())(
  'DatabaseDeploymentsStore (%s)',
  databaseId => {
    let knex: Knex;
    let environments: DatabaseEnvironmentsStore;
    let store: DatabaseDeploymentsStore;
    let heard: Deployment[];

    beforeAll(async () => {
      ({
        knex,
        environments,
        deployments: store,
      } = await createStores(databaseId));
      store.onChange(deployment => heard.push(deployment));
    });

    const cleanups: Array<() => unknown> = [];
    const afterTest = (cleanup: () => unknown) => cleanups.push(cleanup);

    beforeEach(() => {
      heard = [];
    });

    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) {
        await cleanup();
      }
      // Deleting the environments takes their deployments and targets along.
      await knex('environment_status_transitions').del();
      await knex('environment_audit').del();
      await knex('environment_jobs').del();
      await knex('environments').del();
    });

    /** Makes the database refuse audit rows of `action`, until the test ends. */
    async function refuseAuditAction(action: string) {
      if (databaseId === 'SQLITE_3') {
        await knex.raw(
          `CREATE TRIGGER refuse_audit BEFORE INSERT ON environment_audit
           WHEN NEW.action = '${action}'
           BEGIN SELECT RAISE(ABORT, 'audit refused'); END`,
        );
      } else {
        await knex.raw(
          `CREATE FUNCTION refuse_audit() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION 'audit refused'; END $$ LANGUAGE plpgsql`,
        );
        await knex.raw(
          `CREATE TRIGGER refuse_audit BEFORE INSERT ON environment_audit
           FOR EACH ROW WHEN (NEW.action = '${action}')
           EXECUTE FUNCTION refuse_audit()`,
        );
      }
      afterTest(async () => {
        if (databaseId === 'SQLITE_3') {
          await knex.raw('DROP TRIGGER refuse_audit');
        } else {
          await knex.raw('DROP TRIGGER refuse_audit ON environment_audit');
          await knex.raw('DROP FUNCTION refuse_audit');
        }
      });
    }

    /** A new environment, with the job its creation queued already done. */
    async function environment(): Promise<string> {
      const { id } = await environments.createEnvironment(newEnvironment());
      await knex('environment_jobs').where('environment_id', id).del();
      return id;
    }

    const jobsOf = (environmentId: string) =>
      knex('environment_jobs')
        .where('environment_id', environmentId)
        .select('kind', 'state');
    const auditOf = async (environmentId: string) =>
      (await environments.listAuditEvents(environmentId)).map(event => ({
        actor: event.actor,
        action: event.action,
        outcome: event.outcome,
        message: event.message,
      }));
    const countOf = async (table: string, environmentId: string) =>
      Number(
        (
          await knex(table)
            .where('environment_id', environmentId)
            .count({ n: '*' })
        )[0].n,
      );

    describe('createDeployment', () => {
      it('stores a rolling-out deployment as the current one, with its reconcile job and audit event', async () => {
        const environmentId = await environment();
        const request = newDeployment(environmentId, {
          commit: {
            sha: 'abc1234',
            time: '2026-12-01T09:00:00.000Z',
            url: 'https://gitea.example/acme/checkout/commit/abc1234',
          },
          promotedFrom: {
            deploymentId: 'source-deployment',
            environmentId: 'source-environment',
            environmentName: 'development',
          },
        });

        const created = await store.createDeployment(request);

        expect(created).toEqual({
          id: expect.any(String),
          environmentId,
          environmentName: 'preview',
          type: 'preview',
          componentRef: 'component:default/checkout',
          sequence: 1,
          kind: 'deploy',
          state: 'rolling-out',
          version: '1.0.0',
          resolved: request.resolved,
          contentHash: request.contentHash,
          message: 'Deployed 1.0.0',
          source: 'ui',
          commit: request.commit,
          promotedFrom: request.promotedFrom,
          createdBy: ALICE,
          createdAt: expect.any(Date),
          startedAt: created.createdAt,
          updatedAt: created.createdAt,
        });
        expect(created.replaces).toBeUndefined();
        expect(await store.getDeployment(created.id)).toEqual(created);
        expect(await store.getTargets([environmentId])).toEqual([
          { environmentId, current: created },
        ]);
        expect(await jobsOf(environmentId)).toEqual([
          { kind: 'reconcile', state: 'pending' },
        ]);
        expect(await auditOf(environmentId)).toEqual([
          expect.objectContaining({ action: 'create' }),
          {
            actor: ALICE,
            action: 'deploy',
            outcome: 'succeeded',
            message: undefined,
          },
        ]);
        expect(heard).toEqual([created]);
      });

      it('writes nothing, and tells no listener, when the audit event cannot be written', async () => {
        const environmentId = await environment();
        const first = await store.createDeployment(
          newDeployment(environmentId),
        );
        await knex('environment_jobs')
          .where('environment_id', environmentId)
          .del();
        heard = [];

        // The database refuses the audit row, the last write of the
        // transaction.
        await refuseAuditAction('refused-by-test');
        const failing = newDeployment(environmentId, {
          tag: '2.0.0',
          pin: 'set',
          audit: {
            actor: ALICE,
            action: 'refused-by-test',
            outcome: 'succeeded',
          },
        });
        // The message, not `rejects.toThrow`: in a Jest worker that ran
        // another SQLite test file first, better-sqlite3's native addon
        // throws errors of that file's realm, which Jest does not take for
        // errors ("did not throw").
        const failure = await store.createDeployment(failing).then(
          () => 'created',
          (error: Error) => error.message,
        );
        expect(failure).toMatch(/audit refused/);

        expect(await store.listDeployments(environmentId)).toEqual([first]);
        expect(await store.getTargets([environmentId])).toEqual([
          { environmentId, current: first },
        ]);
        expect(await jobsOf(environmentId)).toEqual([]);
        expect(heard).toEqual([]);
      });

      it('supersedes the current deployment and records it as replaced', async () => {
        const environmentId = await environment();
        const first = await store.createDeployment(
          newDeployment(environmentId),
        );
        await store.recordRolloutOutcome({ id: first.id, state: 'succeeded' });
        heard = [];

        const second = await store.createDeployment(
          newDeployment(environmentId, { tag: '2.0.0' }),
        );

        expect(second).toMatchObject({
          sequence: 2,
          state: 'rolling-out',
          replaces: first.id,
        });
        const replaced = await store.getDeployment(first.id);
        expect(replaced.state).toBe('superseded');
        expect((await store.getTargets([environmentId]))[0].current).toEqual(
          second,
        );
        expect(heard).toEqual([replaced, second]);
      });

      it('leaves a failed current deployment failed', async () => {
        const environmentId = await environment();
        const first = await store.createDeployment(
          newDeployment(environmentId),
        );
        await store.recordRolloutOutcome({
          id: first.id,
          state: 'failed',
          reason: 'ImagePullBackOff',
        });

        const second = await store.createDeployment(
          newDeployment(environmentId, { tag: '2.0.0' }),
        );

        expect(second.replaces).toBe(first.id);
        expect(await store.getDeployment(first.id)).toMatchObject({
          state: 'failed',
          reason: 'ImagePullBackOff',
        });
      });

      it('marks what a rollback replaces rolled back, and pins the environment to the rollback', async () => {
        const environmentId = await environment();
        const good = await store.createDeployment(newDeployment(environmentId));
        await store.recordRolloutOutcome({ id: good.id, state: 'succeeded' });
        const bad = await store.createDeployment(
          newDeployment(environmentId, { tag: '2.0.0' }),
        );
        heard = [];

        const rollback = await store.createDeployment(
          newDeployment(environmentId, {
            kind: 'rollback',
            rollbackOf: good.id,
            message: 'Checkout errors after 2.0.0',
            createdBy: BOB,
            pin: 'set',
            audit: { actor: BOB, action: 'rollback', outcome: 'succeeded' },
          }),
        );

        expect(rollback).toMatchObject({
          kind: 'rollback',
          state: 'rolling-out',
          rollbackOf: good.id,
          replaces: bad.id,
        });
        const rolledBack = await store.getDeployment(bad.id);
        expect(rolledBack.state).toBe('rolled-back');
        const [target] = await store.getTargets([environmentId]);
        expect(target).toEqual({
          environmentId,
          current: rollback,
          pin: {
            deploymentId: rollback.id,
            reason: 'Checkout errors after 2.0.0',
            by: BOB,
            at: rollback.createdAt,
          },
        });
        expect(heard).toEqual([rolledBack, rollback]);
      });

      it('refuses automatic deployments while pinned, and a deployment by hand clears the pin', async () => {
        const environmentId = await environment();
        const rollback = await store.createDeployment(
          newDeployment(environmentId, {
            kind: 'rollback',
            message: 'Bad release',
            pin: 'set',
          }),
        );
        heard = [];

        const automatic = store.createDeployment(
          newDeployment(environmentId, {
            tag: '3.0.0',
            source: 'ci',
            pin: 'refuse',
          }),
        );
        await expect(automatic).rejects.toThrow(PinnedEnvironmentError);
        await expect(automatic).rejects.toMatchObject({
          statusCode: 409,
          pin: { deploymentId: rollback.id, reason: 'Bad release', by: ALICE },
        });
        expect(await store.listDeployments(environmentId)).toHaveLength(1);
        expect(heard).toEqual([]);

        const manual = await store.createDeployment(
          newDeployment(environmentId, { tag: '3.0.0', pin: 'clear' }),
        );
        expect(await store.getTargets([environmentId])).toEqual([
          { environmentId, current: manual },
        ]);
        const promoted = await store.createDeployment(
          newDeployment(environmentId, {
            tag: '4.0.0',
            kind: 'promotion',
            pin: 'refuse',
          }),
        );
        expect(promoted.sequence).toBe(3);
      });

      it('refuses a deployment computed from a stale current one', async () => {
        const environmentId = await environment();
        const first = await store.createDeployment(
          newDeployment(environmentId, { expectedCurrent: null }),
        );
        await store.createDeployment(
          newDeployment(environmentId, {
            tag: '2.0.0',
            expectedCurrent: first.id,
          }),
        );

        const stale = store.createDeployment(
          newDeployment(environmentId, {
            tag: '3.0.0',
            expectedCurrent: first.id,
          }),
        );
        await expect(stale).rejects.toThrow(StaleDeploymentError);
        await expect(stale).rejects.toMatchObject({ statusCode: 409 });
        await expect(
          store.createDeployment(
            newDeployment(environmentId, { expectedCurrent: null }),
          ),
        ).rejects.toThrow(StaleDeploymentError);
        expect(await store.listDeployments(environmentId)).toHaveLength(2);
      });

      it('refuses environments that do not exist or are being deleted', async () => {
        await expect(
          store.createDeployment(newDeployment('no-such-environment')),
        ).rejects.toThrow(NotFoundError);

        const environmentId = await environment();
        await environments.markDeleting({ id: environmentId, actor: ALICE });
        const deleting = store.createDeployment(newDeployment(environmentId));
        await expect(deleting).rejects.toThrow(ConflictError);
        await expect(deleting).rejects.toThrow(/deleting/);
        expect(await store.listDeployments(environmentId)).toEqual([]);
      });

      it('numbers concurrent deployments of one environment one after the other', async () => {
        const environmentId = await environment();

        const created = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            store.createDeployment(
              newDeployment(environmentId, { tag: `1.0.${i}` }),
            ),
          ),
        );

        expect(created.map(d => d.sequence).sort((a, b) => a - b)).toEqual([
          1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
        ]);
        const history = await store.listDeployments(environmentId);
        expect(history.map(d => d.state)).toEqual([
          'rolling-out',
          ...Array(9).fill('superseded'),
        ]);
        // Each replaced the one before it.
        for (let i = 0; i < 9; i++) {
          expect(history[i].replaces).toBe(history[i + 1].id);
        }
        expect((await store.getTargets([environmentId]))[0].current?.id).toBe(
          history[0].id,
        );
        expect(await countOf('environment_audit', environmentId)).toBe(11);
      });

      it('tells every listener after the commit, and a failing listener changes nothing', async () => {
        const environmentId = await environment();
        const own = await DatabaseDeploymentsStore.create({
          database: mockServices.database({ knex }),
        });
        const told: Deployment[] = [];
        const reads: Promise<string>[] = [];
        own.onChange(() => {
          throw new Error('listener bug');
        });
        own.onChange(deployment => {
          told.push(deployment);
          // What a listener reads is what was committed.
          reads.push(own.getDeployment(deployment.id).then(d => d.state));
        });
        own.onChange(async () => {
          throw new Error('async listener bug');
        });

        const first = await own.createDeployment(newDeployment(environmentId));
        const second = await own.createDeployment(
          newDeployment(environmentId, { tag: '2.0.0' }),
        );

        expect(told.map(d => [d.id, d.state])).toEqual([
          [first.id, 'rolling-out'],
          [first.id, 'superseded'],
          [second.id, 'rolling-out'],
        ]);
        expect(await Promise.all(reads)).toEqual([
          // The first read may run after the second deployment committed.
          expect.stringMatching(/^(rolling-out|superseded)$/),
          'superseded',
          'rolling-out',
        ]);
      });
    });

    describe('approvals', () => {
      async function pendingIn(
        environmentId: string,
        overrides: Partial<NewDeployment> = {},
      ) {
        return store.createDeployment(
          newDeployment(environmentId, {
            tag: '2.0.0',
            approval: { groups: ['group:default/sre'], expiresAt: inAnHour() },
            ...overrides,
          }),
        );
      }

      it('waits for approval without touching what runs', async () => {
        const environmentId = await environment();
        const running = await store.createDeployment(
          newDeployment(environmentId),
        );
        await knex('environment_jobs').del();

        const pending = await pendingIn(environmentId);

        expect(pending).toMatchObject({
          state: 'pending-approval',
          replaces: running.id,
          approval: { groups: ['group:default/sre'] },
        });
        expect(pending.startedAt).toBeUndefined();
        expect(await jobsOf(environmentId)).toEqual([]);
        expect(await store.getTargets([environmentId])).toEqual([
          { environmentId, current: running, pending },
        ]);
        expect(await store.listPendingApprovals()).toEqual([pending]);
      });

      it('supersedes an older pending deployment with a newer one', async () => {
        const environmentId = await environment();
        const older = await pendingIn(environmentId);
        const newer = await pendingIn(environmentId, { version: '2.0.1' });

        expect((await store.getDeployment(older.id)).state).toBe('superseded');
        expect((await store.getTargets([environmentId]))[0].pending).toEqual(
          newer,
        );
        await expect(
          store.decideApproval({
            id: older.id,
            outcome: 'approved',
            by: BOB,
            comment: 'ok',
          }),
        ).rejects.toThrow(/is superseded, no longer pending approval/);
      });

      it('rolls an approved deployment out as a new current one', async () => {
        const environmentId = await environment();
        const running = await store.createDeployment(
          newDeployment(environmentId),
        );
        await store.recordRolloutOutcome({
          id: running.id,
          state: 'succeeded',
        });
        const pending = await pendingIn(environmentId);
        await knex('environment_jobs').del();
        heard = [];
        const now = new Date();

        const approved = await store.decideApproval({
          id: pending.id,
          outcome: 'approved',
          by: BOB,
          comment: 'Change ticket CHG-42',
          now,
        });

        expect(approved).toMatchObject({
          state: 'rolling-out',
          startedAt: now,
          replaces: running.id,
          approval: {
            groups: ['group:default/sre'],
            decision: {
              outcome: 'approved',
              by: BOB,
              at: now,
              comment: 'Change ticket CHG-42',
            },
          },
        });
        const superseded = await store.getDeployment(running.id);
        expect(superseded.state).toBe('superseded');
        expect(await store.getTargets([environmentId])).toEqual([
          { environmentId, current: approved },
        ]);
        expect(await jobsOf(environmentId)).toEqual([
          { kind: 'reconcile', state: 'pending' },
        ]);
        expect((await auditOf(environmentId)).at(-1)).toEqual({
          actor: BOB,
          action: 'approve',
          outcome: 'succeeded',
          message: 'Change ticket CHG-42',
        });
        expect(heard).toEqual([superseded, approved]);
      });

      it('ends a rejected deployment rejected, and refuses a second decision', async () => {
        const environmentId = await environment();
        const pending = await pendingIn(environmentId);

        const rejected = await store.decideApproval({
          id: pending.id,
          outcome: 'rejected',
          by: BOB,
          comment: 'Not during the freeze',
        });

        expect(rejected.state).toBe('rejected');
        expect(rejected.approval?.decision).toMatchObject({
          outcome: 'rejected',
          comment: 'Not during the freeze',
        });
        expect(await jobsOf(environmentId)).toEqual([]);
        expect((await auditOf(environmentId)).at(-1)).toMatchObject({
          actor: BOB,
          action: 'reject',
          message: 'Not during the freeze',
        });
        const again = store.decideApproval({
          id: pending.id,
          outcome: 'approved',
          by: BOB,
          comment: 'Changed my mind',
        });
        await expect(again).rejects.toThrow(ConflictError);
        await expect(again).rejects.toThrow(/is rejected/);
        await expect(
          store.decideApproval({
            id: 'no-such-deployment',
            outcome: 'approved',
            by: BOB,
            comment: 'ok',
          }),
        ).rejects.toThrow(NotFoundError);
      });

      it('expires approvals nobody gave in time, once', async () => {
        const environmentId = await environment();
        const expiresAt = inAnHour();
        const soon = await pendingIn(environmentId, {
          approval: { groups: ['group:default/sre'], expiresAt },
        });
        const other = await environment();
        const later = await pendingIn(other, {
          approval: {
            groups: ['group:default/sre'],
            expiresAt: new Date(expiresAt.getTime() + 3_600_000),
          },
        });
        const afterExpiry = new Date(expiresAt.getTime() + 1);
        heard = [];

        await expect(
          store.decideApproval({
            id: soon.id,
            outcome: 'approved',
            by: BOB,
            comment: 'late',
            now: afterExpiry,
          }),
        ).rejects.toThrow(/expired/);
        const expired = await store.expireApprovals({ now: afterExpiry });

        expect(expired).toEqual([
          expect.objectContaining({ id: soon.id, state: 'expired' }),
        ]);
        expect(heard).toEqual(expired);
        expect(await store.expireApprovals({ now: afterExpiry })).toEqual([]);
        expect(await store.listPendingApprovals()).toEqual([later]);
        expect((await auditOf(environmentId)).at(-1)).toMatchObject({
          actor: DEPLOYMENTS_SYSTEM_ACTOR,
          action: 'expire-approval',
        });
      });
    });

    describe('rollout outcomes', () => {
      it('records an outcome once, whichever replica sees it first', async () => {
        const environmentId = await environment();
        const deployment = await store.createDeployment(
          newDeployment(environmentId),
        );
        // On PostgreSQL the other replica has connections of its own; an
        // in-memory SQLite database exists only in its one connection.
        const replicaKnex =
          databaseId === 'SQLITE_3' ? knex : knexFactory(knex.client.config);
        const replica = await DatabaseDeploymentsStore.create({
          database: mockServices.database({ knex: replicaKnex }),
        });
        afterTest(() =>
          replicaKnex === knex ? undefined : replicaKnex.destroy(),
        );
        const now = new Date();

        const outcomes = await Promise.all([
          store.recordRolloutOutcome({
            id: deployment.id,
            state: 'succeeded',
            now,
          }),
          replica.recordRolloutOutcome({
            id: deployment.id,
            state: 'succeeded',
            now,
          }),
        ]);

        const recorded = outcomes.filter(Boolean);
        expect(recorded).toEqual([
          expect.objectContaining({
            state: 'succeeded',
            finishedAt: now,
          }),
        ]);
        expect(
          (await auditOf(environmentId)).filter(e => e.action === 'rollout'),
        ).toEqual([
          {
            actor: RECONCILER_ACTOR,
            action: 'rollout',
            outcome: 'succeeded',
            message: 'Deployment 1 (1.0.0) succeeded',
          },
        ]);
        expect(
          await store.recordRolloutOutcome({
            id: deployment.id,
            state: 'failed',
          }),
        ).toBeUndefined();
      });

      it('records outcomes while deployments land, without deadlocks or a superseded deployment coming back', async () => {
        const environmentId = await environment();
        const first = await store.createDeployment(
          newDeployment(environmentId),
        );
        const pending = await store.createDeployment(
          newDeployment(environmentId, {
            tag: '1.5.0',
            approval: { groups: ['group:default/sre'], expiresAt: inAnHour() },
          }),
        );

        const results = await Promise.allSettled([
          store.recordRolloutOutcome({ id: first.id, state: 'succeeded' }),
          store.createDeployment(
            newDeployment(environmentId, { tag: '2.0.0' }),
          ),
          store.expireApprovals({ now: new Date(Date.now() + 7_200_000) }),
          store.createDeployment(
            newDeployment(environmentId, { tag: '3.0.0' }),
          ),
          store.recordRolloutOutcome({ id: first.id, state: 'failed' }),
        ]);

        expect(results.map(r => r.status)).toEqual(Array(5).fill('fulfilled'));
        const history = await store.listDeployments(environmentId);
        expect(history.map(d => d.state)).toEqual([
          'rolling-out',
          'superseded',
          expect.stringMatching(/^(superseded|expired)$/),
          'superseded',
        ]);
        expect(history.find(d => d.id === pending.id)).toBeDefined();
      });

      it('records nothing for a deployment no longer rolling out', async () => {
        const environmentId = await environment();
        const first = await store.createDeployment(
          newDeployment(environmentId),
        );
        await store.createDeployment(
          newDeployment(environmentId, { tag: '2.0.0' }),
        );

        expect(
          await store.recordRolloutOutcome({ id: first.id, state: 'failed' }),
        ).toBeUndefined();
        expect((await store.getDeployment(first.id)).state).toBe('superseded');
        await expect(
          store.recordRolloutOutcome({ id: 'no-such-id', state: 'failed' }),
        ).rejects.toThrow(NotFoundError);
      });

      it('updates the reason of a rollout only when it changes', async () => {
        const environmentId = await environment();
        const deployment = await store.createDeployment(
          newDeployment(environmentId),
        );
        const update = { id: deployment.id, reason: 'Waiting for 1 of 2 pods' };

        heard = [];
        expect(await store.updateRolloutReason(update)).toBe(true);
        expect(await store.updateRolloutReason(update)).toBe(false);
        expect(heard.map(d => d.reason)).toEqual(['Waiting for 1 of 2 pods']);
        expect((await store.getDeployment(deployment.id)).reason).toBe(
          'Waiting for 1 of 2 pods',
        );
        expect(
          await store.updateRolloutReason({ id: deployment.id, reason: null }),
        ).toBe(true);
        expect(
          await store.updateRolloutReason({ id: deployment.id, reason: null }),
        ).toBe(false);
        await store.recordRolloutOutcome({
          id: deployment.id,
          state: 'succeeded',
        });
        expect(await store.updateRolloutReason(update)).toBe(false);
      });

      it('lists what is rolling out, for the sweep after a restart', async () => {
        const a = await environment();
        const b = await environment();
        const done = await store.createDeployment(newDeployment(a));
        await store.recordRolloutOutcome({ id: done.id, state: 'succeeded' });
        const rolling = await store.createDeployment(newDeployment(b));

        expect(await store.listRollingOut()).toEqual([rolling]);
      });
    });

    describe('reads', () => {
      it('pages a history newest first', async () => {
        const environmentId = await environment();
        for (let i = 1; i <= 5; i++) {
          await store.createDeployment(
            newDeployment(environmentId, { tag: `1.0.${i}` }),
          );
        }

        const page = async (before?: number) =>
          (
            await store.listDeployments(environmentId, { before, limit: 2 })
          ).map(d => d.sequence);
        expect(await page()).toEqual([5, 4]);
        expect(await page(4)).toEqual([3, 2]);
        expect(await page(2)).toEqual([1]);
        expect(
          (await store.listDeployments(environmentId)).map(d => d.version),
        ).toEqual(['1.0.5', '1.0.4', '1.0.3', '1.0.2', '1.0.1']);
        expect(await store.listDeployments('no-such-environment')).toEqual([]);
        await expect(store.getDeployment('no-such-id')).rejects.toThrow(
          NotFoundError,
        );
      });

      it('gives 100 deployments a page unless asked for fewer, and never more than 500', async () => {
        const environmentId = await environment();
        const template = await store.createDeployment(
          newDeployment(environmentId),
        );
        const row = await knex('deployments').where('id', template.id).first();
        const rows = Array.from({ length: 600 }, (_, i) => ({
          ...row,
          id: `bulk-${i}`,
          sequence: i + 2,
          state: 'superseded',
        }));
        // In chunks: SQLite binds at most 999 values a statement.
        for (let start = 0; start < rows.length; start += 20) {
          await knex('deployments').insert(rows.slice(start, start + 20));
        }

        expect(await store.listDeployments(environmentId)).toHaveLength(100);
        const all = await store.listDeployments(environmentId, { limit: 1000 });
        expect(all).toHaveLength(500);
        expect(all[0].sequence).toBe(601);
        expect(
          await store.listDeployments(environmentId, { limit: 0 }),
        ).toHaveLength(1);
      });

      it('reads the targets of many environments in one query per table, in the order asked', async () => {
        const pinned = await environment();
        const waiting = await environment();
        const untouched = await environment();
        await store.createDeployment(newDeployment(pinned));
        const rollback = await store.createDeployment(
          newDeployment(pinned, { kind: 'rollback', pin: 'set' }),
        );
        const pending = await store.createDeployment(
          newDeployment(waiting, {
            approval: { groups: ['group:default/sre'], expiresAt: inAnHour() },
          }),
        );
        const queries: string[] = [];
        const count = (query: { sql: string }) => queries.push(query.sql);
        knex.on('query', count);

        const targets = await store
          .getTargets([untouched, waiting, 'no-such-environment', pinned])
          .finally(() => knex.off('query', count));

        expect(targets).toEqual([
          { environmentId: untouched },
          { environmentId: waiting, pending },
          { environmentId: 'no-such-environment' },
          {
            environmentId: pinned,
            current: rollback,
            pin: expect.objectContaining({ deploymentId: rollback.id }),
          },
        ]);
        expect(queries).toHaveLength(2);
        expect(await store.getTargets([])).toEqual([]);
      });
    });

    it('removes the deployments and the target of an environment whose row is removed', async () => {
      const environmentId = await environment();
      await store.createDeployment(
        newDeployment(environmentId, { pin: 'set' }),
      );

      await knex('environments').where('id', environmentId).del();

      expect(await countOf('deployments', environmentId)).toBe(0);
      expect(await countOf('deployment_targets', environmentId)).toBe(0);
    });

    it('uses the reconciler as the actor of what the platform records itself', () => {
      expect(DEPLOYMENTS_SYSTEM_ACTOR).toBe(RECONCILER_ACTOR);
    });
  },
);
