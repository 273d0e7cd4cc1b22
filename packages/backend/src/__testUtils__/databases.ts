import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';

/**
 * The PostgreSQL server that integration tests use: the one named by the connection
 * string Backstage's TestDatabases reads, by default the local server on 127.0.0.1:5432.
 */
export const postgresConnectionString =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??
  'postgresql://postgres@127.0.0.1:5432/postgres';

export type DatabaseUnderTest = {
  name: 'SQLite' | 'PostgreSQL';
  /** backend.database config for a fresh, isolated set of plugin databases. */
  config: () => Record<string, unknown>;
  /** Drops whatever the test created. */
  cleanup: () => Promise<void>;
};

export function sqliteUnderTest(): DatabaseUnderTest {
  return {
    name: 'SQLite',
    config: () => ({ client: 'better-sqlite3', connection: ':memory:' }),
    cleanup: async () => {},
  };
}

/** Each run gets its own database name prefix, so parallel runs never meet. */
export function postgresUnderTest(): DatabaseUnderTest {
  const prefix = `idp_test_${randomBytes(4).toString('hex')}_`;
  return {
    name: 'PostgreSQL',
    config: () => ({
      client: 'pg',
      connection: postgresConnectionString,
      prefix,
    }),
    cleanup: async () => {
      const admin = knexFactory({
        client: 'pg',
        connection: postgresConnectionString,
      });
      try {
        const { rows } = await admin.raw(
          'SELECT datname FROM pg_database WHERE datname LIKE ?',
          [`${prefix}%`],
        );
        for (const { datname } of rows) {
          await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [datname]);
        }
      } finally {
        await admin.destroy();
      }
    },
  };
}
