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
  if (knex.client.config.client === 'pg') {
    await knex.schema.alterTable('environments', table => {
      table.dropColumn('version');
    });
    return;
  }
  // SQLite drops the column in place (3.35 and later). knex's dropColumn would
  // rebuild the table instead and recreate its indexes from their parsed SQL,
  // which must not put the partial unique indexes that keep live names and
  // namespaces unique at risk.
  await knex.raw('ALTER TABLE environments DROP COLUMN version');
};
