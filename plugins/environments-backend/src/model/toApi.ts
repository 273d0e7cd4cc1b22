import {
  AuditEvent as ApiAuditEvent,
  Deployment as ApiDeployment,
  Environment as ApiEnvironment,
  StatusTransition as ApiStatusTransition,
} from '@internal/backstage-plugin-environments-common';
import { Deployment, DeploymentApproval } from './deployments';
import { AuditEvent, Environment, StatusTransition } from './types';

/*
 * The model as the API shows it: JSON, dates as ISO 8601, and none of the
 * bookkeeping (generations, deletion time) that only the backend needs.
 */

export function toApiEnvironment(environment: Environment): ApiEnvironment {
  return {
    id: environment.id,
    name: environment.name,
    namespace: environment.namespace,
    componentRef: environment.componentRef,
    ownerRef: environment.ownerRef,
    ...(environment.systemRef && { systemRef: environment.systemRef }),
    type: environment.type,
    status: environment.status,
    ...(environment.reason && { reason: environment.reason }),
    conditions: environment.conditions,
    spec: environment.spec,
    version: environment.version,
    createdBy: environment.createdBy,
    createdAt: environment.createdAt.toISOString(),
    updatedAt: environment.updatedAt.toISOString(),
    ...(environment.expiresAt && {
      expiresAt: environment.expiresAt.toISOString(),
    }),
    ...(environment.approval && {
      approval: toApiApproval(environment.approval),
    }),
  };
}

/** A deployment's or an environment's approval, as the API (and the database's JSON) holds it. */
export function toApiApproval(
  approval: DeploymentApproval,
): NonNullable<ApiEnvironment['approval']> {
  return {
    groups: approval.groups,
    expiresAt: approval.expiresAt.toISOString(),
    ...(approval.decision && {
      decision: {
        ...approval.decision,
        at: approval.decision.at.toISOString(),
      },
    }),
  };
}

export function toApiAuditEvent(event: AuditEvent): ApiAuditEvent {
  return {
    id: String(event.id),
    environmentId: event.environmentId,
    actor: event.actor,
    action: event.action,
    outcome: event.outcome,
    ...(event.message && { message: event.message }),
    at: event.at.toISOString(),
  };
}

export function toApiStatusTransition(
  transition: StatusTransition,
): ApiStatusTransition {
  return {
    status: transition.status,
    ...(transition.reason && { reason: transition.reason }),
    at: transition.at.toISOString(),
  };
}

export function toApiDeployment(deployment: Deployment): ApiDeployment {
  const { resolved, approval } = deployment;
  return {
    id: deployment.id,
    environmentId: deployment.environmentId,
    environmentName: deployment.environmentName,
    type: deployment.type,
    componentRef: deployment.componentRef,
    sequence: deployment.sequence,
    kind: deployment.kind,
    state: deployment.state,
    ...(deployment.reason && { reason: deployment.reason }),
    version: deployment.version,
    config: resolved.config,
    origins: resolved.origins,
    layers: resolved.layers,
    contentHash: deployment.contentHash,
    message: deployment.message,
    source: deployment.source,
    ...(deployment.commit && { commit: deployment.commit }),
    ...(deployment.rollbackOf && { rollbackOf: deployment.rollbackOf }),
    ...(deployment.promotedFrom && { promotedFrom: deployment.promotedFrom }),
    ...(deployment.replaces && { replaces: deployment.replaces }),
    ...(approval && { approval: toApiApproval(approval) }),
    createdBy: deployment.createdBy,
    createdAt: deployment.createdAt.toISOString(),
    ...(deployment.startedAt && {
      startedAt: deployment.startedAt.toISOString(),
    }),
    ...(deployment.finishedAt && {
      finishedAt: deployment.finishedAt.toISOString(),
    }),
    updatedAt: deployment.updatedAt.toISOString(),
  };
}
