import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  databaseServiceFactory,
  sqliteLockFile,
} from './databaseServiceFactory';
import { processStart } from './singleReplicaLock';

/** A plugin that opens its database at start, as every stateful plugin does. */
const notesPlugin = createBackendPlugin({
  pluginId: 'notes',
  register(env) {
    env.registerInit({
      deps: { database: coreServices.database },
      async init({ database }) {
        const knex = await database.getClient();
        if (!(await knex.schema.hasTable('notes'))) {
          await knex.schema.createTable('notes', table => table.string('text'));
        }
      },
    });
  },
});

describe('the database service on SQLite', () => {
  let dataDir: string;
  const running: Array<{ stop(): Promise<void> }> = [];
  const children: ChildProcess[] = [];

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idp-sqlite-'));
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map(backend => backend.stop()));
    children.splice(0).forEach(child => child.kill());
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const lockFile = () => path.join(dataDir, 'backend.lock');

  async function startBackend() {
    const backend = await startTestBackend({
      features: [
        databaseServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            backend: {
              database: {
                client: 'better-sqlite3',
                connection: { directory: dataDir },
              },
            },
          },
        }),
        notesPlugin,
      ],
    });
    running.push(backend);
    return backend;
  }

  it('refuses a second backend on the same data, saying to use PostgreSQL', async () => {
    await startBackend();
    expect(fs.existsSync(path.join(dataDir, 'notes.sqlite'))).toBe(true);

    await expect(startBackend()).rejects.toThrow(
      /SQLite database can serve only one backend replica.*use PostgreSQL/,
    );
  });

  it('frees the data on shutdown, for the next backend', async () => {
    await startBackend();
    expect(JSON.parse(fs.readFileSync(lockFile(), 'utf8'))).toMatchObject({
      pid: process.pid,
      host: os.hostname(),
    });
    await running.pop()!.stop();
    expect(fs.existsSync(lockFile())).toBe(false);

    await expect(startBackend()).resolves.toBeDefined();
  });

  it('refuses while another live process holds the lock', async () => {
    const holder = spawn(process.execPath, [
      '-e',
      'setTimeout(() => {}, 60000)',
    ]);
    children.push(holder);
    fs.writeFileSync(
      lockFile(),
      JSON.stringify({
        pid: holder.pid,
        host: os.hostname(),
        since: 'then',
        started: processStart(holder.pid!),
      }),
    );

    await expect(startBackend()).rejects.toThrow(
      `another backend (pid ${
        holder.pid
      } on ${os.hostname()}, since then) holds ${lockFile()}`,
    );
  });

  it('takes over the lock of a backend that died without releasing it', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    fs.writeFileSync(
      lockFile(),
      JSON.stringify({ pid: dead, host: os.hostname(), since: 'then' }),
    );

    await startBackend();
    expect(JSON.parse(fs.readFileSync(lockFile(), 'utf8')).pid).toBe(
      process.pid,
    );
    await expect(startBackend()).rejects.toThrow(/use PostgreSQL/);
  });

  it('takes over a lock whose pid now runs another process', async () => {
    const other = spawn(process.execPath, [
      '-e',
      'setTimeout(() => {}, 60000)',
    ]);
    children.push(other);
    fs.writeFileSync(
      lockFile(),
      JSON.stringify({
        pid: other.pid,
        host: os.hostname(),
        since: 'then',
        // The dead backend's process started at another time than this one.
        started: `${Number(processStart(other.pid!)) - 1}`,
      }),
    );

    await startBackend();
    expect(JSON.parse(fs.readFileSync(lockFile(), 'utf8')).pid).toBe(
      process.pid,
    );
  });

  it('leaves PostgreSQL and in-memory SQLite unlocked', async () => {
    const config = (database: object) =>
      mockServices.rootConfig({ data: { backend: { database } } });
    expect(
      sqliteLockFile(config({ client: 'pg', connection: 'postgresql://x' })),
    ).toBeUndefined();
    expect(
      sqliteLockFile(
        config({ client: 'better-sqlite3', connection: ':memory:' }),
      ),
    ).toBeUndefined();
    expect(
      sqliteLockFile(
        config({ client: 'better-sqlite3', connection: { filename: 'a.db' } }),
      ),
    ).toBe('a.db.lock');
  });
});
