import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AlphaEntity } from '@backstage/catalog-model/alpha';
import { ConfigSources } from '@backstage/config-loader';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import path from 'node:path';
import request from 'supertest';
import {
  listTemplateFolders,
  repoRoot,
  templatesDir,
} from './__testUtils__/templates';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

type CatalogRule = { allow: string[] };
type LocationConfig = { type: string; target: string; rules?: CatalogRule[] };

/** The catalog section of app-config.yaml, as the backend loads it. */
async function appConfigCatalog() {
  const source = ConfigSources.default({
    argv: ['--config', path.join(repoRoot, 'app-config.yaml')],
    remote: undefined,
    substitutionFunc: async name => process.env[name],
  });
  const config = await ConfigSources.toConfig(source);
  // Read once: an open config keeps watching the file.
  config.close();
  return config.get('catalog') as {
    rules: CatalogRule[];
    locations: LocationConfig[];
  };
}

describe('the templates in the catalog', () => {
  it('registers every template in app-config.yaml, where the catalog accepts it', async () => {
    const catalog = await appConfigCatalog();
    // The backend resolves file targets against packages/backend, where it runs.
    const templateLocations = catalog.locations
      .map(location => ({
        ...location,
        target: path.resolve(repoRoot, 'packages/backend', location.target),
      }))
      .filter(location => location.target.startsWith(templatesDir));

    const expected = (await listTemplateFolders()).map(name =>
      path.join(templatesDir, name, 'template.yaml'),
    );
    expect(templateLocations.map(l => l.target).sort()).toEqual(expected);

    // With the configured rules, global and per location, and nothing else
    // in the catalog.
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleScaffolderEntityModel,
        mockServices.database.factory({
          knex: await databases.init('SQLITE_3'),
        }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        mockServices.rootConfig.factory({
          data: { catalog: { ...catalog, locations: templateLocations } },
        }),
      ],
    });

    try {
      const templates = await waitForTemplates(backend.server, expected.length);
      expect(templates.map(t => t.metadata.name).sort()).toEqual(
        await listTemplateFolders(),
      );
      for (const template of templates as AlphaEntity[]) {
        expect({
          template: template.metadata.name,
          errors: template.status?.items ?? [],
        }).toEqual({ template: template.metadata.name, errors: [] });
        expect(template.relations).toEqual(
          expect.arrayContaining([
            { type: 'ownedBy', targetRef: 'group:default/platform-team' },
          ]),
        );
      }
    } finally {
      await backend.stop();
    }
  });
});

/** The catalog ingests asynchronously; a rejected template never shows up. */
async function waitForTemplates(
  server: Parameters<typeof request>[0],
  count: number,
): Promise<Entity[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await request(server)
      .get('/api/catalog/entities/by-query?filter=kind=template')
      .set('Authorization', mockCredentials.user.header());
    const items: Entity[] = res.body.items ?? [];
    const stitched = items.every(e => (e.relations ?? []).length > 0);
    if (items.length >= count && stitched) return items;
    if (Date.now() > deadline) {
      throw new Error(
        `after 60 s the catalog holds ${items.length} of ${count} templates: ${
          items.map(e => e.metadata.name).join(', ') || `none (${res.status})`
        }`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
}
