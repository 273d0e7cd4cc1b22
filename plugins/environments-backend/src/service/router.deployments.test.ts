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
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Knex } from 'knex';
import request from 'supertest';
import { DatabaseDeploymentsStore } from '../database/DatabaseDeploymentsStore';
import { environmentsPlugin } from '../plugin';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const JANE = 'user:default/jane'; // owns orders-service
const ADA = 'user:default/ada'; // platform team: approves production
const MALLORY = 'user:default/mallory'; // neither
const TEAM = 'group:default/team-orders';
const PLATFORM = 'group:default/platform-team';
const SECRET_VALUE = 'correct-horse-battery-staple';

const groupsOf: Record<string, string[]> = {
  [JANE]: [JANE, TEAM],
  [ADA]: [ADA, PLATFORM],
  [MALLORY]: [MALLORY],
};

/** One component per test, each with its own development, staging and production. */
const components: Entity[] = Array.from({ length: 10 }, (_, index) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: `orders-${index + 1}`,
    namespace: 'default',
    annotations: { 'environments.idp.dev/image': 'ghcr.io/acme/orders:1.0.0' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-orders' },
}));

const baseline = {
  quota: { cpu: '2', memory: '4Gi', pods: 20 },
  limits: {
    defaultCpu: '500m',
    defaultMemory: '512Mi',
    defaultRequestCpu: '100m',
    defaultRequestMemory: '128Mi',
  },
  workload: { env: { LOG_LEVEL: 'info' } },
};
const type = (extra: object = {}) => ({
  description: 'a type',
  cluster: 'local',
  baseline,
  bounds: { cpu: '4', memory: '8Gi', replicas: 3 },
  ...extra,
});
const config = {
  environments: {
    adminGroups: [PLATFORM],
    // mockCredentials' service principal, standing in for the CI token's `ci`.
    ci: { subjects: ['external:test-service'] },
    types: {
      development: type(),
      staging: type(),
      production: type({ requiresApproval: true }),
    },
  },
};

/** Owners and admins deploy; everyone reads and may be asked to approve; Mallory only reads. */
const permissions = mockServices.permissions.mock({
  authorizeConditional: async (requests, options) => {
    const { principal } = options.credentials as BackstageCredentials<any>;
    const refused =
      principal?.userEntityRef === MALLORY &&
      requests.some(r => !r.permission.name.endsWith('.read'));
    return requests.map(() => ({
      result: refused ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
    }));
  },
});

