import { TestDatabases } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import { Knex } from 'knex';

const migrationsDir = `${__dirname}/../../migrations`;
const migrationFiles = fs.readdirSync(migrationsDir).sort();
const tables = ['environments', 'environment_jobs', 'environment_audit'];

async function existingTables(knex: Knex): Promise<string[]> {
  const exists = await Promise.all(tables.map(t => knex.schema.hasTable(t)));
  return tables.filter((_table, index) => exists[index]);
}

jest.setTimeout(60_000);

describe('migrations', () => {
  const databases = TestDatabases.create({
    ids: ['POSTGRES_15', 'SQLITE_3'],
  });

  it.each(databases.eachSupportedId())(
    'migrates up to the latest and back down to nothing, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);

      await knex.migrate.latest({ directory: migrationsDir });
      expect(await existingTables(knex)).toEqual(tables);

      for (const _migration of migrationFiles) {
        await knex.migrate.down({ directory: migrationsDir });
      }
      expect(await existingTables(knex)).toEqual([]);

      // Down must leave a database that the migrations can build again.
      await knex.migrate.latest({ directory: migrationsDir });
      expect(await existingTables(knex)).toEqual(tables);
    },
  );
});
