import { Knex } from 'knex';
import { pageOfRecords } from './pages';
import { AuditPage, EnvironmentStatus, StatusTransition } from '../model';
import {
  STATUS_TRANSITIONS_TABLE,
  StatusTransitionRow,
  toStatusTransition,
} from './rows';

/*
 * The status history as functions over a knex handle, so that the store
 * records a transition inside the same transaction as the change of status.
 */

export async function insertStatusTransition(
  db: Knex,
  transition: {
    environmentId: string;
    status: EnvironmentStatus;
    reason?: string | null;
    at: Date;
  },
): Promise<void> {
  const row: Omit<StatusTransitionRow, 'id'> = {
    environment_id: transition.environmentId,
    status: transition.status,
    reason: transition.reason ?? null,
    at: transition.at,
  };
  await db<StatusTransitionRow>(STATUS_TRANSITIONS_TABLE).insert(row);
}

export async function listStatusTransitions(
  db: Knex,
  environmentId: string,
  page: AuditPage = {},
): Promise<StatusTransition[]> {
  const rows = await pageOfRecords<StatusTransitionRow>(
    db,
    STATUS_TRANSITIONS_TABLE,
    environmentId,
    page,
  );
  return rows.map(toStatusTransition);
}
