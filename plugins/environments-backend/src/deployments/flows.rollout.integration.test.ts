import { TestDatabases } from '@backstage/backend-test-utils';
import { describeWithCluster } from '@internal/cluster-tools/testUtils';
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

const ALICE = 'user:default/alice';
const TEAM = 'group:default/team-flows';

// One environment's life through the HTTP API, on the real backend, database
// and cluster: two deploys, their diff, a rollback and its pin, a deploy
// whose pods cannot pull their image, and the teardown.
describeWithCluster('deployments: deploy, diff, rollback', kc => {
  const components: string[] = [];

  afterAll(async () => {
    await removeLeftovers(kc(), components);
  });

  describe.each(databases.eachSupportedId())('on %s', databaseId => {
    const name = `flows-roll-${
      databaseId === 'SQLITE_3' ? 'sq' : 'pg'
    }-${randomBytes(2).toString('hex')}`;
    const componentRef = `component:default/${name}`;
    components.push(name);
    let backend: DeploymentsBackend;
    let environment: { id: string; namespace: string };
    let v1: any;
    let v2: any;
    let rollback: any;

    beforeAll(async () => {
      backend = await startDeploymentsBackend({
        databases,
        databaseId,
        admin: kc(),
        components: [flowComponent(name)],
        users: { [ALICE]: [TEAM, PLATFORM_TEAM] },
      });
      environment = await backend.createEnvironment(
        ALICE,
        componentRef,
        'development',
      );
    });

    afterAll(async () => {
      await backend?.stop();
    });

    const deploy = async (body: object) => {
      const answer = await backend.call(
        ALICE,
        'post',
        `/environments/${environment.id}/deployments`,
        body,
      );
      expect(answer.status).toBe(202);
      return answer.body;
    };

    it('deploys v1, then v2, which supersedes v1 and runs in the cluster', async () => {
      v1 = await deploy({
        tag: '1.0.1',
        env: { LOG_LEVEL: 'info' },
        message: 'First release',
      });
      expect(v1).toMatchObject({
        environmentId: environment.id,
        componentRef,
        kind: 'deploy',
        version: '1.0.1',
        message: 'First release',
        createdBy: ALICE,
        config: expect.objectContaining({
          image: `registry.local/${name}:1.0.1`,
          env: expect.objectContaining({
            LOG_LEVEL: 'info',
            TIER: 'development',
          }),
        }),
      });
      expect(v1.origins).toMatchObject({
        image: 'override',
        'env.LOG_LEVEL': 'override',
        'env.TIER': 'baseline',
      });
      await backend.waitForDeployment(ALICE, v1.id, 'succeeded');

      v2 = await deploy({ tag: '1.1.0', env: { LOG_LEVEL: 'debug' } });
      const succeeded = await backend.waitForDeployment(
        ALICE,
        v2.id,
        'succeeded',
      );
      expect(succeeded.replaces).toBe(v1.id);
      expect(succeeded.sequence).toBeGreaterThan(v1.sequence);
      const first = await backend.expectStatus(
        200,
        ALICE,
        'get',
        `/deployments/${v1.id}`,
      );
      expect(first.state).toBe('superseded');

      const history = await backend.expectStatus(
        200,
        ALICE,
        'get',
        `/environments/${environment.id}/deployments`,
      );
      expect(
        history.items.slice(0, 2).map((d: any) => [d.id, d.state]),
      ).toEqual([
        [v2.id, 'succeeded'],
        [v1.id, 'superseded'],
      ]);

      const running = await backend.workload(environment.namespace, name);
      const container = running.spec?.template.spec?.containers[0];
      expect(container?.image).toBe(`registry.local/${name}:1.1.0`);
      expect(container?.env).toEqual(
        expect.arrayContaining([
          { name: 'LOG_LEVEL', value: 'debug' },
          { name: 'TIER', value: 'development' },
        ]),
      );
      expect(running.status?.readyReplicas).toBe(1);
    });

    it('shows what changed from v1 to v2, as changes and as text', async () => {
      const diff = await backend.expectStatus(
        200,
        ALICE,
        'get',
        `/deployments/${v1.id}/diff?to=${v2.id}`,
      );
      expect(diff).toMatchObject({ from: v1.id, to: v2.id });
      expect(diff.changes).toHaveLength(2);
      expect(diff.changes).toEqual(
        expect.arrayContaining([
          {
            path: 'image',
            change: 'changed',
            from: `registry.local/${name}:1.0.1`,
            to: `registry.local/${name}:1.1.0`,
          },
          {
            path: 'env.LOG_LEVEL',
            change: 'changed',
            from: 'info',
            to: 'debug',
          },
        ]),
      );
      expect(diff.text).toContain(`- image: registry.local/${name}:1.0.1\n`);
      expect(diff.text).toContain(`+ image: registry.local/${name}:1.1.0\n`);
      expect(diff.text).toContain('- env.LOG_LEVEL: info\n');
      expect(diff.text).toContain('+ env.LOG_LEVEL: debug\n');

      const unknown = await backend.call(
        ALICE,
        'get',
        `/deployments/${v1.id}/diff?to=no-such-deployment`,
      );
      expect(unknown.status).toBe(404);
      expect(unknown.text).toContain('no-such-deployment');
    });

    it('rolls back to v1 with a reason, which pins the environment until a deploy by hand', async () => {
      const noReason = await backend.call(
        ALICE,
        'post',
        `/environments/${environment.id}/rollback`,
        { deploymentId: v1.id },
      );
      expect(noReason.status).toBe(400);
      expect(noReason.text).toContain('reason');

      const answer = await backend.call(
        ALICE,
        'post',
        `/environments/${environment.id}/rollback`,
        { deploymentId: v1.id, reason: 'v1.1.0 drops orders' },
      );
      expect(answer.status).toBe(202);
      rollback = answer.body;
      expect(rollback).toMatchObject({
        kind: 'rollback',
        rollbackOf: v1.id,
        replaces: v2.id,
        config: v1.config,
        contentHash: v1.contentHash,
      });
      await backend.waitForDeployment(ALICE, rollback.id, 'succeeded');
      const rolledBack = await backend.expectStatus(
        200,
        ALICE,
        'get',
        `/deployments/${v2.id}`,
      );
      expect(rolledBack.state).toBe('rolled-back');
      const running = await backend.workload(environment.namespace, name);
      expect(running.spec?.template.spec?.containers[0].image).toBe(
        `registry.local/${name}:1.0.1`,
      );

      const where = await backend.expectStatus(
        200,
        ALICE,
        'get',
        `/what-runs-where?componentRef=${encodeURIComponent(componentRef)}`,
      );
      const development = where.environments.find(
        (e: any) => e.environmentId === environment.id,
      );
      expect(development).toMatchObject({
        environmentName: 'development',
        current: { id: rollback.id, state: 'succeeded' },
        pin: {
          deploymentId: rollback.id,
          reason: 'v1.1.0 drops orders',
          by: ALICE,
        },
      });

      const automatic = await backend.call(
        ALICE,
        'post',
        `/environments/${environment.id}/deployments`,
        { tag: '1.2.0', source: 'ci' },
      );
      expect(automatic.status).toBe(409);
      expect(automatic.body.error.message).toContain(rollback.id);
      expect(automatic.body.error.message).toMatch(/pinned/);

      const fromCi = await backend.call(ALICE, 'post', '/ci/deployments', {
        componentRef,
        environment: 'development',
        image: `registry.local/${name}:1.2.0`,
        commit: { sha: 'abcdef1234567' },
      });
      expect(fromCi.status).toBe(409);
      expect(fromCi.body.error.message).toContain(rollback.id);

      const byHand = await deploy({ tag: '1.2.0', message: 'Fixed orders' });
      await backend.waitForDeployment(ALICE, byHand.id, 'succeeded');
      const after = await backend.expectStatus(
        200,
        ALICE,
        'get',
        `/what-runs-where?componentRef=${encodeURIComponent(componentRef)}`,
      );
      const unpinned = after.environments.find(
        (e: any) => e.environmentId === environment.id,
      );
      expect(unpinned.pin).toBeUndefined();
      expect(unpinned.current.id).toBe(byHand.id);
    });

    it('refuses a rollback to a deployment that never succeeded', async () => {
      const history = await backend.expectStatus(
        200,
        ALICE,
        'get',
        `/environments/${environment.id}/deployments`,
      );
      const notSucceeded = history.items.find(
        (d: any) => d.state === 'rolled-back',
      );
      const answer = await backend.call(
        ALICE,
        'post',
        `/environments/${environment.id}/rollback`,
        { deploymentId: notSucceeded.id, reason: 'try it' },
      );
      expect(answer.status).toBe(409);
      expect(answer.body.error.message).toContain(
        `Deployment ${notSucceeded.sequence} (1.1.0)`,
      );
      expect(answer.body.error.message).toContain('rolled-back');
    });

    it('ends a deploy whose pods cannot pull their image failed, naming ImagePullBackOff', async () => {
      const broken = await deploy({
        image: `registry.invalid/flows/${name}:9.9.9`,
        message: 'An image no registry has',
      });
      const failed = await backend.waitForDeployment(
        ALICE,
        broken.id,
        'failed',
        90_000,
      );
      // The kubelet's first ErrImagePull is waited out; its ImagePullBackOff
      // ends the rollout.
      expect(failed.reason).toMatch(/^ImagePullBackOff: /);
      expect(failed.reason).toContain(`registry.invalid/flows/${name}:9.9.9`);
      expect(failed.reason).toContain('cannot pull the container image');
      expect(failed.finishedAt).toEqual(expect.any(String));
    });

    it('deletes the environment and leaves nothing of it in the cluster', async () => {
      expect(await backend.deleteEnvironments(ALICE)).toEqual([]);
    });
  });
});
