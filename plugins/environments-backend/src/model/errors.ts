import { CustomErrorBase } from '@backstage/errors';

/**
 * A change was asked of a version of an environment that is no longer the
 * current one: someone else changed it since it was read. Answered as 412
 * Precondition Failed (`@backstage/errors` has no such error; the framework's
 * error handler takes the status from `statusCode`).
 */
export class StaleVersionError extends CustomErrorBase {
  name = 'StaleVersionError' as const;
  readonly statusCode = 412;

  constructor(
    readonly environmentId: string,
    readonly expectedVersion: number,
    readonly currentVersion: number,
  ) {
    super(
      `Environment '${environmentId}' is at version ${currentVersion}, not ${expectedVersion}: it changed since it was read; read it again and retry the change`,
    );
  }
}

/** The message of anything thrown, for logs and reasons. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * An automatic deployment (CI, a webhook, a promotion) was asked of an
 * environment pinned by a rollback. Answered as 409 Conflict.
 */
export class PinnedEnvironmentError extends CustomErrorBase {
  name = 'PinnedEnvironmentError' as const;
  readonly statusCode = 409;

  constructor(
    readonly environmentId: string,
    readonly pin: { deploymentId: string; reason: string; by: string },
  ) {
    super(
      `Environment '${environmentId}' is pinned by rollback ${pin.deploymentId} (by ${pin.by}: "${pin.reason}"); only a deployment made by hand rolls it forward`,
    );
  }
}

/**
 * A deployment was computed from a current deployment that is no longer the
 * environment's current one. Answered as 409 Conflict; read and retry.
 */
export class StaleDeploymentError extends CustomErrorBase {
  name = 'StaleDeploymentError' as const;
  readonly statusCode = 409;

  constructor(
    readonly environmentId: string,
    readonly expected: string | null,
    readonly current: string | null,
  ) {
    super(
      `Environment '${environmentId}' now runs deployment ${
        current ?? '(none)'
      }, not ${
        expected ?? '(none)'
      }: another deployment landed since it was read; read it again and retry`,
    );
  }
}
