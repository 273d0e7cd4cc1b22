// @ts-check

/*
 * The version of what users change on an environment (its spec, its expiry,
 * its deletion), served as the `ETag` of the environment and checked against
 * `If-Match`, so that a change made from a stale read is refused instead of
 * silently undoing another. Status changes by the reconciler leave it alone:
 * they would otherwise make every change race the reconciler.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('environments', table => {
    table
      .integer('version')
      .notNullable()
      .defaultTo(1)
      .comment('Bumped on every change a user makes; the ETag');
  });
  // Existing environments start from their generation, which counted the
  // spec changes so far.
  await knex('environments').update({ version: knex.ref('generation') });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('environments', table => {
    table.dropColumn('version');
  });
  // SQLite has knex rebuild the table to drop a column, recreating its
  // indexes from their parsed SQL; make sure the partial unique indexes that
  // keep live names and namespaces unique are there afterwards.
  if (knex.client.config.client !== 'pg') {
    await knex.raw(
      'CREATE UNIQUE INDEX IF NOT EXISTS environments_live_namespace_uniq ON environments (namespace) WHERE deleted_at IS NULL',
    );
    await knex.raw(
      'CREATE UNIQUE INDEX IF NOT EXISTS environments_live_component_name_uniq ON environments (component_ref, name) WHERE deleted_at IS NULL',
    );
  }
};
