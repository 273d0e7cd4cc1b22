import { LoggerService } from '@backstage/backend-plugin-api';
import { ForwardedError } from '@backstage/errors';
import {
  Environment,
  EnvironmentsApi,
  EnvironmentsRequestOptions,
} from '@internal/backstage-plugin-environments-common';
import { pollUntil } from './polling';
import { statusCodeOf } from './environmentsAccess';

/** How an environment is named in log lines and errors. */
export function describeEnvironment(environment: Environment): string {
  return `${environment.name} (${environment.id}) of ${environment.componentRef}`;
}

/**
 * Reads the environment every `intervalMs` until `isSettled` holds, logging
 * each change of status and of the reason the backend gives (such as a
 * provisioning attempt that failed and is retried). Returns the settled
 * environment, or throws what `onTimeout` builds from the last one seen.
 *
 * The backend not answering, or answering with a server error, is logged and
 * retried until the timeout: the environment is provisioned in the
 * background either way.
 */
export async function followEnvironment(options: {
  environments: EnvironmentsApi;
  requestOptions: () => Promise<EnvironmentsRequestOptions>;
  environment: Environment;
  isSettled: (environment: Environment) => boolean;
  timeoutMs: number;
  intervalMs: number;
  onTimeout: (last: Environment) => Error;
  logger: LoggerService;
  signal?: AbortSignal;
}): Promise<Environment> {
  const { environments, requestOptions, isSettled, logger } = options;
  let last = options.environment;

  const observe = (next: Environment) => {
    if (next.status !== last.status) {
      logger.info(
        `Environment ${describeEnvironment(next)}: ${last.status} → ${
          next.status
        }`,
        { environmentId: next.id, from: last.status, status: next.status },
      );
    }
    if (next.reason && next.reason !== last.reason) {
      logger.info(`Environment ${describeEnvironment(next)}: ${next.reason}`, {
        environmentId: next.id,
        status: next.status,
      });
    }
    last = next;
  };

  return pollUntil({
    attempt: async () => {
      if (isSettled(last)) {
        return last;
      }
      try {
        observe(
          await environments.getEnvironment(last.id, await requestOptions()),
        );
      } catch (error) {
        const status = statusCodeOf(error);
        if (status !== undefined && status < 500) {
          throw new ForwardedError(
            `Could not follow environment ${describeEnvironment(last)}`,
            error,
          );
        }
        logger.warn(
          `Could not read environment ${describeEnvironment(
            last,
          )}, trying again: ${error}`,
        );
      }
      return isSettled(last) ? last : undefined;
    },
    intervalMs: options.intervalMs,
    timeoutMs: options.timeoutMs,
    onTimeout: () => options.onTimeout(last),
    signal: options.signal,
  });
}
