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
  metadata: { name: 'orders-service', namespace: 'default' },
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
  'environments API: versions and If-Match (%s)',
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
      const as = (method: 'get' | 'post' | 'patch', path: string) =>
        api[method](`/api/environments${path}`).set(
          'Authorization',
          mockCredentials.user.header(JANE),
        );
      const created = await as('post', '/environments').send({
        componentRef: 'component:orders-service',
        type: 'preview',
        name: 'pr-1',
      });
      expect(created.status).toBe(202);
      return { as, id: created.body.id as string };
    }

    it('answers the version as ETag, and a new one with each change', async () => {
      const { as, id } = await startApi();

      const read = await as('get', `/environments/${id}`);
      expect(read.status).toBe(200);
      expect(read.headers.etag).toBe('"1"');
      expect(read.body.version).toBe(1);

      const changed = await as('patch', `/environments/${id}`)
        .set('If-Match', read.headers.etag)
        .send({ overrides: { memory: '2Gi' } });
      expect(changed.status).toBe(202);
      expect(changed.headers.etag).toBe('"2"');

      const extended = await as('post', `/environments/${id}/extend`)
        .set('If-Match', changed.headers.etag)
        .send({ ttl: '1d' });
      expect(extended.status).toBe(200);
      expect(extended.headers.etag).toBe('"3"');
      expect((await as('get', `/environments/${id}`)).headers.etag).toBe('"3"');
    });

    it('lets one of two PATCHes from the same version through and answers the other 412', async () => {
      const { as, id } = await startApi();
      const { etag } = (await as('get', `/environments/${id}`)).headers;

      const answers = await Promise.all([
        as('patch', `/environments/${id}`)
          .set('If-Match', etag)
          .send({ overrides: { memory: '2Gi' } }),
        as('patch', `/environments/${id}`)
          .set('If-Match', etag)
          .send({ image: 'ghcr.io/acme/orders:2.0' }),
      ]);

      expect(answers.map(a => a.status).sort()).toEqual([202, 412]);
      const refused = answers.find(a => a.status === 412)!;
      expect(refused.body.error).toMatchObject({
        name: 'StaleVersionError',
        message: expect.stringContaining(
          'changed since it was read; read it again and retry the change',
        ),
      });
      expect(refused.body.error.stack).toBeUndefined();
      const stored = await as('get', `/environments/${id}`);
      expect(stored.body.version).toBe(2);
      // Only the accepted change is in the spec.
      const accepted = answers.find(a => a.status === 202)!;
      expect(stored.body.spec).toEqual(accepted.body.spec);
    });

    it('is never answered from a cache: status changes keep the ETag', async () => {
      const { as, id } = await startApi();
      const read = await as('get', `/environments/${id}`);
      expect(read.headers['cache-control']).toBe('no-store');

      // A browser revalidating its copy must get the current body, not a 304.
      const again = await as('get', `/environments/${id}`).set(
        'If-None-Match',
        read.headers.etag,
      );
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(id);
    });

    it('applies both of two PATCHes sent at once without If-Match, one after the other', async () => {
      const { as, id } = await startApi();

      const answers = await Promise.all([
        as('patch', `/environments/${id}`).send({
          overrides: { memory: '2Gi' },
        }),
        as('patch', `/environments/${id}`).send({
          image: 'ghcr.io/acme/orders:2.0',
        }),
      ]);

      expect(answers.map(a => a.status)).toEqual([202, 202]);
      const stored = await as('get', `/environments/${id}`);
      expect(stored.body.spec).toMatchObject({
        overrides: { memory: '2Gi' },
        image: 'ghcr.io/acme/orders:2.0',
      });
      expect(stored.body.version).toBe(3);
      expect(answers.map(a => a.body.version).sort()).toEqual([2, 3]);
    });

    it('answers 412 to an extension from a stale version, and 400 to an If-Match that is no version', async () => {
      const { as, id } = await startApi();
      await as('patch', `/environments/${id}`).send({
        overrides: { memory: '2Gi' },
      });

      const stale = await as('post', `/environments/${id}/extend`)
        .set('If-Match', '"1"')
        .send({ ttl: '1d' });
      expect(stale.status).toBe(412);
      expect(stale.body.error.message).toMatch(/is at version 2, not 1/);

      const anyVersion = await as('post', `/environments/${id}/extend`)
        .set('If-Match', '*')
        .send({ ttl: '1d' });
      expect(anyVersion.status).toBe(200);

      const garbage = await as('patch', `/environments/${id}`)
        .set('If-Match', 'yesterday')
        .send({ overrides: { memory: '1Gi' } });
      expect(garbage.status).toBe(400);
      expect(garbage.body.error.message).toMatch(/^If-Match: /);
    });
  },
);
