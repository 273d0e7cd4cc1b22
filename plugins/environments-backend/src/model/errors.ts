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
