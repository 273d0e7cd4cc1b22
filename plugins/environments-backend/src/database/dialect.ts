import { Knex } from 'knex';

export function isPostgres(db: Knex): boolean {
  return db.client.config.client === 'pg';
}

/**
 * Locks the selected rows until the transaction ends on PostgreSQL. SQLite
 * needs no row locks (it lets one writer at a time in) and knex would only
 * warn about them.
 */
export function lockedOnPostgres<T extends Knex.QueryBuilder>(
  db: Knex,
  query: T,
): T {
  return isPostgres(db) ? (query.forUpdate() as T) : query;
}

/** Whether a database error is a unique constraint or index violation. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  // 23505 is PostgreSQL's unique_violation.
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
