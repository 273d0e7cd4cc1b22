import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { environmentsPlugin } from './plugin';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('environmentsPlugin (%s)', id => {
  it('starts and creates its tables', async () => {
    const knex = await databases.init(id);

    const backend = await startTestBackend({
      features: [environmentsPlugin, mockServices.database.factory({ knex })],
    });

    for (const table of [
      'environments',
      'environment_jobs',
      'environment_audit',
    ]) {
      await expect(knex.schema.hasTable(table)).resolves.toBe(true);
    }
    await backend.stop();
  });

  it('leaves the schema alone when migrations are skipped', async () => {
    const knex = await databases.init(id);

    const backend = await startTestBackend({
      features: [
        environmentsPlugin,
        mockServices.database.factory({ knex, migrations: { skip: true } }),
      ],
    });

    await expect(knex.schema.hasTable('environments')).resolves.toBe(false);
    await backend.stop();
  });

  it('refuses to start with invalid environment types, naming each problem', async () => {
    const knex = await databases.init(id);

    await expect(
      startTestBackend({
        features: [
          environmentsPlugin,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: {
              environments: {
                types: {
                  Preview: { description: 'x' },
                },
              },
            },
          }),
        ],
      }),
    ).rejects.toThrow(/environments\.types\.Preview/);
  });
});
