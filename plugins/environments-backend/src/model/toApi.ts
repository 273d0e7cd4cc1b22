import {
  AuditEvent as ApiAuditEvent,
  Environment as ApiEnvironment,
  StatusTransition as ApiStatusTransition,
} from '@internal/backstage-plugin-environments-common';
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
