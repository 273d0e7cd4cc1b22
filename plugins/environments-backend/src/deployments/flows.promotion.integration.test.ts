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

// A promotion from development to staging on the real backend, database and
// cluster: staging gets development's image with its own baseline and its
// own overrides, and only a version that succeeded, from the environment
// before it on the path, may be promoted.
describeWithCluster('deployments: promotion', kc => {
  const components: string[] = [];

  afterAll(async () => {
    await removeLeftovers(kc(), components);
  });

  describe.each(databases.eachSupportedId())('on %s', databaseId => {
    const name = `flows-promo-${
      databaseId === 'SQLITE_3' ? 'sq' : 'pg'
    }-${randomBytes(2).toString('hex')}`;
    const componentRef = `component:default/${name}`;
    components.push(name);
    let backend: DeploymentsBackend;
    let development: { id: string; namespace: string };
    let staging: { id: string; namespace: string };
    let inDevelopment: any;
    let inStaging: any;

    beforeAll(async () => {
      backend = await startDeploymentsBackend({
        databases,
        databaseId,
        admin: kc(),
        components: [
          flowComponent(name, { 'environments.idp.dev/env.OWNED_BY': 'flows' }),
        ],
        users: { [ALICE]: [TEAM, PLATFORM_TEAM] },
      });
      [development, staging] = await Promise.all([
        backend.createEnvironment(ALICE, componentRef, 'development'),
        backend.createEnvironment(ALICE, componentRef, 'staging'),
      ]);
    });

    afterAll(async () => {
      await backend?.stop();
    });

    const deploy = async (environmentId: string, body: object) => {
      const answer = await backend.call(
        ALICE,
        'post',
        `/environments/${environmentId}/deployments`,
        body,
      );
      expect(answer.status).toBe(202);
      return answer.body;
    };
    const promote = (environmentId: string, body: object) =>
      backend.call(
        ALICE,
        'post',
        `/environments/${environmentId}/promote`,
        body,
      );

    it('promotes development into staging with staging’s own baseline and overrides', async () => {
      inStaging = await deploy(staging.id, {
        tag: '0.9.0',
        env: { REGION: 'eu-staging' },
      });
      await backend.waitForDeployment(ALICE, inStaging.id, 'succeeded');
      inDevelopment = await deploy(development.id, {
        tag: '2.0.0',
        env: { FEATURE_X: 'on' },
        replicas: 1,
      });
      await backend.waitForDeployment(ALICE, inDevelopment.id, 'succeeded');

      const where = await backend.expectStatus(
        200,
        ALICE,
        'get',
        `/what-runs-where?componentRef=${encodeURIComponent(componentRef)}`,
      );
      expect(where.promotionPath).toEqual([
        'development',
        'staging',
        'production',
      ]);
      expect(
        where.environments.map((e: any) => [e.environmentName, e.current?.id]),
      ).toEqual([
        ['development', inDevelopment.id],
        ['staging', inStaging.id],
      ]);
      expect(where.environments[1]).toMatchObject({
        upstream: 'development',
        promotable: { id: inDevelopment.id },
      });

      const answer = await promote(staging.id, { message: 'Ship 2.0.0' });
      expect(answer.status).toBe(202);
      const promotion = answer.body;
      expect(promotion).toMatchObject({
        environmentId: staging.id,
        kind: 'promotion',
        version: '2.0.0',
        message: 'Ship 2.0.0',
        replaces: inStaging.id,
        promotedFrom: {
          deploymentId: inDevelopment.id,
          environmentId: development.id,
          environmentName: 'development',
        },
      });
      // Development's image and component layer; staging's baseline (TIER,
      // LOG_LEVEL, 2 replicas) and staging's override (REGION), not
      // development's (FEATURE_X, 1 replica).
      expect(promotion.config).toMatchObject({
        image: `registry.local/${name}:2.0.0`,
        replicas: 2,
        env: {
          TIER: 'staging',
          LOG_LEVEL: 'info',
          REGION: 'eu-staging',
          OWNED_BY: 'flows',
        },
      });
      expect(promotion.config.env).not.toHaveProperty('FEATURE_X');
      expect(promotion.layers.component).toEqual(
        inDevelopment.layers.component,
      );
      expect(promotion.origins).toMatchObject({
        'env.TIER': 'baseline',
        'env.REGION': 'override',
        'env.OWNED_BY': 'component',
        replicas: 'baseline',
      });

      await backend.waitForDeployment(ALICE, promotion.id, 'succeeded');
      const running = await backend.workload(staging.namespace, name);
      expect(running.spec?.replicas).toBe(2);
      const container = running.spec?.template.spec?.containers[0];
      expect(container?.image).toBe(`registry.local/${name}:2.0.0`);
      expect(container?.env).toEqual(
        expect.arrayContaining([
          { name: 'TIER', value: 'staging' },
          { name: 'REGION', value: 'eu-staging' },
        ]),
      );
      expect(container?.env?.map(e => e.name)).not.toContain('FEATURE_X');
      // Development is untouched.
      const developed = await backend.workload(development.namespace, name);
      expect(developed.spec?.template.spec?.containers[0].image).toBe(
        `registry.local/${name}:2.0.0`,
      );
      expect(developed.spec?.replicas).toBe(1);
    });

    it('refuses to promote a version that did not succeed with 409', async () => {
      const broken = await deploy(development.id, {
        image: `registry.invalid/flows/${name}:2.1.0`,
      });
      await backend.waitForDeployment(ALICE, broken.id, 'failed', 90_000);

      const answer = await promote(staging.id, { deploymentId: broken.id });
      expect(answer.status).toBe(409);
      expect(answer.body.error.message).toMatch(/succeeded/);
      // Nor when development's current deployment is that one.
      const implicit = await promote(staging.id, {});
      expect(implicit.status).toBe(409);
    });

    it('refuses to promote from an environment that does not feed the target with 400', async () => {
      const history = await backend.expectStatus(
        200,
        ALICE,
        'get',
        `/environments/${staging.id}/deployments`,
      );
      const ownDeployment = history.items[0];
      const fromItself = await promote(staging.id, {
        deploymentId: ownDeployment.id,
      });
      expect(fromItself.status).toBe(400);
      expect(fromItself.body.error.message).toContain('deploymentId');

      // Development is the first environment on the path: nothing feeds it.
      const intoFirst = await promote(development.id, {
        deploymentId: ownDeployment.id,
      });
      expect(intoFirst.status).toBe(400);
      expect(intoFirst.body.error.message).toContain('development');
    });

    it('deletes both environments and leaves nothing of them in the cluster', async () => {
      expect(await backend.deleteEnvironments(ALICE)).toEqual([]);
    });
  });
});
