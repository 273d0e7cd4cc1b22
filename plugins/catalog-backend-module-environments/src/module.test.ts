import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockServices,
  startTestBackend,
  TestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import { Environment } from '@internal/backstage-plugin-environments-common';
import { fakeEnvironmentsBackend } from './__testUtils__/fakeEnvironmentsBackend';
import { catalogModuleEnvironments } from './module';

// The catalog, the events backend and the scheduler each migrate their own
// tables, so each plugin gets a database of its own, as in production.
function databasePerPlugin(databases: TestDatabases, id: TestDatabaseId) {
  return createServiceFactory({
    service: coreServices.database,
    deps: {},
    async factory() {
      const client = databases.init(id);
      return { getClient: () => client };
    },
  });
}

const CATALOG_INFO = `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: orders-service
spec:
  type: service
  lifecycle: production
  owner: group:default/team-orders
  system: system:default/orders
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: orders
spec:
  owner: group:default/team-orders
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-orders
spec:
  type: team
  children: []
`;

function anEnvironment(
  overrides: Partial<Environment> & Pick<Environment, 'id' | 'name'>,
): Environment {
  return {
    namespace: `orders-service-${overrides.name}`,
    componentRef: 'component:default/orders-service',
    ownerRef: 'group:default/team-orders',
    systemRef: 'system:default/orders',
    type: overrides.name,
    status: 'ready',
    conditions: [],
    spec: {
      componentRef: 'component:default/orders-service',
      type: overrides.name,
      name: overrides.name,
      resources: [],
    },
    createdBy: 'user:default/jane.doe',
    createdAt: '2026-11-21T09:00:00.000Z',
    updatedAt: '2026-11-21T09:00:00.000Z',
    ...overrides,
  };
}

