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
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import request from 'supertest';
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
  spec: { type: 'service', lifecycle: 'production', owner: 'team-orders' },
};
const config = {
  environments: {
    types: {
      preview: {
        description: 'Short-lived',
        cluster: 'local',
        ephemeral: true,
        ttl: { default: '4h', max: '3d' },
        baseline: {
          quota: { cpu: '2', memory: '4Gi', pods: 20 },
          limits: {
            defaultCpu: '500m',
            defaultMemory: '512Mi',
            defaultRequestCpu: '100m',
            defaultRequestMemory: '128Mi',
          },
        },
        bounds: { cpu: '2', memory: '4Gi' },
      },
    },
  },
};

describe.each(databases.eachSupportedId())(
  'pages of the environments API (%s)',
  databaseId => {
    async function startApi() {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          environmentsPlugin,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({ data: config }),
          catalogServiceMock.factory({ entities: [orders] }),
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
        ],
      });
      const api = request(server);
      return (method: 'get' | 'post' | 'patch' | 'delete', path: string) =>
        api[method](`/api/environments${path}`).set(
          'Authorization',
          mockCredentials.user.header(JANE),
        );
    }

    /** Every item of a list, a page of `limit` at a time, and the page sizes. */
    async function everyPage(
      as: Awaited<ReturnType<typeof startApi>>,
      path: string,
      limit: number,
    ) {
      const ids: string[] = [];
      const sizes: number[] = [];
      let pageToken: string | undefined;
      do {
        const response = await as('get', path).query({ limit, pageToken });
        expect(response.status).toBe(200);
        ids.push(...response.body.items.map((item: { id: string }) => item.id));
        sizes.push(response.body.items.length);
        pageToken = response.body.nextPageToken;
      } while (pageToken);
      return { ids, sizes };
    }

    it('lists environments a page at a time, oldest first, each once', async () => {
      const as = await startApi();
      const created: string[] = [];
      for (let i = 0; i < 7; i++) {
        const response = await as('post', '/environments').send({
          componentRef: 'component:orders-service',
          type: 'preview',
          name: `pr-${i}`,
        });
        expect(response.status).toBe(202);
        created.push(response.body.id);
      }

      const pages = await everyPage(as, '/environments', 3);
      expect(pages).toEqual({ ids: created, sizes: [3, 3, 1] });
      // Without a limit, up to 100: everything here.
      const all = await as('get', '/environments');
      expect(all.body.items.map((e: { id: string }) => e.id)).toEqual(created);
      expect(all.body.nextPageToken).toBeUndefined();
    });

    it('pages the audit trail', async () => {
      const as = await startApi();
      const { body } = await as('post', '/environments').send({
        componentRef: 'component:orders-service',
        type: 'preview',
        name: 'pr-1',
      });
      for (const ttl of ['5h', '6h', '7h', '8h']) {
        expect(
          (await as('post', `/environments/${body.id}/extend`).send({ ttl }))
            .status,
        ).toBe(200);
      }

      const whole = await as('get', `/environments/${body.id}/audit`);
      const pages = await everyPage(as, `/environments/${body.id}/audit`, 2);

      expect(whole.body.items.map((e: { id: string }) => e.id)).toEqual(
        pages.ids,
      );
      expect(pages.ids).toHaveLength(5);
      expect(pages.sizes).toEqual([2, 2, 1]);
    });

    it('pages the status history', async () => {
      const as = await startApi();
      const { body } = await as('post', '/environments').send({
        componentRef: 'component:orders-service',
        type: 'preview',
        name: 'pr-1',
      });
      expect((await as('delete', `/environments/${body.id}`)).status).toBe(202);

      const path = `/environments/${body.id}/status-history`;
      const whole = await as('get', path);
      const pages = await everyPage(as, path, 1);

      // requested, then deleting, and whatever the reconciler added between.
      expect(whole.body.items.length).toBeGreaterThanOrEqual(2);
      expect(pages.ids).toHaveLength(whole.body.items.length);
      expect(pages.sizes.every(size => size === 1)).toBe(true);
    });

    it.each([
      ['limit=501', 'limit'],
      ['limit=0', 'limit'],
      ['limit=ten', 'limit'],
      ['pageToken=not-a-token', 'pageToken'],
      [
        `pageToken=${Buffer.from('["soon",1]').toString('base64url')}`,
        'pageToken',
      ],
    ])('answers 400 naming the parameter for %s', async (query, field) => {
      const as = await startApi();

      for (const path of [
        '/environments',
        '/environments/x/audit',
        '/environments/x/status-history',
      ]) {
        const response = await as('get', `${path}?${query}`);
        expect(response.status).toBe(400);
        expect(response.body.error.message).toContain(field);
      }
    });
  },
);
