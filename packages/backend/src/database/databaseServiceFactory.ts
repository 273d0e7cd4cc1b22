import {
  coreServices,
  createServiceFactory,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { DatabaseManager } from '@backstage/backend-defaults/database';
import { ConfigReader } from '@backstage/config';
import path from 'node:path';
import { acquireSingleReplicaLock, HeldLock } from './singleReplicaLock';

const SQLITE_CLIENTS = ['better-sqlite3', 'sqlite3'];

/**
 * The lock file of the SQLite data `backend.database` names: `backend.lock` in its
 * `connection.directory` (one file per plugin), or `<file>.lock` beside a single
 * `connection.filename`; none for PostgreSQL or an in-memory database.
 */
export function sqliteLockFile(config: RootConfigService): string | undefined {
  const database = config.getOptionalConfig('backend.database');
  if (!database || !SQLITE_CLIENTS.includes(database.getString('client'))) {
    return undefined;
  }
  const connection = database.getOptional('connection');
  if (typeof connection === 'string') {
    return connection === ':memory:' ? undefined : `${connection}.lock`;
  }
  const directory = database.getOptionalString('connection.directory');
  if (directory) return path.join(directory, 'backend.lock');
  const filename = database.getOptionalString('connection.filename');
  return filename && filename !== ':memory:' ? `${filename}.lock` : undefined;
}

/**
 * Backstage's database service, refusing to start a second backend on the same SQLite
 * data: SQLite has no way for two replicas to share it (each would run every `global`
 * task and hold its own copy of state in memory), so more than one replica needs
 * PostgreSQL. The lock is taken before any plugin opens its database and released on
 * shutdown.
 */
export const databaseServiceFactory = createServiceFactory({
  service: coreServices.database,
  deps: {
    config: coreServices.rootConfig,
    lifecycle: coreServices.lifecycle,
    logger: coreServices.logger,
    pluginMetadata: coreServices.pluginMetadata,
    rootLifecycle: coreServices.rootLifecycle,
    rootLogger: coreServices.rootLogger,
  },
  async createRootContext({ config, rootLifecycle, rootLogger }) {
    const lockFile = sqliteLockFile(config);
    if (lockFile) {
      let lock: HeldLock;
      try {
        lock = acquireSingleReplicaLock(lockFile);
      } catch (error) {
        // Said once, plainly, before every plugin reports that it cannot start.
        rootLogger.error(String(error));
        throw error;
      }
      rootLifecycle.addShutdownHook(() => lock.release());
      rootLogger.info('SQLite database locked for this single replica', {
        lockFile: lock.file,
      });
    }
    // As Backstage's own factory: an in-memory SQLite database when none is configured.
    return DatabaseManager.fromConfig(
      config.getOptional('backend.database')
        ? config
        : new ConfigReader({
            backend: {
              database: { client: 'better-sqlite3', connection: ':memory:' },
            },
          }),
      { rootLifecycle, rootLogger },
    );
  },
  async factory({ pluginMetadata, lifecycle, logger }, databaseManager) {
    return databaseManager.forPlugin(pluginMetadata.getId(), {
      lifecycle,
      logger,
    });
  },
});