/** Polls `read` until `accept` holds, and says how long that took. */
async function eventually<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<{ value: T; elapsedMs: number }> {
  const start = Date.now();
  for (;;) {
    const value = await read();
    const elapsedMs = Date.now() - start;
    if (accept(value)) {
      return { value, elapsedMs };
    }
    if (elapsedMs > timeoutMs) {
      throw new Error(
        `Gave up after ${elapsedMs} ms; last seen: ${JSON.stringify(value)}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

const statusOf = (entity: Entity | undefined) =>
  entity?.metadata.annotations?.['environments.idp.dev/status'];

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'catalogModuleEnvironments on %s',
  databaseId => {
    const mockDir = createMockDirectory();
    const development = anEnvironment({
      id: 'env-development',
      name: 'development',
    });
    const preview = anEnvironment({
      id: 'env-preview',
      name: 'pr-42',
      type: 'preview',
      systemRef: undefined,
      status: 'provisioning',
      expiresAt: '2026-11-21T13:00:00.000Z',
    });
    const environments = fakeEnvironmentsBackend([development, preview]);
    let backend: TestBackend;

    async function getEntity(ref: string): Promise<Entity | undefined> {
      const [kind, namespaceAndName] = ref.split(':');
      const response = await fetch(
        `http://localhost:${backend.server.port()}/api/catalog/entities/by-name/${kind}/${namespaceAndName}`,
      );
      if (response.status === 404) {
        return undefined;
      }
      if (!response.ok) {
        throw new Error(`The catalog answered ${response.status} for ${ref}`);
      }
      return response.json();
    }

    beforeAll(async () => {
      mockDir.setContent({ 'catalog-info.yaml': CATALOG_INFO });
      backend = await startTestBackend({
        features: [
          databasePerPlugin(databases, databaseId),
          schedulerServiceFactory,
          // The real events service. The events backend, which carries
          // events between replicas, is left out: its 55 second long polls
          // hold up the shutdown of the test server, and events published in
          // one backend reach the subscribers in it either way.
          eventsServiceFactory,
          mockServices.rootConfig.factory({
            data: {
              app: { baseUrl: 'http://portal.test' },
              catalog: {
                rules: [
                  { allow: ['Component', 'System', 'Group', 'Resource'] },
                ],
                locations: [
                  {
                    type: 'file',
                    target: mockDir.resolve('catalog-info.yaml'),
                  },
                ],
              },
            },
          }),
          catalogPlugin,
          catalogModuleEnvironments,
          environments.plugin,
        ],
      });
    }, 120_000);

    afterAll(async () => {
      await backend?.stop();
    }, 30_000);

    // One backend per database: the tests below are the steps of a life,
    // in order, each starting from where the one before left the catalog.

    it('puts every live environment in the catalog at start, listing as its own service', async () => {
      const { value: started } = await eventually(
        async () => [
          await getEntity('resource:default/orders-service-development'),
          await getEntity('resource:default/orders-service-pr-42'),
        ],
        found => found.every(entity => entity !== undefined),
        60_000,
      );
      expect(started[0]).toMatchObject({
        kind: 'Resource',
        metadata: {
          title: 'orders-service · development',
          annotations: {
            'environments.idp.dev/id': 'env-development',
            'environments.idp.dev/status': 'ready',
            'backstage.io/kubernetes-label-selector':
              'environments.idp.dev/id=env-development',
          },
          labels: { 'environments.idp.dev/status': 'ready' },
          links: [{ url: 'http://portal.test/environments/env-development' }],
        },
        spec: { type: 'environment', owner: 'group:default/team-orders' },
      });
      expect(started[1]).toMatchObject({
        metadata: {
          annotations: {
            'environments.idp.dev/status': 'provisioning',
            'environments.idp.dev/expires-at': '2026-11-21T13:00:00.000Z',
          },
        },
      });
      expect(environments.listCallers).toEqual(['plugin:catalog']);
    }, 90_000);

    it('relates each environment to its component, owner and system, both ways', async () => {
      const { value: component } = await eventually(
        () => getEntity('component:default/orders-service'),
        found =>
          (found?.relations ?? []).some(
            r =>
              r.type === 'dependsOn' &&
              r.targetRef === 'resource:default/orders-service-pr-42',
          ),
      );
      expect(component?.relations).toEqual(
        expect.arrayContaining([
          {
            type: 'dependsOn',
            targetRef: 'resource:default/orders-service-development',
          },
          {
            type: 'dependsOn',
            targetRef: 'resource:default/orders-service-pr-42',
          },
        ]),
      );

      const environment = await getEntity(
        'resource:default/orders-service-development',
      );
      expect(environment?.relations).toEqual(
        expect.arrayContaining([
          {
            type: 'dependencyOf',
            targetRef: 'component:default/orders-service',
          },
          { type: 'ownedBy', targetRef: 'group:default/team-orders' },
          { type: 'partOf', targetRef: 'system:default/orders' },
        ]),
      );

      const { value: team } = await eventually(
        () => getEntity('group:default/team-orders'),
        found =>
          (found?.relations ?? []).some(
            r =>
              r.type === 'ownerOf' &&
              r.targetRef === 'resource:default/orders-service-development',
          ),
      );
      expect(team).toBeDefined();
    }, 30_000);

    it('shows a status change in the catalog within seconds of the event', async () => {
      const publishedAt = Date.now();
      await environments.change({
        ...development,
        status: 'failed',
        reason: 'QuotaExceeded: pods "api-0" is forbidden: exceeded quota',
        updatedAt: '2026-11-21T09:05:00.000Z',
      });

      const { value: entity } = await eventually(
        () => getEntity('resource:default/orders-service-development'),
        found => statusOf(found) === 'failed',
      );
      const delayMs = Date.now() - publishedAt;
      console.info(
        `${databaseId}: a status change reached the catalog ${delayMs} ms after its event`,
      );

      expect(delayMs).toBeLessThan(5_000);
      expect(entity?.metadata.annotations).toMatchObject({
        'environments.idp.dev/status-reason':
          'QuotaExceeded: pods "api-0" is forbidden: exceeded quota',
      });
      expect(entity?.metadata.labels).toMatchObject({
        'environments.idp.dev/status': 'failed',
      });
      // The change came with the event, not with another full sync.
      expect(environments.listCallers).toHaveLength(1);
    }, 30_000);

    it('adds an environment created after start', async () => {
      await environments.change(
        anEnvironment({
          id: 'env-staging',
          name: 'staging',
          status: 'requested',
          updatedAt: '2026-11-21T09:06:00.000Z',
        }),
      );

      const { value: entity } = await eventually(
        () => getEntity('resource:default/orders-service-staging'),
        found => found !== undefined,
      );
      expect(statusOf(entity)).toBe('requested');
    }, 30_000);

    it('removes a deleted environment from the catalog', async () => {
      await environments.change({
        ...preview,
        status: 'deleting',
        updatedAt: '2026-11-21T09:07:00.000Z',
      });
      await eventually(
        () => getEntity('resource:default/orders-service-pr-42'),
        found => statusOf(found) === 'deleting',
      );

      const deletedAt = Date.now();
      await environments.change({
        ...preview,
        status: 'deleted',
        updatedAt: '2026-11-21T09:08:00.000Z',
      });

      await eventually(
        () => getEntity('resource:default/orders-service-pr-42'),
        found => found === undefined,
      );
      console.info(
        `${databaseId}: a deleted environment left the catalog ${
          Date.now() - deletedAt
        } ms after its event`,
      );
      const { value: component } = await eventually(
        () => getEntity('component:default/orders-service'),
        found =>
          !(found?.relations ?? []).some(
            r => r.targetRef === 'resource:default/orders-service-pr-42',
          ),
      );
      expect(component).toBeDefined();
    }, 30_000);

    it('catches up on lost events with the next full sync', async () => {
      environments.changeSilently({
        ...development,
        status: 'ready',
        updatedAt: '2026-11-21T09:09:00.000Z',
      });
      environments.changeSilently(
        anEnvironment({
          id: 'env-staging',
          name: 'staging',
          status: 'deleted',
          updatedAt: '2026-11-21T09:09:00.000Z',
        }),
      );

      const trigger = await fetch(
        `http://localhost:${backend.server.port()}/api/catalog/.backstage/scheduler/v1/tasks/${encodeURIComponent(
          'environments:full-sync',
        )}/trigger`,
        { method: 'POST' },
      );
      expect(trigger.status).toBe(200);

      await eventually(
        () => getEntity('resource:default/orders-service-development'),
        found => statusOf(found) === 'ready',
      );
      await expect(
        getEntity('resource:default/orders-service-staging'),
      ).resolves.toBeUndefined();
      expect(environments.listCallers).toHaveLength(2);
    }, 30_000);
  },
);
