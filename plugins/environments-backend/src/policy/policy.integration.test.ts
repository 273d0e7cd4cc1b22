import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  policyDeniedDetailsSchema,
  policyDecisionListSchema,
  policyEvaluationSchema,
  policyRuleListSchema,
} from '@internal/backstage-plugin-environments-common';
import { Knex } from 'knex';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DatabaseDeploymentsStore } from '../database/DatabaseDeploymentsStore';
import { environmentsPlugin } from '../plugin';
import {
  buildTestBundle,
  copyPolicies,
  describeWithOpa,
  editPolicyData,
  startOpaServer,
} from './__testUtils__/opa';

jest.setTimeout(180_000);

/*
 * The example rules through the real API: the plugin on PostgreSQL and
 * SQLite, deciding with the bundle compiled by the real opa from a copy of
 * policies/, embedded (opa-wasm) and against `opa run --server`. The bundle
 * has no weekly freeze (buildTestBundle: the tests would depend on the
 * weekday; the freeze rule is tested with a set clock in
 * evaluators.integration.test.ts) and a team limit of 1d on preview time to
 * live.
 */

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const JANE = 'user:default/jane';
const TEAM = 'group:default/team-a';
const PLATFORM = 'group:default/platform-team';

const component = (name: string, lifecycle: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'environments.idp.dev/image': 'registry.local/shop:1.0.0' },
  },
  spec: { type: 'service', lifecycle, owner: 'team-a', system: 'commerce' },
});
const components = [
  ...Array.from({ length: 12 }, (_, i) => component(`shop-${i}`, 'production')),
  component('lab', 'experimental'),
];

const baseline = {
  quota: { cpu: '2', memory: '4Gi', pods: 20 },
  limits: {
    defaultCpu: '500m',
    defaultMemory: '512Mi',
    defaultRequestCpu: '100m',
    defaultRequestMemory: '128Mi',
  },
};
const type = (extra: object = {}) => ({
  description: 'a type',
  cluster: 'none',
  baseline,
  bounds: { cpu: '4', memory: '8Gi', replicas: 3 },
  ...extra,
});
const types = {
  development: type(),
  staging: type(),
  production: type({ requiresApproval: true }),
  preview: type({ ephemeral: true, ttl: { default: '4h', max: '3d' } }),
};

type Mode = 'embedded' | 'server';
const cases = databases
  .eachSupportedId()
  .flatMap(([databaseId]) =>
    (['embedded', 'server'] as Mode[]).map(mode => [databaseId, mode] as const),
  );

