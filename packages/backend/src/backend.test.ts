import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AlphaEntity } from '@backstage/catalog-model/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { backendFeatures } from './features';
import { localConfigWithAbsoluteLocations } from './__testUtils__/config';
import {
  DatabaseUnderTest,
  postgresUnderTest,
  sqliteUnderTest,
} from './__testUtils__/databases';

jest.setTimeout(180_000);

const databases: DatabaseUnderTest[] = [sqliteUnderTest(), postgresUnderTest()];

describe.each(databases)('the backend on $name', database => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const config = await localConfigWithAbsoluteLocations();
    (config.backend as any).database = database.config();
    const backend = await startTestBackend({
      features: [
        ...backendFeatures,
        mockServices.rootConfig.factory({ data: config }),
        // The real scheduler, so that background work runs as in production.
        schedulerServiceFactory,
        // Every decision allowed: this test is about the seed catalog and search;
        // the platform policy is walked in permissions.integration.test.ts.
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
  });

  afterAll(async () => {
    await stop?.();
    await database.cleanup();
  });

  async function allEntities(): Promise<Entity[]> {
    const res = await request(server)
      .get('/api/catalog/entities/by-query?limit=1000')
      .set('Authorization', mockCredentials.user.header());
    if (res.status !== 200)
      throw new Error(`catalog query: ${res.status} ${res.text}`);
    return res.body.items;
  }

  /** The catalog ingests asynchronously; wait until the seed has been processed. */
  async function seedCatalog(): Promise<Entity[]> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const entities = await allEntities();
      const components = entities.filter(e => e.kind === 'Component');
      const stitched = components.every(e => (e.relations ?? []).length > 0);
      if (components.length >= 10 && stitched) return entities;
      if (Date.now() > deadline) {
        throw new Error(
          `seed catalog not ready: ${components.length} components`,
        );
      }
      await new Promise(r => setTimeout(r, 500));
    }
  }

  it('serves the seed catalog with every kind the portal shows', async () => {
    const entities = await seedCatalog();
    const count = (kind: string, type?: string) =>
      entities.filter(
        e => e.kind === kind && (!type || (e.spec as any)?.type === type),
      ).length;

    expect(count('Group', 'team')).toBeGreaterThanOrEqual(3);
    expect(count('User')).toBeGreaterThanOrEqual(8);
    expect(count('System')).toBe(3);
    expect(count('Component')).toBeGreaterThanOrEqual(8);
    expect(count('Component', 'service')).toBeGreaterThanOrEqual(3);
    expect(count('Component', 'website')).toBeGreaterThanOrEqual(1);
    expect(count('Component', 'library')).toBeGreaterThanOrEqual(1);
    expect(count('API')).toBe(3);
  });

  it('reports no processing errors for any seed entity', async () => {
    const entities = await seedCatalog();
    const errors = (entities as AlphaEntity[]).flatMap(e =>
      (e.status?.items ?? []).map(
        item => `${e.kind}:${e.metadata.name}: ${item.error?.message}`,
      ),
    );
    expect(errors).toEqual([]);
  });

  it('relates a service to its owner, system, APIs and dependencies', async () => {
    await seedCatalog();
    const res = await request(server)
      .get('/api/catalog/entities/by-name/component/default/orders-service')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    const relations = (res.body.relations as Entity['relations'])!.map(
      r => `${r.type} ${r.targetRef}`,
    );
    expect(relations).toEqual(
      expect.arrayContaining([
        'ownedBy group:default/storefront-team',
        'partOf system:default/storefront',
        'providesApi api:default/orders-api',
        'consumesApi api:default/payments-api',
        'dependsOn component:default/payments-service',
        'dependsOn resource:default/orders-db',
      ]),
    );
  });

  it('serves the OpenAPI definition of each API', async () => {
    await seedCatalog();
    const res = await request(server)
      .get('/api/catalog/entities/by-name/api/default/payments-api')
      .set('Authorization', mockCredentials.user.header());
    expect(res.body.spec.type).toBe('openapi');
    expect(res.body.spec.definition).toMatch(/^openapi: 3\.0\.\d/m);
    expect(res.body.spec.definition).toContain('operationId: capturePayment');
  });

  it('finds catalog entities through search', async () => {
    // PostgreSQL: the database-backed search engine; SQLite: the in-memory Lunr engine.
    const deadline = Date.now() + 90_000;
    for (;;) {
      const res = await request(server)
        .get('/api/search/query?term=payments&types[0]=software-catalog')
        .set('Authorization', mockCredentials.user.header());
      const titles = (res.body.results ?? []).map((r: any) => r.document.title);
      if (titles.includes('Payments Service')) break;
      if (Date.now() > deadline) {
        throw new Error(`search found only: ${JSON.stringify(titles)}`);
      }
      await new Promise(r => setTimeout(r, 1000));
    }
  });
});
