import { Knex } from 'knex';
import { AuditPage } from '../model';

/**
 * One page of an environment's records in the order they were written:
 * `at`, then `id`, which breaks ties between records of the same
 * millisecond; `after` is the last record of the previous page.
 */
export function pageOfRecords<Row extends {}>(
  db: Knex,
  table: string,
  environmentId: string,
  { after, limit }: AuditPage = {},
): Knex.QueryBuilder<Row, Row[]> {
  const query = db<Row>(table)
    .where('environment_id', environmentId)
    .orderBy(['at', 'id']);
  if (after) {
    query.where(later =>
      later
        .where('at', '>', after.at)
        .orWhere(tie =>
          tie.where('at', after.at).andWhere('id', '>', after.id),
        ),
    );
  }
  if (limit !== undefined) {
    query.limit(limit);
  }
  return query as Knex.QueryBuilder<Row, Row[]>;
}
