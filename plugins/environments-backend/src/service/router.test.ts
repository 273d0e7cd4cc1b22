import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import environmentsModulePostgresql from '@internal/backstage-plugin-environments-backend-module-postgresql';
import { environmentsPlugin } from '../plugin';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const JANE = 'user:default/jane';
const orders: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'orders-service',
    namespace: 'default',
    annotations: { 'environments.idp.dev/image': 'ghcr.io/acme/orders:1.0' },
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'team-orders',
    system: 'shop',
  },
};
const website: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'website', namespace: 'default' },
  spec: { type: 'website', lifecycle: 'production' },
};

const baseline = {
  quota: { cpu: '2', memory: '4Gi', pods: 20 },
  limits: {
    defaultCpu: '500m',
    defaultMemory: '512Mi',
    defaultRequestCpu: '100m',
    defaultRequestMemory: '128Mi',
  },
};
const config = {
  environments: {
    types: {
      development: {
        description: 'Day to day',
        cluster: 'local',
        baseline,
        bounds: { cpu: '4', memory: '8Gi' },
      },
      preview: {
        description: 'Short-lived',
        cluster: 'local',
        ephemeral: true,
        ttl: { default: '4h', max: '3d' },
        baseline,
        bounds: { cpu: '2', memory: '4Gi' },
      },
    },
  },
};

