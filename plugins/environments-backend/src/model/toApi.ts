import {
  AuditEvent as ApiAuditEvent,
  Environment as ApiEnvironment,
  EnvironmentSpec,
} from '@internal/backstage-plugin-environments-common';
import { AuditEvent, Environment } from '../database/types';

/** The stored environment as the API shows it: JSON, dates as ISO 8601. */
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
    spec: environment.spec as unknown as EnvironmentSpec,
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
