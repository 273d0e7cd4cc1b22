import {
  deploymentApprovalSchema,
  environmentSpecSchema,
  environmentStatusSchema,
  resourceConditionSchema,
} from '@internal/backstage-plugin-environments-common';
import { z } from 'zod';
import {
  AuditEvent,
  AuditOutcome,
  Environment,
  EnvironmentJob,
  EnvironmentStatus,
  JobKind,
  JobState,
  StatusTransition,
} from '../model';
import { columnParsers } from './columns';

export const ENVIRONMENTS_TABLE = 'environments';
export const JOBS_TABLE = 'environment_jobs';
export const AUDIT_TABLE = 'environment_audit';
export const STATUS_TRANSITIONS_TABLE = 'environment_status_transitions';

/** PostgreSQL hands back `Date`s, SQLite the epoch milliseconds it stored. */
type DbTimestamp = Date | number | string;

export interface EnvironmentRow {
  id: string;
  name: string;
  namespace: string;
  component_ref: string;
  owner_ref: string;
  system_ref: string | null;
  type: string;
  status: EnvironmentStatus;
  reason: string | null;
  spec: string;
  conditions: string;
  generation: number;
  observed_generation: number;
  version: number;
  created_by: string;
  created_at: DbTimestamp;
  updated_at: DbTimestamp;
  expires_at: DbTimestamp | null;
  deleted_at: DbTimestamp | null;
  /** JSON in the contract's shape (`deploymentApprovalSchema`). */
  approval: string | null;
  /** Set while the approval is pending: when it expires. */
  approval_pending_until: DbTimestamp | null;
}

export interface JobRow {
  id: string;
  environment_id: string;
  kind: JobKind;
  state: JobState;
  attempts: number;
  /** SQLite has no boolean type and returns 0 or 1. */
  rerun_requested: boolean | number;
  run_after: DbTimestamp;
  lease_owner: string | null;
  lease_expires_at: DbTimestamp | null;
  last_error: string | null;
  created_at: DbTimestamp;
  updated_at: DbTimestamp;
}

export interface AuditRow {
  id: number;
  environment_id: string;
  actor: string;
  action: string;
  outcome: AuditOutcome;
  message: string | null;
  at: DbTimestamp;
}

export interface StatusTransitionRow {
  id: number;
  environment_id: string;
  status: EnvironmentStatus;
  reason: string | null;
  at: DbTimestamp;
}

function toDate(value: DbTimestamp): Date {
  return new Date(value);
}

function toOptionalDate(value: DbTimestamp | null): Date | undefined {
  return value === null ? undefined : toDate(value);
}

const conditionsSchema = z.array(resourceConditionSchema);

const { parseColumn, parseJsonColumn } = columnParsers('Environment');

export function toEnvironment(row: EnvironmentRow): Environment {
  return {
    id: row.id,
    name: row.name,
    namespace: row.namespace,
    componentRef: row.component_ref,
    ownerRef: row.owner_ref,
    systemRef: row.system_ref ?? undefined,
    type: row.type,
    status: parseColumn(row, 'status', environmentStatusSchema, row.status),
    reason: row.reason ?? undefined,
    spec: parseJsonColumn(row, 'spec', environmentSpecSchema, row.spec),
    conditions: parseJsonColumn(
      row,
      'conditions',
      conditionsSchema,
      row.conditions,
    ),
    generation: row.generation,
    observedGeneration: row.observed_generation,
    version: row.version,
    createdBy: row.created_by,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    expiresAt: toOptionalDate(row.expires_at),
    deletedAt: toOptionalDate(row.deleted_at),
    // Left out, not undefined, so that environments without one compare equal.
    ...(row.approval
      ? {
          approval: toApproval(
            parseJsonColumn(
              row,
              'approval',
              deploymentApprovalSchema,
              row.approval,
            ),
          ),
        }
      : {}),
  };
}

function toApproval(
  approval: z.output<typeof deploymentApprovalSchema>,
): NonNullable<Environment['approval']> {
  return {
    groups: approval.groups,
    expiresAt: new Date(approval.expiresAt),
    ...(approval.decision && {
      decision: { ...approval.decision, at: new Date(approval.decision.at) },
    }),
  };
}

export function toJob(row: JobRow): EnvironmentJob {
  return {
    id: row.id,
    environmentId: row.environment_id,
    kind: row.kind,
    state: row.state,
    attempts: row.attempts,
    rerunRequested: Boolean(row.rerun_requested),
    runAfter: toDate(row.run_after),
    leaseOwner: row.lease_owner ?? undefined,
    leaseExpiresAt: toOptionalDate(row.lease_expires_at),
    lastError: row.last_error ?? undefined,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

export function toAuditEvent(row: AuditRow): AuditEvent {
  return {
    id: row.id,
    environmentId: row.environment_id,
    actor: row.actor,
    action: row.action,
    outcome: row.outcome,
    message: row.message ?? undefined,
    at: toDate(row.at),
  };
}

export function toStatusTransition(row: StatusTransitionRow): StatusTransition {
  return {
    id: row.id,
    environmentId: row.environment_id,
    status: parseColumn(
      { id: row.environment_id },
      'status transition',
      environmentStatusSchema,
      row.status,
    ),
    reason: row.reason ?? undefined,
    at: toDate(row.at),
  };
}
