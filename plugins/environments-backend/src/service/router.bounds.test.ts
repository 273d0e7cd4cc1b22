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
import environmentsModulePostgresql from '@internal/backstage-plugin-environments-backend-module-postgresql';
import { environmentsPlugin } from '../plugin';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const JANE = 'user:default/jane';
const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-orders' },
});

const baseline = {
  quota: { cpu: '2', memory: '4Gi', storage: '40Gi' },
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
      preview: {
        description: 'Short-lived',
        cluster: 'local',
        ephemeral: true,
        ttl: { default: '4h', max: '3d' },
        baseline,
        bounds: { cpu: '2', memory: '4Gi', storage: '20Gi', resources: 2 },
        maxEnvironments: { perComponent: 2, perTeam: 3 },
      },
    },
  },
};

// The bounds a type sets on a request, and its caps on live environments,
// through the HTTP API on both databases.
describe.each(databases.eachSupportedId())(
  'bounds of environment types (%s)',
  databaseId => {
    async function startApi() {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          environmentsPlugin,
          environmentsModulePostgresql,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({ data: config }),
          catalogServiceMock.factory({
            entities: [component('orders-service'), component('payments')],
          }),
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
    const preview = (name: string, componentName = 'orders-service') => ({
      componentRef: `component:${componentName}`,
      type: 'preview',
      name,
    });

    it('answers 400 on storage beyond the bound, naming the field and the bound', async () => {
      const as = await startApi();

      const response = await as('post', '/environments').send({
        ...preview('pr-1'),
        resources: [{ type: 'postgresql', name: 'orders-db', storage: '1Pi' }],
      });

      expect(response.status).toBe(400);
      expect(response.body.error.issues).toEqual([
        {
          field: 'resources.0.storage',
          rule: 'must be at most 20Gi for type preview (got "1Pi")',
        },
      ]);
      expect(response.body.error.message).toContain(
        'resources.0.storage: must be at most 20Gi for type preview (got "1Pi")',
      );
    });

    it('answers 400 on more resources than the type allows', async () => {
      const as = await startApi();

      const response = await as('post', '/environments').send({
        ...preview('pr-1'),
        resources: ['a', 'b', 'c'].map(name => ({ type: 'postgresql', name })),
      });

      expect(response.status).toBe(400);
      expect(response.body.error.issues).toEqual([
        {
          field: 'resources',
          rule: 'must list at most 2 resources for type preview (got 3)',
        },
      ]);
    });

    it('holds a change to the same bounds, and keeps the spec', async () => {
      const as = await startApi();
      const created = await as('post', '/environments').send({
        ...preview('pr-1'),
        resources: [{ type: 'postgresql', name: 'orders-db', storage: '1Gi' }],
      });
      expect(created.status).toBe(202);

      const response = await as(
        'patch',
        `/environments/${created.body.id}`,
      ).send({
        resources: [{ type: 'postgresql', name: 'orders-db', storage: '1Pi' }],
      });

      expect(response.status).toBe(400);
      expect(response.body.error.issues).toEqual([
        {
          field: 'resources.0.storage',
          rule: 'must be at most 20Gi for type preview (got "1Pi")',
        },
      ]);
      const stored = await as('get', `/environments/${created.body.id}`);
      expect(stored.body.spec.resources).toEqual([
        { type: 'postgresql', name: 'orders-db', storage: '1Gi' },
      ]);
    });

    it('answers 409 naming the cap once a component has its most live environments, and counts none being deleted', async () => {
      const as = await startApi();
      const first = await as('post', '/environments').send(preview('pr-1'));
      expect(first.status).toBe(202);
      expect(
        (await as('post', '/environments').send(preview('pr-2'))).status,
      ).toBe(202);

      const third = await as('post', '/environments').send(preview('pr-3'));

      expect(third.status).toBe(409);
      expect(third.body.error.name).toBe('ConflictError');
      expect(third.body.error.message).toBe(
        'Type preview allows at most 2 live environments per component (maxEnvironments.perComponent), and component component:default/orders-service has 2: delete one of them first',
      );

      expect(
        (await as('delete', `/environments/${first.body.id}`)).status,
      ).toBe(202);
      expect(
        (await as('post', '/environments').send(preview('pr-3'))).status,
      ).toBe(202);
    });

    it('answers 409 naming the cap once a team has its most live environments, across its components', async () => {
      const as = await startApi();
      for (const [name, componentName] of [
        ['pr-1', 'orders-service'],
        ['pr-2', 'orders-service'],
        ['pr-1', 'payments'],
      ]) {
        const response = await as('post', '/environments').send(
          preview(name, componentName),
        );
        expect(response.status).toBe(202);
      }

      const fourth = await as('post', '/environments').send(
        preview('pr-2', 'payments'),
      );

      expect(fourth.status).toBe(409);
      expect(fourth.body.error.message).toBe(
        'Type preview allows at most 3 live environments per team (maxEnvironments.perTeam), and team group:default/team-orders has 3: delete one of them first',
      );
    });
  },
);
