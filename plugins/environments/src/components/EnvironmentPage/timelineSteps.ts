import {
  AuditEvent,
  Environment,
  EnvironmentStatus,
  ResourceCondition,
  StatusTransition,
} from '@internal/backstage-plugin-environments-common';
import { entityName } from '../format';

/** One step of an environment's life, as the timeline shows it. */
export type TimelineStep = {
  id: string;
  title: string;
  state: 'done' | 'current' | 'failed' | 'upcoming';
  /** When it was reached, when known. */
  at?: string;
  detail?: string;
};

function auditTime(
  audit: AuditEvent[],
  action: string,
  outcome: AuditEvent['outcome'],
): string | undefined {
  return audit.find(e => e.action === action && e.outcome === outcome)?.at;
}

/**
 * When each status was last entered (the transitions come oldest first): an
 * environment provisioned again after an update shows its latest round.
 */
function statusTimes(
  transitions: StatusTransition[],
): Partial<Record<EnvironmentStatus, string>> {
  return Object.fromEntries(
    transitions.map(transition => [transition.status, transition.at]),
  );
}

function provisioningState(
  status: Environment['status'],
): TimelineStep['state'] {
  if (status === 'requested') return 'upcoming';
  return status === 'provisioning' ? 'current' : 'done';
}

function conditionStep(condition: ResourceCondition): TimelineStep {
  const states = {
    ready: 'done',
    pending: 'current',
    failed: 'failed',
  } as const;
  return {
    id: `condition:${condition.kind}/${condition.name}`,
    title: `${condition.kind} ${condition.name}: ${condition.status}`,
    state: states[condition.status] ?? 'current',
    at: condition.lastTransitionTime,
    detail:
      [condition.reason, condition.message].filter(Boolean).join(': ') ||
      undefined,
  };
}

/**
 * The steps from request to ready (or failed), then to deleted: each status,
 * and in between the condition of each resource as the backend reports it.
 *
 * Times come from the backend: the request's `createdAt`, each condition's
 * `lastTransitionTime`, the status history (`transitions`, each status change
 * as the backend recorded it) and otherwise the audit trail, which records
 * when provisioning succeeded or failed and when deletion began and ended:
 * an environment from before the status history was kept has none.
 */
export function timelineSteps(
  environment: Environment,
  transitions: StatusTransition[],
  audit: AuditEvent[],
): TimelineStep[] {
  const { status } = environment;
  const times = statusTimes(transitions);
  const beingDeleted = status === 'deleting' || status === 'deleted';
  const steps: TimelineStep[] = [
    {
      id: 'requested',
      title: 'Requested',
      state: 'done',
      at: environment.createdAt,
      detail: `by ${entityName(environment.createdBy)}`,
    },
    {
      id: 'provisioning',
      title: 'Provisioning',
      state: provisioningState(status),
      at: times.provisioning,
      detail: status === 'provisioning' ? environment.reason : undefined,
    },
    ...[...environment.conditions]
      .sort((a, b) => a.lastTransitionTime.localeCompare(b.lastTransitionTime))
      .map(conditionStep),
  ];

  const failedAt = times.failed ?? auditTime(audit, 'provision', 'failed');
  if (status === 'failed') {
    steps.push({
      id: 'failed',
      title: 'Failed',
      state: 'failed',
      at: failedAt,
      detail: environment.reason,
    });
  } else {
    const readyAt = times.ready ?? auditTime(audit, 'provision', 'succeeded');
    const wasReady = status === 'ready' || Boolean(readyAt);
    if (!beingDeleted || wasReady) {
      steps.push({
        id: 'ready',
        title: 'Ready',
        state: wasReady ? 'done' : 'upcoming',
        at: readyAt,
      });
    }
  }

  if (beingDeleted) {
    steps.push(
      {
        id: 'deleting',
        title: 'Tearing down',
        state: status === 'deleting' ? 'current' : 'done',
        at: times.deleting ?? auditTime(audit, 'delete', 'initiated'),
        detail: status === 'deleting' ? environment.reason : undefined,
      },
      {
        id: 'deleted',
        title: 'Deleted',
        state: status === 'deleted' ? 'done' : 'upcoming',
        at: times.deleted ?? auditTime(audit, 'delete', 'succeeded'),
      },
    );
  }
  return steps;
}
