import { Knex } from 'knex';
import { PolicyMessage } from '@internal/backstage-plugin-environments-common';
import {
  NewPolicyDecision,
  PolicyDecisionEntry,
  PolicyDecisionsStore,
} from '../model';

export const POLICY_DECISIONS_TABLE = 'environment_policy_decisions';

type PolicyDecisionRow = {
  id: number;
  at: Date | string;
  action: string;
  actor: string;
  environment_id: string | null;
  environment_name: string;
  component_ref: string;
  outcome: string;
  revision: string | null;
  deny: string;
  warn: string;
};

/*
 * The policy decisions as functions over a knex handle, so that a store can
 * record one inside the transaction of the change it let through.
 */

export async function insertPolicyDecision(
  db: Knex,
  decision: NewPolicyDecision,
): Promise<PolicyDecisionEntry> {
  const row: Omit<PolicyDecisionRow, 'id'> = {
    at: decision.at ?? new Date(),
    action: decision.action,
    actor: decision.actor,
    environment_id: decision.environmentId ?? null,
    environment_name: decision.environmentName,
    component_ref: decision.componentRef,
    outcome: decision.outcome,
    revision: decision.revision ?? null,
    deny: JSON.stringify(decision.deny),
    warn: JSON.stringify(decision.warn),
  };
  const [{ id }] = await db<PolicyDecisionRow>(POLICY_DECISIONS_TABLE)
    .insert(row)
    .returning('id');
  return toEntry({ id, ...row });
}

function toEntry(row: PolicyDecisionRow): PolicyDecisionEntry {
  return {
    id: row.id,
    at: new Date(row.at),
    action: row.action as PolicyDecisionEntry['action'],
    actor: row.actor,
    ...(row.environment_id !== null && { environmentId: row.environment_id }),
    environmentName: row.environment_name,
    componentRef: row.component_ref,
    outcome: row.outcome as PolicyDecisionEntry['outcome'],
    ...(row.revision !== null && { revision: row.revision }),
    deny: JSON.parse(row.deny) as PolicyMessage[],
    warn: JSON.parse(row.warn) as PolicyMessage[],
  };
}

/** The decisions in the plugin's database (the environments' migrations create the table). */
export class DatabasePolicyDecisionsStore implements PolicyDecisionsStore {
  static async create({
    database,
  }: {
    database: { getClient(): Promise<Knex> };
  }): Promise<DatabasePolicyDecisionsStore> {
    return new DatabasePolicyDecisionsStore(await database.getClient());
  }

  private constructor(private readonly db: Knex) {}

  recordDecision(decision: NewPolicyDecision): Promise<PolicyDecisionEntry> {
    return insertPolicyDecision(this.db, decision);
  }

  async listDecisions({
    limit,
    environmentId,
    actor,
  }: {
    limit: number;
    environmentId?: string;
    actor?: string;
  }): Promise<PolicyDecisionEntry[]> {
    const query = this.db<PolicyDecisionRow>(POLICY_DECISIONS_TABLE)
      .orderBy([
        { column: 'at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    if (environmentId) {
      query.where('environment_id', environmentId);
    }
    if (actor) {
      query.where('actor', actor);
    }
    return (await query).map(toEntry);
  }
}
