import {
  deploymentApprovalSchema,
  deploymentCommitSchema,
  deploymentKindSchema,
  deploymentSchema,
  deploymentSourceSchema,
  deploymentStateSchema,
  resolvedConfigSchema,
} from '@internal/backstage-plugin-environments-common';
import {
  Deployment,
  DeploymentApproval,
  DeploymentKind,
  DeploymentSource,
  DeploymentState,
  EnvironmentPin,
} from '../model';
import { columnParsers } from './columns';

export const DEPLOYMENTS_TABLE = 'deployments';
export const DEPLOYMENT_TARGETS_TABLE = 'deployment_targets';

/** PostgreSQL hands back `Date`s, SQLite the epoch milliseconds it stored. */
type DbTimestamp = Date | number | string;

export interface DeploymentRow {
  id: string;
  environment_id: string;
  environment_name: string;
  type: string;
  component_ref: string;
  sequence: number;
  kind: DeploymentKind;
  state: DeploymentState;
  reason: string | null;
  version: string;
  /** JSON: `ResolvedConfig`. */
  resolved: string;
  content_hash: string;
  message: string;
  source: DeploymentSource;
  /** JSON: `DeploymentCommit`. */
  commit: string | null;
  rollback_of: string | null;
  /** JSON: `Deployment['promotedFrom']`. */
  promoted_from: string | null;
  replaces: string | null;
  /** JSON: `DeploymentApproval` with ISO 8601 times. */
  approval: string | null;
  approval_expires_at: DbTimestamp | null;
  created_by: string;
  created_at: DbTimestamp;
  started_at: DbTimestamp | null;
  finished_at: DbTimestamp | null;
  updated_at: DbTimestamp;
}

export interface DeploymentTargetRow {
  environment_id: string;
  current_deployment_id: string | null;
  pinned_deployment_id: string | null;
  pinned_reason: string | null;
  pinned_by: string | null;
  pinned_at: DbTimestamp | null;
  updated_at: DbTimestamp;
}

function toDate(value: DbTimestamp): Date {
  return new Date(value);
}

function toOptionalDate(value: DbTimestamp | null): Date | undefined {
  return value === null ? undefined : toDate(value);
}

const { parseColumn, parseJsonColumn } = columnParsers('Deployment');
const promotedFromSchema = deploymentSchema.shape.promotedFrom.unwrap();

/** The approval as the `approval` column holds it: JSON, times as ISO 8601. */
export function approvalColumn(approval: DeploymentApproval): string {
  return JSON.stringify({
    groups: approval.groups,
    expiresAt: approval.expiresAt.toISOString(),
    ...(approval.decision && {
      decision: {
        ...approval.decision,
        at: approval.decision.at.toISOString(),
      },
    }),
  });
}

function toApproval(row: DeploymentRow): DeploymentApproval | undefined {
  if (row.approval === null) {
    return undefined;
  }
  const approval = parseJsonColumn(
    row,
    'approval',
    deploymentApprovalSchema,
    row.approval,
  );
  return {
    groups: approval.groups,
    expiresAt: new Date(approval.expiresAt),
    ...(approval.decision && {
      decision: {
        ...approval.decision,
        at: new Date(approval.decision.at),
      },
    }),
  };
}

export function toDeployment(row: DeploymentRow): Deployment {
  return {
    id: row.id,
    environmentId: row.environment_id,
    environmentName: row.environment_name,
    type: row.type,
    componentRef: row.component_ref,
    sequence: row.sequence,
    kind: parseColumn(row, 'kind', deploymentKindSchema, row.kind),
    state: parseColumn(row, 'state', deploymentStateSchema, row.state),
    reason: row.reason ?? undefined,
    version: row.version,
    resolved: parseJsonColumn(
      row,
      'resolved',
      resolvedConfigSchema,
      row.resolved,
    ),
    contentHash: row.content_hash,
    message: row.message,
    source: parseColumn(row, 'source', deploymentSourceSchema, row.source),
    commit:
      row.commit === null
        ? undefined
        : parseJsonColumn(row, 'commit', deploymentCommitSchema, row.commit),
    rollbackOf: row.rollback_of ?? undefined,
    promotedFrom:
      row.promoted_from === null
        ? undefined
        : parseJsonColumn(
            row,
            'promoted_from',
            promotedFromSchema,
            row.promoted_from,
          ),
    replaces: row.replaces ?? undefined,
    approval: toApproval(row),
    createdBy: row.created_by,
    createdAt: toDate(row.created_at),
    startedAt: toOptionalDate(row.started_at),
    finishedAt: toOptionalDate(row.finished_at),
    updatedAt: toDate(row.updated_at),
  };
}

export function toPin(row: DeploymentTargetRow): EnvironmentPin | undefined {
  if (
    row.pinned_deployment_id === null ||
    row.pinned_reason === null ||
    row.pinned_by === null ||
    row.pinned_at === null
  ) {
    return undefined;
  }
  return {
    deploymentId: row.pinned_deployment_id,
    reason: row.pinned_reason,
    by: row.pinned_by,
    at: toDate(row.pinned_at),
  };
}
