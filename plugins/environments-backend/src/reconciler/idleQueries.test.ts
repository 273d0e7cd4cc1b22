import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { writeFileSync } from 'node:fs';
import { environmentsPlugin } from '../plugin';

/*
 * What an idle replica costs the database: the whole plugin, started as in
 * production with nothing to do, for IDP_IDLE_SECONDS (12 s, more than one
 * safety poll). `./platform benchmark` runs this and prints the figures it
 * writes to IDP_IDLE_QUERIES_REPORT.
 */

const IDLE_SECONDS = Number(process.env.IDP_IDLE_SECONDS ?? 12);

jest.setTimeout((IDLE_SECONDS + 60) * 1000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const report: Record<string, { jobQueue: number; all: number }> = {};

afterAll(() => {
  if (process.env.IDP_IDLE_QUERIES_REPORT) {
    writeFileSync(
      process.env.IDP_IDLE_QUERIES_REPORT,
      JSON.stringify({ seconds: IDLE_SECONDS, databases: report }),
    );
  }
});

describe.each(databases.eachSupportedId())('an idle replica (%s)', id => {
  it('makes at most 1 query a second from the job machinery', async () => {
    const knex = await databases.init(id);
    const backend = await startTestBackend({
      features: [environmentsPlugin, mockServices.database.factory({ knex })],
    });
    // Start-up (migrations, the first look at the queue) is not idle.
    await new Promise(resolve => setTimeout(resolve, 1_000));

    const queries: string[] = [];
    const count = (query: { sql: string }) => queries.push(query.sql);
    knex.on('query', count);
    await new Promise(resolve => setTimeout(resolve, IDLE_SECONDS * 1000));
    knex.off('query', count);
    await backend.stop();

    const perSecond = (n: number) => n / IDLE_SECONDS;
    const jobQueue = perSecond(
      queries.filter(sql => sql.includes('environment_jobs')).length,
    );
    report[id] = { jobQueue, all: perSecond(queries.length) };
    expect(jobQueue).toBeLessThanOrEqual(1);
  });
});
