// @ts-check

/*
 * Conventions that hold for every table below:
 *
 * - Ids are plain strings rather than the PostgreSQL `uuid` type, so that
 *   looking up a malformed id is a "not found" instead of a type error.
 * - Timestamps are always written from JavaScript `Date` values and never from
 *   database defaults. PostgreSQL keeps them as `timestamptz`; knex's SQLite
 *   client stores them as epoch milliseconds. Both compare chronologically,
 *   whereas a SQLite `CURRENT_TIMESTAMP` default would be stored as text and
 *   would not compare with the rest.
 * - "Unique among the live rows" is expressed with partial unique indexes
 *   (`CREATE UNIQUE INDEX ... WHERE ...`), which both PostgreSQL and SQLite
 *   support. The rule then follows the row's own state with no shadow column
 *   to keep in sync. Partial index predicates cannot take bound parameters on
 *   SQLite, hence the literal SQL in them.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('environments', table => {
    table.comment('One Kubernetes namespace per component environment');
    table.string('id', 36).primary().comment('UUID');
    table.string('name').notNullable();
    table
      .string('namespace', 63)
      .notNullable()
      .comment('Kubernetes namespace; a DNS label, hence at most 63 chars');
    table.string('component_ref').notNullable();
    table.string('owner_ref').notNullable();
    table.string('system_ref').nullable();
    table.string('type').notNullable();
    table.string('status').notNullable();
    table.text('reason').nullable().comment('Why the status is what it is');
    table
      .text('spec')
      .notNullable()
      .comment('JSON: quota, workload, resources');
    table.text('conditions').notNullable().comment('JSON array');
    table
      .integer('generation')
      .notNullable()
      .comment('Bumped on every spec change');
    table
      .integer('observed_generation')
      .notNullable()
      .comment('The generation the reconciler last converged');
    table.string('created_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table
      .timestamp('expires_at', { useTz: true })
      .nullable()
      .comment('Set for ephemeral environments only');
    table
      .timestamp('deleted_at', { useTz: true })
      .nullable()
      .comment('Set once torn down; the row stays for its audit trail');

    // A deleted environment keeps its row but gives up its namespace and its
    // name, so that the same name can be provisioned again.
    table.unique(['namespace'], {
      indexName: 'environments_live_namespace_uniq',
      predicate: knex.whereNull('deleted_at'),
    });
    table.unique(['component_ref', 'name'], {
      indexName: 'environments_live_component_name_uniq',
      predicate: knex.whereNull('deleted_at'),
    });
    table.index(['owner_ref'], 'environments_owner_ref_idx');
    table.index(['expires_at'], 'environments_expires_at_idx');
  });

  await knex.schema.createTable('environment_jobs', table => {
    table.comment('Durable work queue of provisioning jobs');
    table.string('id', 36).primary().comment('UUID');
    table
      .string('environment_id', 36)
      .notNullable()
      .references('id')
      .inTable('environments')
      .onDelete('CASCADE');
    table.string('kind').notNullable().comment("'reconcile' | 'teardown'");
    table
      .string('state')
      .notNullable()
      .comment("'pending' | 'running' | 'succeeded' | 'failed'");
    table
      .integer('attempts')
      .notNullable()
      .defaultTo(0)
      .comment('Failed attempts so far');
    table
      .boolean('rerun_requested')
      .notNullable()
      .defaultTo(false)
      .comment('New work arrived while the job was running');
    table
      .timestamp('run_after', { useTz: true })
      .notNullable()
      .comment('Not claimable before this time (retry backoff)');
    table.string('lease_owner').nullable();
    table.timestamp('lease_expires_at', { useTz: true }).nullable();
    table.text('last_error').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();

    // At most one unfinished job per environment and kind, so that a flood of
    // events collapses into one unit of work, and two replicas never work on
    // the same environment and kind at once.
    table.unique(['environment_id', 'kind'], {
      indexName: 'environment_jobs_one_active_per_kind_uniq',
      predicate: knex.whereRaw("state in ('pending', 'running')"),
    });
    table.index(['state', 'run_after'], 'environment_jobs_due_idx');
  });

  await knex.schema.createTable('environment_audit', table => {
    table.comment('Audit trail of each environment');
    table
      .increments('id')
      .comment('Breaks ties between events recorded in the same millisecond');
    table
      .string('environment_id', 36)
      .notNullable()
      .references('id')
      .inTable('environments')
      .onDelete('CASCADE');
    table.string('actor').notNullable();
    table.string('action').notNullable();
    table
      .string('outcome')
      .notNullable()
      .comment("'initiated' | 'succeeded' | 'failed'");
    table.text('message').nullable();
    table.timestamp('at', { useTz: true }).notNullable();

    table.index(['environment_id', 'at'], 'environment_audit_environment_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('environment_audit');
  await knex.schema.dropTable('environment_jobs');
  await knex.schema.dropTable('environments');
};