describe.each(databases.eachSupportedId())(
  'deployments API (%s)',
  databaseId => {
    let knex: Knex;
    let api: ReturnType<typeof request>;
    let stop: () => Promise<void>;
    const responses: unknown[] = [];

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      const backend = await startTestBackend({
        features: [
          environmentsPlugin,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({ data: config }),
          catalogServiceMock.factory({ entities: components }),
          createServiceFactory({
            service: coreServices.permissions,
            deps: {},
            factory: () => permissions,
          }),
          createServiceFactory({
            service: coreServices.userInfo,
            deps: {},
            factory: () => ({
              getUserInfo: async (credentials: BackstageCredentials) => {
                const ref = (credentials as BackstageCredentials<any>).principal
                  .userEntityRef;
                return {
                  userEntityRef: ref,
                  ownershipEntityRefs: groupsOf[ref] ?? [ref],
                };
              },
            }),
          }),
        ],
      });
      api = request(backend.server);
      stop = () => backend.stop();
    });

    afterAll(async () => {
      await stop();
    });

    const as =
      (user: string) =>
      (method: 'get' | 'post' | 'put' | 'delete', path: string) =>
        api[method](`/api/environments${path}`)
          .set('Authorization', mockCredentials.user.header(user))
          .on('response', response => responses.push(response.text));
    const jane = as(JANE);
    const ada = as(ADA);
    const mallory = as(MALLORY);

    /** A deployment rolls out without a cluster here; this records that it succeeded. */
    async function succeed(id: string) {
      const store = await DatabaseDeploymentsStore.create({
        database: { getClient: async () => knex } as any,
      });
      await store.recordRolloutOutcome({ id, state: 'succeeded' });
    }

    let counter = 0;
    async function environments() {
      counter += 1;
      const component = `component:default/orders-${counter}`;
      const created: Record<string, string> = {};
      for (const name of ['development', 'staging', 'production']) {
        const response = await jane('post', '/environments').send({
          componentRef: component,
          type: name,
        });
        expect(response.status).toBe(202);
        created[name] = response.body.id;
      }
      return created;
    }

    it('answers the configuration, deploys, lists, gets and diffs', async () => {
      const { development } = await environments();

      const configuration = await jane(
        'get',
        `/environments/${development}/configuration`,
      );
      expect(configuration.status).toBe(200);
      expect(configuration.headers['cache-control']).toBe('no-store');
      expect(configuration.body).toMatchObject({
        config: {
          image: 'ghcr.io/acme/orders:1.0.0',
          env: { LOG_LEVEL: 'info' },
        },
        origins: { image: 'component', 'env.LOG_LEVEL': 'baseline' },
      });

      const first = await jane(
        'post',
        `/environments/${development}/deployments`,
      ).send({
        tag: '1.1.0',
        replicas: 2,
      });
      expect(first.status).toBe(202);
      expect(first.body).toMatchObject({
        state: 'rolling-out',
        version: '1.1.0',
        config: { replicas: 2 },
        createdBy: JANE,
      });
      const second = await jane(
        'post',
        `/environments/${development}/deployments`,
      ).send({
        tag: '1.2.0',
        replicas: null,
      });
      expect(second.status).toBe(202);

      const history = await jane(
        'get',
        `/environments/${development}/deployments?limit=1`,
      );
      expect(history.status).toBe(200);
      expect(history.body.items.map((d: any) => d.id)).toEqual([
        second.body.id,
      ]);
      const older = await jane(
        'get',
        `/environments/${development}/deployments?limit=1&pageToken=${history.body.nextPageToken}`,
      );
      expect(older.body.items.map((d: any) => d.id)).toEqual([first.body.id]);

      const got = await mallory('get', `/deployments/${first.body.id}`);
      expect(got.status).toBe(200);
      expect(got.body.state).toBe('superseded');

      const diff = await jane(
        'get',
        `/deployments/${first.body.id}/diff?to=${second.body.id}`,
      );
      expect(diff.status).toBe(200);
      expect(diff.body.text).toContain('- replicas: 2');
      expect(
        (await jane('get', `/deployments/${first.body.id}/diff`)).status,
      ).toBe(400);
    });

    it('answers 400 naming the field and rule, 403, 404 and 409, never 500', async () => {
      const { development, staging } = await environments();

      const invalid = await jane(
        'post',
        `/environments/${development}/deployments`,
      ).send({
        replicas: -1,
        tag: '-bad',
      });
      expect(invalid.status).toBe(400);
      expect(invalid.body.error.issues).toEqual(
        expect.arrayContaining([
          { field: 'replicas', rule: 'must not be negative' },
          {
            field: 'tag',
            rule: expect.stringContaining('must be an image tag'),
          },
        ]),
      );
      expect(invalid.body.error.stack).toBeUndefined();

      const beyond = await jane(
        'post',
        `/environments/${development}/deployments`,
      ).send({
        replicas: 9,
      });
      expect(beyond.status).toBe(400);
      expect(beyond.body.error.issues).toEqual([
        { field: 'replicas', rule: expect.stringContaining('at most 3') },
      ]);

      const denied = await mallory(
        'post',
        `/environments/${development}/deployments`,
      ).send({});
      expect(denied.status).toBe(403);

      expect(
        (await jane('post', '/environments/nope/deployments').send({})).status,
      ).toBe(404);
      expect((await jane('get', '/deployments/nope')).status).toBe(404);
      expect(
        (await jane('get', '/deployments/no%20such')).body.error.message,
      ).toBe("No deployment with id 'no such'");

      expect((await jane('delete', `/environments/${staging}`)).status).toBe(
        202,
      );
      const deleting = await jane(
        'post',
        `/environments/${staging}/deployments`,
      ).send({});
      expect(deleting.status).toBe(409);
    });

    it('rolls back to a succeeded deployment only, pinning the environment against CI', async () => {
      const { development, staging } = await environments();
      const good = await jane(
        'post',
        `/environments/${development}/deployments`,
      ).send({
        tag: '1.1.0',
      });
      await succeed(good.body.id);
      const bad = await jane(
        'post',
        `/environments/${development}/deployments`,
      ).send({
        tag: '1.2.0',
      });

      expect(
        (
          await jane('post', `/environments/${development}/rollback`).send({
            deploymentId: good.body.id,
          })
        ).body.error.issues,
      ).toEqual([{ field: 'reason', rule: 'is required' }]);
      expect(
        (
          await jane('post', `/environments/${development}/rollback`).send({
            deploymentId: bad.body.id,
            reason: 'not succeeded',
          })
        ).status,
      ).toBe(409);
      expect(
        (
          await jane('post', `/environments/${staging}/rollback`).send({
            deploymentId: good.body.id,
            reason: 'wrong environment',
          })
        ).status,
      ).toBe(404);

      const rollback = await jane(
        'post',
        `/environments/${development}/rollback`,
      ).send({
        deploymentId: good.body.id,
        reason: 'Checkout errors',
      });
      expect(rollback.status).toBe(202);
      expect(rollback.body).toMatchObject({
        kind: 'rollback',
        rollbackOf: good.body.id,
      });

      const ci = await api
        .post('/api/environments/ci/deployments')
        .set('Authorization', mockCredentials.service.header())
        .send({
          componentRef: `component:default/orders-${counter}`,
          environment: 'development',
          image: 'ghcr.io/acme/orders:1.3.0',
          commit: { sha: 'abcdef1' },
        });
      expect(ci.status).toBe(409);
      expect(ci.body.error.name).toBe('PinnedEnvironmentError');

      const view = await jane(
        'get',
        `/what-runs-where?componentRef=component:default/orders-${counter}`,
      );
      expect(view.status).toBe(200);
      const entry = view.body.environments.find(
        (e: any) => e.environmentId === development,
      );
      expect(entry.pin).toMatchObject({ deploymentId: rollback.body.id });
      expect((await jane('get', '/what-runs-where')).status).toBe(400);
    });

    it('deploys from CI by environment name, for the configured subjects only', async () => {
      const { development } = await environments();
      const body = {
        componentRef: `component:default/orders-${counter}`,
        environment: 'development',
        image: 'ghcr.io/acme/orders:2.0.0',
        commit: { sha: 'abcdef1' },
      };

      const ci = await api
        .post('/api/environments/ci/deployments')
        .set('Authorization', mockCredentials.service.header())
        .send(body);
      expect(ci.status).toBe(202);
      expect(ci.body).toMatchObject({
        environmentId: development,
        source: 'ci',
        createdBy: 'external:test-service',
      });
      expect((await mallory('post', '/ci/deployments').send(body)).status).toBe(
        403,
      );
      expect(
        (
          await jane('post', '/ci/deployments').send({
            ...body,
            environment: 'qa',
          })
        ).status,
      ).toBe(404);
      expect(
        (
          await jane('post', '/ci/deployments').send({
            ...body,
            commit: { sha: 'xyz' },
          })
        ).body.error.issues,
      ).toEqual([
        { field: 'commit.sha', rule: expect.stringContaining('commit SHA') },
      ]);
    });

    it('promotes along the path, and waits for an approver other than the requester', async () => {
      const { development, staging, production } = await environments();
      const dev = await jane(
        'post',
        `/environments/${development}/deployments`,
      ).send({
        tag: '3.0.0',
      });

      expect(
        (await jane('post', `/environments/${staging}/promote`).send({}))
          .status,
      ).toBe(409);
      await succeed(dev.body.id);
      expect(
        (
          await jane('post', `/environments/${production}/promote`).send({
            deploymentId: dev.body.id,
          })
        ).status,
      ).toBe(400);

      const toStaging = await jane(
        'post',
        `/environments/${staging}/promote`,
      ).send({});
      expect(toStaging.status).toBe(202);
      expect(toStaging.body).toMatchObject({
        kind: 'promotion',
        version: '3.0.0',
        promotedFrom: { deploymentId: dev.body.id },
      });
      await succeed(toStaging.body.id);

      const toProduction = await jane(
        'post',
        `/environments/${production}/promote`,
      ).send({});
      expect(toProduction.status).toBe(202);
      expect(toProduction.body).toMatchObject({
        state: 'pending-approval',
        approval: { groups: [PLATFORM] },
      });
      const id = toProduction.body.id;

      const pending = await ada('get', '/approvals');
      expect(pending.body.items.map((d: any) => d.id)).toContain(id);
      expect(
        (await jane('get', '/approvals')).body.items.map((d: any) => d.id),
      ).not.toContain(id);

      const own = await jane('post', `/deployments/${id}/approve`).send({
        comment: 'mine',
      });
      expect(own.status).toBe(403);
      expect(own.body.error.message).toBe(
        'You cannot approve your own deployment',
      );
      expect(
        (
          await mallory('post', `/deployments/${id}/approve`).send({
            comment: 'ok',
          })
        ).status,
      ).toBe(403);
      expect(
        (await ada('post', `/deployments/${id}/approve`).send({})).status,
      ).toBe(400);

      const approved = await ada('post', `/deployments/${id}/approve`).send({
        comment: 'Go',
      });
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({
        state: 'rolling-out',
        approval: { decision: { outcome: 'approved', by: ADA, comment: 'Go' } },
      });
      expect(
        (
          await ada('post', `/deployments/${id}/reject`).send({
            comment: 'late',
          })
        ).status,
      ).toBe(409);
    });

    it('keeps secret values out of every answer, and refuses bad keys, strangers and unknown environments', async () => {
      const { development } = await environments();

      const badKey = await jane(
        'put',
        `/environments/${development}/secrets/bad%20key`,
      ).send({
        value: SECRET_VALUE,
      });
      expect(badKey.status).toBe(400);
      expect(badKey.body.error.issues).toEqual([
        { field: 'key', rule: expect.stringContaining('letters, digits') },
      ]);
      const empty = await jane(
        'put',
        `/environments/${development}/secrets/db-password`,
      ).send({
        value: '',
      });
      expect(empty.body.error.issues).toEqual([
        { field: 'value', rule: 'must not be empty' },
      ]);
      expect(
        (
          await mallory(
            'put',
            `/environments/${development}/secrets/db-password`,
          ).send({
            value: SECRET_VALUE,
          })
        ).status,
      ).toBe(403);
      expect(
        (await mallory('get', `/environments/${development}/secrets`)).status,
      ).toBe(403);
      expect(
        (await jane('delete', `/environments/nope/secrets/db-password`)).status,
      ).toBe(404);

      // No cluster here: the write itself fails, and its answer says only a log id.
      const written = await jane(
        'put',
        `/environments/${development}/secrets/db-password`,
      ).send({
        value: SECRET_VALUE,
      });
      expect(written.text).not.toContain(SECRET_VALUE);
      const audit = await jane('get', `/environments/${development}/audit`);
      expect(audit.text).not.toContain(SECRET_VALUE);
    });

    // Last, since the tests of a file run in order: what they all received.
    it('answered no request of this suite with a secret value that was set', () => {
      expect(responses.length).toBeGreaterThan(0);
      expect(JSON.stringify(responses)).not.toContain(SECRET_VALUE);
    });
  },
);