describeWithOpa('platform policies through the API', () => {
  let policies: string;
  let outDir: string;
  let bundlePath: string;

  beforeAll(async () => {
    policies = await copyPolicies();
    await editPolicyData(policies, config => {
      config.environments.limits.default.maxTtl = { preview: '1d' };
    });
    outDir = await mkdtemp(join(tmpdir(), 'idp-policy-api-'));
    bundlePath = await buildTestBundle(outDir, policies);
  });

  afterAll(async () => {
    await rm(policies, { recursive: true, force: true });
    await rm(outDir, { recursive: true, force: true });
  });

  describe.each(cases)('on %s, %s', (databaseId, mode) => {
    let knex: Knex;
    let api: ReturnType<typeof request>;
    let stopBackend: () => Promise<void>;
    let stopServer = async () => {};

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      let policy: object = { mode: 'embedded', bundlePath };
      if (mode === 'server') {
        const server = await startOpaServer(bundlePath);
        stopServer = server.stop;
        policy = { mode: 'server', serverUrl: server.url, bundlePath };
      }
      const backend = await startTestBackend({
        features: [
          environmentsPlugin,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: {
              environments: { adminGroups: [PLATFORM], types, policy },
            },
          }),
          catalogServiceMock.factory({ entities: components }),
          mockServices.permissions.factory(),
          createServiceFactory({
            service: coreServices.userInfo,
            deps: {},
            factory: () => ({
              getUserInfo: async (credentials: BackstageCredentials) => {
                const ref = (credentials as BackstageCredentials<any>).principal
                  .userEntityRef;
                return { userEntityRef: ref, ownershipEntityRefs: [ref, TEAM] };
              },
            }),
          }),
        ],
      });
      api = request(backend.server);
      stopBackend = () => backend.stop();
    });

    afterAll(async () => {
      await stopBackend();
      await stopServer();
    });

    const jane = (method: 'get' | 'post', path: string) =>
      api[method](`/api/environments${path}`).set(
        'Authorization',
        mockCredentials.user.header(JANE),
      );

    const denialOf = (response: request.Response) => {
      expect(response.status).toBe(403);
      expect(response.body.error.name).toBe('PolicyDeniedError');
      return policyDeniedDetailsSchema.parse(response.body.error);
    };

    async function environment(componentRef: string, typeName: string) {
      const response = await jane('post', '/environments').send({
        componentRef,
        type: typeName,
      });
      expect(response.status).toBe(202);
      return response.body.id as string;
    }

    async function succeed(deploymentId: string) {
      const store = await DatabaseDeploymentsStore.create({
        database: { getClient: async () => knex } as any,
      });
      await store.recordRolloutOutcome({
        id: deploymentId,
        state: 'succeeded',
      });
    }

    it('answers the active rules of the bundle', async () => {
      const response = await jane('get', '/policy/rules');
      expect(response.status).toBe(200);
      const rules = policyRuleListSchema.parse(response.body);
      expect(rules.mode).toBe(mode);
      expect(rules.items.map(rule => rule.rule)).toEqual(
        expect.arrayContaining([
          'deployments.allowed_registries',
          'environments.preview_limit_per_team',
          'promotions.soak_time',
        ]),
      );
    });

    it('allows a deploy from an allowed registry, with the decision audited in its transaction', async () => {
      const staging = await environment('component:default/shop-0', 'staging');
      const response = await jane(
        'post',
        `/environments/${staging}/deployments`,
      ).send({ image: 'registry.local/shop:1.1.0' });
      expect(response.status).toBe(202);
      expect(response.body.policy).toMatchObject({
        outcome: 'allow',
        warnings: [],
      });
      const decisions = policyDecisionListSchema.parse(
        (await jane('get', `/policy/decisions?environmentId=${staging}`)).body,
      );
      expect(decisions.items[0]).toMatchObject({
        action: 'deployment.deploy',
        outcome: 'allow',
        environmentId: staging,
        revision: response.body.policy.revision,
      });
    });

    it('denies an image from another registry with 403 listing every rule, and stores nothing', async () => {
      const staging = await environment('component:default/shop-1', 'staging');
      const response = await jane(
        'post',
        `/environments/${staging}/deployments`,
      ).send({ image: 'evil.example.com/shop:latest' });
      const denial = denialOf(response);
      expect(denial.violations.map(v => v.rule)).toEqual([
        'deployments.allowed_registries',
        'deployments.no_latest_outside_development',
      ]);
      expect(denial.violations[0].message).toContain('evil.example.com');
      expect(
        (await jane('get', `/environments/${staging}/deployments`)).body.items,
      ).toEqual([]);
      const audit = await jane('get', `/environments/${staging}/audit`);
      expect(audit.body.items.at(-1)).toMatchObject({
        action: 'policy-deny',
        outcome: 'failed',
      });
      const decisions = await jane(
        'get',
        `/policy/decisions?environmentId=${staging}`,
      );
      expect(decisions.body.items[0]).toMatchObject({
        action: 'deployment.deploy',
        outcome: 'deny',
      });
    });

    it('denies production below its minimum replicas, and returns the digest warning with an allowed one', async () => {
      const production = await environment(
        'component:default/shop-2',
        'production',
      );
      const one = await jane(
        'post',
        `/environments/${production}/deployments`,
      ).send({ image: 'registry.local/shop:1.1.0', replicas: 1 });
      expect(denialOf(one).violations.map(v => v.rule)).toEqual([
        'deployments.production_min_replicas',
      ]);

      const two = await jane(
        'post',
        `/environments/${production}/deployments`,
      ).send({ image: 'registry.local/shop:1.1.0', replicas: 2 });
      expect(two.status).toBe(202);
      expect(two.body.state).toBe('pending-approval');
      expect(two.body.policy.outcome).toBe('warn');
      expect(two.body.policy.warnings.map((w: any) => w.rule)).toEqual([
        'deployments.digest_recommended_for_production',
      ]);
    });

    it('denies a request for a type the component lifecycle does not allow, with nothing stored', async () => {
      const response = await jane('post', '/environments').send({
        componentRef: 'component:default/lab',
        type: 'staging',
      });
      expect(denialOf(response).violations.map(v => v.rule)).toEqual([
        'environments.type_allowed_for_lifecycle',
      ]);
      const listed = await jane(
        'get',
        '/environments?componentRef=component:default/lab',
      );
      expect(listed.body.items).toEqual([]);
      const mine = await jane('get', '/policy/decisions');
      expect(mine.body.items[0]).toMatchObject({
        action: 'environment.request',
        outcome: 'deny',
        componentRef: 'component:default/lab',
      });
      expect(mine.body.items[0].environmentId).toBeUndefined();
    });

    it('denies the sixth preview environment of a team', async () => {
      // Components of their own, so that only previews count here.
      for (let i = 3; i < 8; i++) {
        await environment(`component:default/shop-${i}`, 'preview');
      }
      const sixth = await jane('post', '/environments').send({
        componentRef: 'component:default/shop-8',
        type: 'preview',
      });
      expect(denialOf(sixth).violations.map(v => v.rule)).toContain(
        'environments.preview_limit_per_team',
      );
    });

    it('denies an extension past the team limit, allows one within it', async () => {
      const [preview] = (
        await jane('get', '/environments?componentRef=component:default/shop-3')
      ).body.items;
      const long = await jane(
        'post',
        `/environments/${preview.id}/extend`,
      ).send({ ttl: '2d' });
      expect(denialOf(long).violations.map(v => v.rule)).toEqual([
        'environments.max_ttl',
      ]);
      const short = await jane(
        'post',
        `/environments/${preview.id}/extend`,
      ).send({ ttl: '12h' });
      expect(short.status).toBe(200);
      expect(short.body.policy.outcome).toBe('allow');
    });

    it('denies a promotion before the source soaked, and says so in a dry run without storing it', async () => {
      const staging = await environment('component:default/shop-9', 'staging');
      const production = await environment(
        'component:default/shop-9',
        'production',
      );
      const deployed = await jane(
        'post',
        `/environments/${staging}/deployments`,
      ).send({ image: 'registry.local/shop:1.2.0', replicas: 2 });
      await succeed(deployed.body.id);

      const dryRun = await jane('post', '/policy/evaluate').send({
        action: 'deployment.promote',
        environmentId: production,
        request: {},
      });
      expect(dryRun.status).toBe(200);
      const evaluation = policyEvaluationSchema.parse(dryRun.body);
      expect(evaluation.outcome).toBe('deny');
      expect(evaluation.deny.map(v => v.rule)).toContain(
        'promotions.soak_time',
      );
      expect(evaluation.input).toMatchObject({
        action: 'deployment.promote',
        user: { ref: JANE, groups: [TEAM], isAdmin: false },
        environment: {
          name: 'production',
          lifecycle: 'production',
          system: 'system:default/commerce',
        },
        promotion: { from: { environmentName: 'staging', state: 'succeeded' } },
      });

      const promoted = await jane(
        'post',
        `/environments/${production}/promote`,
      ).send({});
      expect(denialOf(promoted).violations.map(v => v.rule)).toContain(
        'promotions.soak_time',
      );
      expect(
        (await jane('get', `/environments/${production}/deployments`)).body
          .items,
      ).toEqual([]);
    });

    it('checks a rollback too, and answers 400 for a dry run without its environment', async () => {
      const staging = await environment('component:default/shop-10', 'staging');
      const first = await jane(
        'post',
        `/environments/${staging}/deployments`,
      ).send({ image: 'registry.local/shop:1.0.1' });
      await succeed(first.body.id);
      await jane('post', `/environments/${staging}/deployments`).send({
        image: 'registry.local/shop:1.0.2',
      });
      const rollback = await jane(
        'post',
        `/environments/${staging}/rollback`,
      ).send({ deploymentId: first.body.id, reason: 'broken' });
      expect(rollback.status).toBe(202);
      expect(rollback.body.policy.outcome).toBe('allow');

      const missing = await jane('post', '/policy/evaluate').send({
        action: 'deployment.rollback',
        request: { deploymentId: first.body.id, reason: 'x' },
      });
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toContain('environmentId');
    });
  });
});
