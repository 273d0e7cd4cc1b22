import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AlphaEntity } from '@backstage/catalog-model/alpha';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import {
  FilterPredicate,
  filterPredicateToFilterFunction,
} from '@backstage/filter-predicates';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import path from 'node:path';
import request from 'supertest';
import { readAppConfig } from './__testUtils__/appConfig';
import {
  environmentTemplates,
  listTemplateFolders,
  readTemplateFolder,
  repoRoot,
  templatesDir,
} from './__testUtils__/templates';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

type CatalogRule = { allow: string[] };
type LocationConfig = { type: string; target: string; rules?: CatalogRule[] };

/** The catalog section of app-config.yaml, as the backend loads it. */
async function appConfigCatalog() {
  return (await readAppConfig()).get('catalog') as {
    rules: CatalogRule[];
    locations: LocationConfig[];
  };
}

/** The Create page's groups, as app-config.yaml configures its templates sub-page. */
async function createPageGroups() {
  const extensions = (await readAppConfig()).get('app.extensions') as Record<
    string,
    { config?: { groups?: { title: string; filter: FilterPredicate }[] } }
  >[];
  const templatesPage = extensions.find(
    e => 'sub-page:scaffolder/templates' in e,
  )?.['sub-page:scaffolder/templates'];
  return (templatesPage?.config?.groups ?? []).map(group => ({
    title: group.title,
    matches: filterPredicateToFilterFunction<Entity>(group.filter),
  }));
}

describe('the templates in the catalog', () => {
  it('shows each template under Create in one group: the golden paths apart from the environment templates', async () => {
    const groups = await createPageGroups();
    const shown = await Promise.all(
      (
        await listTemplateFolders()
      ).map(async name => {
        const { template } = await readTemplateFolder(name);
        return {
          name,
          groups: groups.filter(g => g.matches(template)).map(g => g.title),
        };
      }),
    );
    const inGroup = (title: string) =>
      shown.filter(t => t.groups.includes(title)).map(t => t.name);
    expect(shown.filter(t => t.groups.length !== 1)).toEqual([]);
    expect(inGroup('Golden paths')).toEqual([
      'background-worker',
      'python-http-service',
      'typescript-http-service',
    ]);
    expect(inGroup('Environments and deployments').sort()).toEqual(
      environmentTemplates.map(t => t.template).sort(),
    );
  });

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
