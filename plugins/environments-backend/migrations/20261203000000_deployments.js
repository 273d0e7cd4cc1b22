// @ts-check

/*
 * Deployments: one immutable row per deployment of a component to one
 * environment (the resolved configuration, who, when, why, from where), of
 * which only the state, its reason, the approval decision and the times
 * change; and one row per environment saying which deployment is its current
 * one and whether a rollback pinned it. The conventions of the first
 * migration hold here too.
 */

const DEPLOYMENTS = 'deployments';
const TARGETS = 'deployment_targets';

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable(DEPLOYMENTS, table => {
    table.comment('Each deployment to an environment; a new fact is a new row');
    table.string('id', 36).primary().comment('UUID');
    table
      .string('environment_id', 36)
      .notNullable()
      .references('id')
      .inTable('environments')
      .onDelete('CASCADE');
    table
      .string('environment_name')
      .notNullable()
      .comment("The environment's name when deployed, for the history");
    table.string('type').notNullable().comment("The environment's type");
    table.string('component_ref').notNullable();
    table
      .integer('sequence')
      .notNullable()
      .comment('1, 2, 3, ... per environment');
    table
      .string('kind')
      .notNullable()
      .comment("'deploy' | 'rollback' | 'promotion'");
    table.string('state').notNullable();
    table.text('reason').nullable().comment('Why the state is what it is');
    table.string('version').notNullable().comment("The image's tag");
    table
      .text('resolved')
      .notNullable()
      .comment('JSON: the configuration, its origins and its layers');
    table
      .string('content_hash', 64)
      .notNullable()
      .comment('sha256 of the configuration as canonical JSON');
    table.text('message').notNullable();
    table.string('source').notNullable();
    table.text('commit').nullable().comment('JSON: sha, time, url');
    table
      .string('rollback_of', 36)
      .nullable()
      .comment('The deployment a rollback rolls out again');
    table
      .text('promoted_from')
      .nullable()
      .comment('JSON: deploymentId, environmentId, environmentName');
    table
      .string('replaces', 36)
      .nullable()
      .comment('The current deployment when this one was asked for');
    table
      .text('approval')
      .nullable()
      .comment('JSON: groups, expiresAt, decision');
    table
      .timestamp('approval_expires_at', { useTz: true })
      .nullable()
      .comment('approval.expiresAt, queryable by the expiry sweep');
    table.string('created_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('started_at', { useTz: true }).nullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();

    // Numbers a deployment once per environment; two creators that raced
    // for the same number meet here instead of both succeeding.
    table.unique(['environment_id', 'sequence'], {
      indexName: 'deployments_environment_sequence_uniq',
    });
    // The sweeps (rollouts after a restart, approvals to expire) only ever
    // look at the few unfinished deployments.
    table.index(
      ['state', 'approval_expires_at'],
      'deployments_unfinished_idx',
      {
        predicate: knex.whereRaw(
          "state in ('pending-approval', 'rolling-out')",
        ),
      },
    );
  });

  await knex.schema.createTable(TARGETS, table => {
    table.comment(
      'Where each environment stands: its current deployment and its pin',
    );
    table
      .string('environment_id', 36)
      .primary()
      .references('id')
      .inTable('environments')
      .onDelete('CASCADE');
    table
      .string('current_deployment_id', 36)
      .nullable()
      .references('id')
      .inTable(DEPLOYMENTS)
      .comment('Rolling out, succeeded or failed');
    table
      .string('pinned_deployment_id', 36)
      .nullable()
      .references('id')
      .inTable(DEPLOYMENTS)
      .comment('The rollback that pinned the environment, if any');
    table.text('pinned_reason').nullable();
    table.string('pinned_by').nullable();
    table.timestamp('pinned_at', { useTz: true }).nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  // Only new tables: nothing of the environments table is rebuilt, so its
  // partial unique indexes stay as they are on SQLite too.
  await knex.schema.dropTable(TARGETS);
  await knex.schema.dropTable(DEPLOYMENTS);
};
