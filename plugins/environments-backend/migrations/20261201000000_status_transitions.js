// @ts-check

/*
 * The statuses each environment went through, recorded by the store in the
 * same transaction as each change of status, so that the timeline is the same
 * for every reader and survives a reload. Rows are never updated: a new
 * status is a new row. The conventions of the first migration hold here too.
 */

const TABLE = 'environment_status_transitions';

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable(TABLE, table => {
    table.comment('Each status an environment entered, oldest first');
    table
      .increments('id')
      .comment(
        'Breaks ties between transitions recorded in the same millisecond',
      );
    table
      .string('environment_id', 36)
      .notNullable()
      .references('id')
      .inTable('environments')
      .onDelete('CASCADE');
    table.string('status').notNullable().comment('The status entered');
    table
      .text('reason')
      .nullable()
      .comment("The environment's reason as it entered the status");
    table.timestamp('at', { useTz: true }).notNullable();

    table.index(
      ['environment_id', 'at'],
      'environment_status_transitions_environment_idx',
    );
  });

  // Environments that exist already get the history their row still tells:
  // requested when created, and their current status since their last change.
  const environments = await knex('environments').select(
    'id',
    'status',
    'reason',
    'created_at',
    'updated_at',
  );
  const transitions = environments.flatMap(environment => [
    {
      environment_id: environment.id,
      status: 'requested',
      reason: null,
      at: new Date(environment.created_at),
    },
    ...(environment.status === 'requested'
      ? []
      : [
          {
            environment_id: environment.id,
            status: environment.status,
            reason: environment.reason,
            at: new Date(environment.updated_at),
          },
        ]),
  ]);
  // In chunks, since SQLite takes at most 999 bound values per statement.
  for (let start = 0; start < transitions.length; start += 100) {
    await knex(TABLE).insert(transitions.slice(start, start + 100));
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable(TABLE);
};
