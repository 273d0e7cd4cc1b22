// @ts-check

/*
 * The approval an environment of a gated type (`requiresApproval`) waits for
 * before anything is provisioned: who may decide and what they decided, as
 * JSON in the shape of the contract's approval, and until when it is pending,
 * as a column of its own so that the expiry task and the approvals list find
 * pending ones by index instead of parsing every row.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('environments', table => {
    table
      .text('approval')
      .nullable()
      .comment('JSON: groups, expiresAt and the decision, when one was needed');
    table
      .timestamp('approval_pending_until', { useTz: true })
      .nullable()
      .comment('Set while the approval is pending: when it expires');
    table.index(
      ['approval_pending_until'],
      'environments_approval_pending_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('environments', table => {
    table.dropIndex([], 'environments_approval_pending_idx');
  });
  if (knex.client.config.client === 'pg') {
    await knex.schema.alterTable('environments', table => {
      table.dropColumn('approval_pending_until');
      table.dropColumn('approval');
    });
    return;
  }
  // In place on SQLite, as in 20261202000000_environment_version.js: knex's
  // dropColumn would rebuild the table and put its partial unique indexes at
  // risk.
  await knex.raw('ALTER TABLE environments DROP COLUMN approval_pending_until');
  await knex.raw('ALTER TABLE environments DROP COLUMN approval');
};
