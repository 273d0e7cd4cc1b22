import { AuditorService } from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';
import { Request } from 'express';

/**
 * Where a change was asked for: an HTTP request of the REST API, from which
 * the auditor reads the caller, or an action of the Actions Registry, whose
 * caller the action names (`actor`, a user's entity ref or a service's
 * subject), since the auditor only sees the request of the plugin that
 * forwarded it.
 */
export type ChangeOrigin =
  | { request: Request<any, any, any, any, any> }
  | { action: string; actor: string };

/**
 * Runs a change with an audit event recording its outcome: `eventId` and
 * `meta` when it starts, success with `succeeded(result)` or failure with
 * the error. The REST API and the actions share it, so that a change is
 * audited the same whichever way it came.
 */
export async function auditedChange<T>(
  auditor: AuditorService,
  origin: ChangeOrigin,
  eventId: string,
  meta: JsonObject,
  change: () => Promise<T>,
  succeeded: (result: T) => JsonObject = () => ({}),
): Promise<T> {
  const event = await auditor.createEvent({
    eventId,
    severityLevel: 'medium',
    ...('request' in origin
      ? { request: origin.request, meta }
      : { meta: { ...meta, action: origin.action, actor: origin.actor } }),
  });
  try {
    const result = await change();
    await event.success({ meta: succeeded(result) });
    return result;
  } catch (error) {
    await event.fail({ error: error as Error });
    throw error;
  }
}

/** What a deployment's audit event records of the deployment a change made. */
export const recordedDeployment = (deployment: {
  id: string;
  state: string;
}): JsonObject => ({
  deploymentId: deployment.id,
  state: deployment.state,
});
