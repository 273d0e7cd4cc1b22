import { Knex } from 'knex';
import { pageOfRecords } from './pages';
import { NewAuditEvent } from '../model';
import { AUDIT_TABLE, AuditRow, toAuditEvent } from './rows';
import { AuditEvent, AuditPage } from '../model';

/*
 * The audit trail as functions over a knex handle, so that the store can
 * record an event inside the same transaction as the change it describes.
 */

export async function insertAuditEvent(
  db: Knex,
  event: NewAuditEvent,
): Promise<AuditEvent> {
  const row: Omit<AuditRow, 'id'> = {
    environment_id: event.environmentId,
    actor: event.actor,
    action: event.action,
    outcome: event.outcome,
    message: event.message ?? null,
    at: event.at ?? new Date(),
  };
  const [{ id }] = await db<AuditRow>(AUDIT_TABLE).insert(row).returning('id');
  return toAuditEvent({ id, ...row });
}

export async function listAuditEvents(
  db: Knex,
  environmentId: string,
  page: AuditPage = {},
): Promise<AuditEvent[]> {
  const rows = await pageOfRecords<AuditRow>(
    db,
    AUDIT_TABLE,
    environmentId,
    page,
  );
  return rows.map(toAuditEvent);
}