describe.each(databases.eachSupportedId())(
  'environments API (%s)',
  databaseId => {
    async function startApi(
      options: {
        permissions?: ReturnType<typeof mockServices.permissions.mock>;
      } = {},
    ) {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          environmentsPlugin,
          environmentsModulePostgresql,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({ data: config }),
          catalogServiceMock.factory({ entities: [orders, website] }),
          createServiceFactory({
            service: coreServices.userInfo,
            deps: {},
            factory: () => ({
              getUserInfo: async () => ({
                userEntityRef: JANE,
                ownershipEntityRefs: [JANE, 'group:default/team-orders'],
              }),
            }),
          }),
          ...(options.permissions
            ? [
                createServiceFactory({
                  service: coreServices.permissions,
                  deps: {},
                  factory: () => options.permissions!,
                }),
              ]
            : []),
        ],
      });
      const api = request(server);
      const as = (method: 'get' | 'post' | 'patch' | 'delete', path: string) =>
        api[method](`/api/environments${path}`).set(
          'Authorization',
          mockCredentials.user.header(JANE),
        );
      return { as, api };
    }

    it('stores a valid request and answers 202 with where to follow it', async () => {
      const { as } = await startApi();

      const response = await as('post', '/environments').send({
        componentRef: 'component:orders-service',
        type: 'preview',
        name: 'pr-42',
      });

      expect(response.status).toBe(202);
      expect(response.headers.location).toBe(
        `/api/environments/environments/${response.body.id}`,
      );
      expect(response.body).toMatchObject({
        name: 'pr-42',
        namespace: 'orders-service-pr-42-85d49c7db0',
        componentRef: 'component:default/orders-service',
        ownerRef: 'group:default/team-orders',
        systemRef: 'system:default/shop',
        type: 'preview',
        status: 'requested',
        createdBy: JANE,
        spec: { ttl: '4h', resources: [] },
      });
      const expiresIn = Date.parse(response.body.expiresAt) - Date.now();
      expect(expiresIn).toBeGreaterThan(4 * 3600_000 - 60_000);
      expect(expiresIn).toBeLessThanOrEqual(4 * 3600_000);

      const followed = await as('get', `/environments/${response.body.id}`);
      expect(followed.status).toBe(200);
      // The reconciler may already have touched status and reason (no cluster
      // is configured here); what was requested stays as it was.
      const { id, name, namespace, spec, createdAt, expiresAt } = response.body;
      expect(followed.body).toMatchObject({
        id,
        name,
        namespace,
        spec,
        createdAt,
        expiresAt,
      });
    });

    it('rejects invalid input with 400, naming every field and rule, and stores nothing', async () => {
      const { as } = await startApi();

      const response = await as('post', '/environments').send({
        componentRef: 'component:orders-service',
        type: 'preview',
        name: 'Not_A_Label',
        ttl: '9d',
        overrides: { cpu: '3' },
      });

      expect(response.status).toBe(400);
      expect(response.body.error.name).toBe('InputError');
      expect(response.body.error.issues).toEqual([
        { field: 'name', rule: expect.stringMatching(/DNS-1123|lowercase/) },
        { field: 'ttl', rule: expect.stringContaining('at most 3d') },
        { field: 'overrides.cpu', rule: expect.stringContaining('at most 2') },
      ]);
      expect(response.body.error.message).toContain('overrides.cpu:');
      expect(response.body.error.stack).toBeUndefined();
      expect((await as('get', '/environments')).body.items).toEqual([]);
    });

    it('answers 400 for an unknown type, listing the configured ones', async () => {
      const { as } = await startApi();

      const response = await as('post', '/environments').send({
        componentRef: 'component:orders-service',
        type: 'qa',
      });

      expect(response.status).toBe(400);
      expect(response.body.error.issues).toEqual([
        {
          field: 'type',
          rule: expect.stringContaining('development, preview'),
        },
      ]);
    });

    it('answers 400 for a resource type without an installed driver, listing the installed ones', async () => {
      const { as } = await startApi();

      const response = await as('post', '/environments').send({
        componentRef: 'component:orders-service',
        type: 'development',
        resources: [
          { type: 'postgresql', name: 'orders-db' },
          { type: 'redis', name: 'sessions' },
        ],
      });

      expect(response.status).toBe(400);
      expect(response.body.error.issues).toEqual([
        {
          field: 'resources.1.type',
          rule: 'must be a resource type this platform has a driver for: postgresql (got "redis")',
        },
      ]);
      expect((await as('get', '/environments')).body.items).toEqual([]);
    });

    it('answers 400 when the body has the wrong shape', async () => {
      const { as } = await startApi();

      const response = await as('post', '/environments').send({
        componentRef: 42,
        type: 'preview',
      });

      expect(response.status).toBe(400);
      expect(response.body.error.message).toMatch(/componentRef/);
    });

    it('answers 404 for a component that is not in the catalog', async () => {
      const { as } = await startApi();

      const response = await as('post', '/environments').send({
        componentRef: 'component:default/ghost',
        type: 'development',
      });

      expect(response.status).toBe(404);
      expect(response.body.error).toMatchObject({
        name: 'NotFoundError',
        message:
          "Component 'component:default/ghost' was not found in the catalog",
      });
    });

    it('answers 409 when the name is taken, and frees it once deleted', async () => {
      const { as } = await startApi();
      const body = {
        componentRef: 'component:orders-service',
        type: 'development',
      };
      const first = await as('post', '/environments').send(body);
      expect(first.status).toBe(202);

      const second = await as('post', '/environments').send(body);
      expect(second.status).toBe(409);
      expect(second.body.error.name).toBe('ConflictError');
      expect(second.body.error.message).toContain('development');

      const deleted = await as('delete', `/environments/${first.body.id}`);
      expect(deleted.status).toBe(202);
      expect(deleted.body.status).toBe('deleting');
    });

    it('re-queues the teardown of an environment stuck in deleting, on a second DELETE and on /reconcile', async () => {
      const { as } = await startApi();
      const created = await as('post', '/environments').send({
        componentRef: 'component:orders-service',
        type: 'development',
      });
      expect(created.status).toBe(202);
      // No cluster is configured here: the teardown cannot finish.
      await as('delete', `/environments/${created.body.id}`);

      const again = await as('delete', `/environments/${created.body.id}`);
      expect(again.status).toBe(202);
      expect(again.body.status).toBe('deleting');

      const reconciled = await as(
        'post',
        `/environments/${created.body.id}/reconcile`,
      );
      expect(reconciled.status).toBe(202);
      expect(reconciled.body.status).toBe('deleting');
    });

    it('answers 403 when the permission framework denies, and stores nothing', async () => {
      const { as } = await startApi({
        permissions: mockServices.permissions.mock({
          authorizeConditional: async requests =>
            requests.map(() => ({ result: AuthorizeResult.DENY })),
        }),
      });

      const response = await as('post', '/environments').send({
        componentRef: 'component:orders-service',
        type: 'development',
      });

      expect(response.status).toBe(403);
      expect(response.body.error).toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining('group:default/team-orders'),
      });
    });

    it('applies conditional decisions: owners yes, others no', async () => {
      const { as } = await startApi({
        permissions: mockServices.permissions.mock({
          authorizeConditional: async requests =>
            requests.map(r => ({
              result: AuthorizeResult.CONDITIONAL,
              pluginId: 'environments',
              resourceType: 'environment',
              conditions: {
                rule: 'IS_ENVIRONMENT_OWNER',
                resourceType: 'environment',
                params: { claims: [JANE, 'group:default/team-orders'] },
              },
              ...r,
            })) as any,
        }),
      });

      const owned = await as('post', '/environments').send({
        componentRef: 'component:orders-service',
        type: 'development',
      });
      expect(owned.status).toBe(202);

      // The website has no owner in this catalog; nobody owns its environments.
      const notOwned = await as('post', '/environments').send({
        componentRef: 'component:website',
        type: 'development',
      });
      expect(notOwned.status).toBe(400);
      expect(notOwned.body.error.message).toContain('has no owner');
    });

    it('lists, changes, extends, deletes, and keeps an audit trail of it all', async () => {
      const { as } = await startApi();
      const created = await as('post', '/environments').send({
        componentRef: 'component:orders-service',
        type: 'preview',
        name: 'pr-7',
      });
      const { id } = created.body;

      const listed = await as(
        'get',
        `/environments?componentRef=${encodeURIComponent(
          'component:orders-service',
        )}`,
      );
      expect(listed.body).toEqual({ items: [expect.objectContaining({ id })] });
      expect(listed.body.items.map((e: { id: string }) => e.id)).toEqual([id]);
      // As people type it, with ":" and "/" not encoded.
      const typed = await as(
        'get',
        '/environments?componentRef=component:default/orders-service',
      );
      expect(typed.status).toBe(200);
      expect(typed.body.items.map((e: { id: string }) => e.id)).toEqual([id]);
      expect(
        (await as('get', '/environments?type=development')).body.items,
      ).toEqual([]);

      const tooMuch = await as('patch', `/environments/${id}`).send({
        overrides: { memory: '64Gi' },
      });
      expect(tooMuch.status).toBe(400);
      expect(tooMuch.body.error.issues).toEqual([
        {
          field: 'overrides.memory',
          rule: expect.stringContaining('at most 4Gi'),
        },
      ]);
      const notChangeable = await as('patch', `/environments/${id}`).send({
        type: 'development',
      });
      expect(notChangeable.status).toBe(400);

      const changed = await as('patch', `/environments/${id}`).send({
        overrides: { memory: '2Gi' },
        resources: [{ type: 'postgresql', name: 'orders-db' }],
      });
      expect(changed.status).toBe(202);
      expect(changed.body.spec).toMatchObject({
        overrides: { memory: '2Gi' },
        resources: [{ type: 'postgresql', name: 'orders-db' }],
      });

      const beyondMax = await as('post', `/environments/${id}/extend`).send({
        ttl: '4d',
      });
      expect(beyondMax.status).toBe(400);
      expect(beyondMax.body.error.issues[0]).toMatchObject({ field: 'ttl' });

      const extended = await as('post', `/environments/${id}/extend`).send({
        ttl: '1d',
      });
      expect(extended.status).toBe(200);
      expect(Date.parse(extended.body.expiresAt)).toBeGreaterThan(
        Date.parse(created.body.expiresAt),
      );

      expect((await as('delete', `/environments/${id}`)).status).toBe(202);
      const afterDelete = await as('patch', `/environments/${id}`).send({
        overrides: { memory: '1Gi' },
      });
      expect(afterDelete.status).toBe(400);

      const audit = await as('get', `/environments/${id}/audit`);
      expect(audit.status).toBe(200);
      expect(
        audit.body.items.map(
          (e: { action: string; actor: string; outcome: string }) => [
            e.action,
            e.actor,
            e.outcome,
          ],
        ),
      ).toEqual([
        ['create', JANE, 'succeeded'],
        ['update-spec', JANE, 'succeeded'],
        ['extend-expiry', JANE, 'succeeded'],
        ['delete', JANE, 'initiated'],
      ]);
    });

    it('answers the status history, oldest first, as recorded with each change', async () => {
      const { as } = await startApi();
      const created = await as('post', '/environments').send({
        componentRef: 'component:orders-service',
        type: 'development',
      });
      const { id } = created.body;
      expect((await as('delete', `/environments/${id}`)).status).toBe(202);

      const response = await as('get', `/environments/${id}/status-history`);

      expect(response.status).toBe(200);
      const items: { status: string; reason?: string; at: string }[] =
        response.body.items;
      // The reconciler may have moved the environment on in between (no
      // cluster is configured here); the history starts and ends the same.
      expect(items[0]).toEqual({
        status: 'requested',
        at: created.body.createdAt,
      });
      expect(items[items.length - 1]).toMatchObject({ status: 'deleting' });
      const times = items.map(item => Date.parse(item.at));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(
        (await as('get', '/environments/nope/status-history')).status,
      ).toBe(404);
    });

    it('shows the status history only to those who may read the environment', async () => {
      const { as } = await startApi({
        permissions: mockServices.permissions.mock({
          authorizeConditional: async requests =>
            requests.map(r => ({
              result:
                r.permission.name === 'environments.environment.read'
                  ? AuthorizeResult.DENY
                  : AuthorizeResult.ALLOW,
            })),
        }),
      });
      const created = await as('post', '/environments').send({
        componentRef: 'component:orders-service',
        type: 'development',
      });
      expect(created.status).toBe(202);

      const response = await as(
        'get',
        `/environments/${created.body.id}/status-history`,
      );

      expect(response.status).toBe(403);
      expect(response.body.error.name).toBe('NotAllowedError');
    });

    it('answers 404 for an unknown environment', async () => {
      const { as } = await startApi();

      for (const response of [
        await as('get', '/environments/nope'),
        await as('delete', '/environments/nope'),
        await as('get', '/environments/nope/audit'),
      ]) {
        expect(response.status).toBe(404);
        expect(response.body.error.name).toBe('NotFoundError');
      }
    });

    it('describes the types, and refuses callers who are not signed in', async () => {
      const { as, api } = await startApi();

      const types = await as('get', '/types');
      expect(types.body.items.map((t: { name: string }) => t.name)).toEqual([
        'development',
        'preview',
      ]);
      expect(types.body.items[1]).toMatchObject({
        ephemeral: true,
        ttl: { default: '4h', max: '3d' },
        allowed: true,
      });

      const anonymous = await api
        .get('/api/environments/environments')
        .set('Authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);
    });
  },
);
