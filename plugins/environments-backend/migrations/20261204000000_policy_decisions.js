// @ts-check

/*
 * Every decision of the platform's policies (issue 16): what was asked, by
 * whom, the bundle's revision, the rules that denied or warned, and the
 * outcome. A decision that let a change through is written in that change's
 * transaction; a denial, which stores nothing else, alone. A table of its
 * own rather than the environments' audit trail: a denied request for a new
 * environment has no environment to hang an audit event on, and
 * `GET /policy/decisions` reads the newest across all environments by
 * index. Rows are never updated.
 */

const TABLE = 'environment_policy_decisions';

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable(TABLE, table => {
    table.comment('Each decision of the policies on a request, newest last');
    table.increments('id');
    table.timestamp('at', { useTz: true }).notNullable();
    table
      .string('action')
      .notNullable()
      .comment('environment.request, deployment.deploy, ...');
    table.text('actor').notNullable();
    table
      .string('environment_id', 36)
      .nullable()
      .comment('Null for a denied environment request: nothing was stored');
    table.text('environment_name').notNullable();
    table.text('component_ref').notNullable();
    table
      .string('outcome')
      .notNullable()
      .comment('allow, warn, deny, off or error (failed, let through)');
    table.text('revision').nullable().comment("The policy bundle's revision");
    table.text('deny').notNullable().comment('JSON: [{rule, message}]');
    table.text('warn').notNullable().comment('JSON: [{rule, message}]');

    table.index(['at'], 'environment_policy_decisions_at_idx');
    table.index(
      ['environment_id', 'at'],
      'environment_policy_decisions_environment_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable(TABLE);
};
