import { TestDatabases } from '@backstage/backend-test-utils';
import {
  describeWithCluster,
  eventually,
} from '@internal/cluster-tools/testUtils';
import { randomBytes } from 'node:crypto';
import {
  DeploymentsBackend,
  flowComponent,
  PLATFORM_TEAM,
  removeLeftovers,
  startDeploymentsBackend,
} from '../__testUtils__/deploymentsBackend';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

// Alice and Bob are platform admins, production's approvers by default;
// Carol is on the component's team only.
const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const CAROL = 'user:default/carol';
const TEAM = 'group:default/team-flows';

// Deployments to production wait for an approver other than the requester,
// on the real backend, database and cluster.
describeWithCluster('deployments: approvals', kc => {
  const components: string[] = [];

  afterAll(async () => {
    await removeLeftovers(kc(), components);
  });

  describe.each(databases.eachSupportedId())('on %s', databaseId => {
    const name = `flows-appr-${
      databaseId === 'SQLITE_3' ? 'sq' : 'pg'
    }-${randomBytes(2).toString('hex')}`;
    const componentRef = `component:default/${name}`;
    components.push(name);
    let backend: DeploymentsBackend;
    let production: { id: string; namespace: string };
    let approved: any;

    beforeAll(async () => {
      backend = await startDeploymentsBackend({
        databases,
        databaseId,
        admin: kc(),
        components: [flowComponent(name)],
        users: {
          [ALICE]: [TEAM, PLATFORM_TEAM],
          [BOB]: [PLATFORM_TEAM],
          [CAROL]: [TEAM],
        },
      });
      production = await backend.createEnvironment(
        ALICE,
        componentRef,
        'production',
        { approver: BOB },
      );
    });

    afterAll(async () => {
      await backend?.stop();
    });

    const deploy = async (body: object) => {
      const answer = await backend.call(
        ALICE,
        'post',
        `/environments/${production.id}/deployments`,
        body,
      );
      expect(answer.status).toBe(202);
      return answer.body;
    };
    /** Waits until `user` has a notification whose title matches. */
    const notified = (user: string, title: RegExp) =>
      eventually(`${user} notified: ${title}`, async () => {
        const { notifications } = await backend.expectStatus(
          200,
          user,
          'get',
          '/api/notifications/notifications',
        );
        return notifications.find((n: any) => title.test(n.payload.title));
      });
    const approvalsOf = async (user: string) =>
      (await backend.expectStatus(200, user, 'get', '/approvals')).items.map(
        (d: any) => d.id,
      );

    it('holds a production deploy for approval; only another approver, with a comment, releases it', async () => {
      const pending = await deploy({ tag: '3.0.0', message: 'Release 3.0' });
      expect(pending).toMatchObject({
        state: 'pending-approval',
        approval: { groups: [PLATFORM_TEAM] },
      });
      const expiresIn = Date.parse(pending.approval.expiresAt) - Date.now();
      expect(expiresIn).toBeGreaterThan(23 * 3600_000);
      expect(expiresIn).toBeLessThanOrEqual(24 * 3600_000);
      expect(pending.startedAt).toBeUndefined();

      expect(await approvalsOf(BOB)).toContain(pending.id);
      await notified(BOB, /^Approval needed: .* 3\.0\.0 to production$/);
      // Not to the requester, nor to someone outside the approver groups.
      expect(await approvalsOf(ALICE)).not.toContain(pending.id);
      expect(await approvalsOf(CAROL)).not.toContain(pending.id);

      const own = await backend.call(
        ALICE,
        'post',
        `/deployments/${pending.id}/approve`,
        { comment: 'Looks good to me' },
      );
      expect(own.status).toBe(403);
      expect(own.body.error.message).toMatch(
        /requested|requester|own|other than/i,
      );

      const notApprover = await backend.call(
        CAROL,
        'post',
        `/deployments/${pending.id}/approve`,
        { comment: 'Ship it' },
      );
      expect(notApprover.status).toBe(403);

      const noComment = await backend.call(
        BOB,
        'post',
        `/deployments/${pending.id}/approve`,
        {},
      );
      expect(noComment.status).toBe(400);
      expect(noComment.body.error.message).toContain('comment');

      // Nothing rolled out while it waited.
      const stillPending = await backend.expectStatus(
        200,
        ALICE,
        'get',
        `/deployments/${pending.id}`,
      );
      expect(stillPending.state).toBe('pending-approval');

      const answer = await backend.call(
        BOB,
        'post',
        `/deployments/${pending.id}/approve`,
        { comment: 'Checked the migration plan' },
      );
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        id: pending.id,
        approval: {
          decision: {
            outcome: 'approved',
            by: BOB,
            comment: 'Checked the migration plan',
          },
        },
      });
      expect(['rolling-out', 'succeeded']).toContain(answer.body.state);
      approved = await backend.waitForDeployment(
        ALICE,
        pending.id,
        'succeeded',
      );
      expect(approved.startedAt).toEqual(expect.any(String));
      await notified(ALICE, /^Approved: .* 3\.0\.0 to production$/);
      const running = await backend.workload(production.namespace, name);
      expect(running.spec?.template.spec?.containers[0].image).toBe(
        `registry.local/${name}:3.0.0`,
      );
      expect(await approvalsOf(BOB)).not.toContain(pending.id);

      const again = await backend.call(
        BOB,
        'post',
        `/deployments/${pending.id}/approve`,
        { comment: 'Twice' },
      );
      expect(again.status).toBe(409);
    });

    it('rejects a production deploy, which then never rolls out', async () => {
      const pending = await deploy({ tag: '3.1.0' });
      expect(pending.state).toBe('pending-approval');
      expect(await approvalsOf(BOB)).toContain(pending.id);

      const answer = await backend.call(
        BOB,
        'post',
        `/deployments/${pending.id}/reject`,
        { comment: 'Not during the sale' },
      );
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        state: 'rejected',
        approval: {
          decision: {
            outcome: 'rejected',
            by: BOB,
            comment: 'Not during the sale',
          },
        },
      });
      expect(await approvalsOf(BOB)).not.toContain(pending.id);

      const late = await backend.call(
        BOB,
        'post',
        `/deployments/${pending.id}/approve`,
        { comment: 'Changed my mind' },
      );
      expect(late.status).toBe(409);

      const running = await backend.workload(production.namespace, name);
      expect(running.spec?.template.spec?.containers[0].image).toBe(
        `registry.local/${name}:3.0.0`,
      );
      const where = await backend.expectStatus(
        200,
        ALICE,
        'get',
        `/what-runs-where?componentRef=${encodeURIComponent(componentRef)}`,
      );
      expect(where.environments).toEqual([
        expect.objectContaining({
          environmentName: 'production',
          current: expect.objectContaining({ id: approved.id }),
        }),
      ]);
      expect(where.environments[0].pending).toBeUndefined();
    });

    it('deletes the environment and leaves nothing of it in the cluster', async () => {
      expect(await backend.deleteEnvironments(ALICE)).toEqual([]);
    });
  });
});
