import { LoggerService } from '@backstage/backend-plugin-api';
import { ForwardedError, NotFoundError } from '@backstage/errors';
import {
  Deployment,
  Environment,
  EnvironmentsApi,
  EnvironmentsRequestOptions,
} from '@internal/backstage-plugin-environments-common';
import { statusCodeOf } from './environmentsAccess';
import { pollUntil } from './polling';

/** How a deployment is named in log lines and errors. */
export function describeDeployment(deployment: Deployment): string {
  return `${deployment.version} (deployment ${deployment.sequence}, ${deployment.id}) to ${deployment.environmentName} of ${deployment.componentRef}`;
}

/** States in which a deployment may still succeed. */
const UNSETTLED = ['pending-approval', 'rolling-out'];

/**
 * The live environment of a component by its name, such as `development`:
 * what a template knows, where the API wants an id.
 */
export async function findEnvironment(options: {
  environments: EnvironmentsApi;
  requestOptions: () => Promise<EnvironmentsRequestOptions>;
  componentRef: string;
  name: string;
}): Promise<Environment> {
  const { environments, requestOptions, componentRef, name } = options;
  const { items } = await environments.listEnvironments(
    { componentRef },
    await requestOptions(),
  );
  const environment = items.find(
    e => e.name === name && e.status !== 'deleted',
  );
  if (!environment) {
    throw new NotFoundError(
      `environment: ${componentRef} has no environment named '${name}'${
        items.length
          ? ` (it has ${items
              .filter(e => e.status !== 'deleted')
              .map(e => e.name)
              .join(', ')})`
          : ''
      }; request one first with environments:request`,
    );
  }
  return environment;
}

/**
 * Reads the deployment every `intervalMs` until it is neither waiting for
 * approval nor rolling out, logging each change of state and reason.
 * Server errors are logged and retried until the timeout; the rollout goes
 * on in the cluster either way.
 */
export async function followDeployment(options: {
  environments: EnvironmentsApi;
  requestOptions: () => Promise<EnvironmentsRequestOptions>;
  deployment: Deployment;
  timeoutMs: number;
  intervalMs: number;
  onTimeout: (last: Deployment) => Error;
  logger: LoggerService;
  signal?: AbortSignal;
}): Promise<Deployment> {
  const { environments, requestOptions, logger } = options;
  let last = options.deployment;
  const settled = (d: Deployment) => !UNSETTLED.includes(d.state);

  const observe = (next: Deployment) => {
    if (next.state !== last.state) {
      logger.info(
        `Deployment ${describeDeployment(next)}: ${last.state} → ${next.state}`,
        { deploymentId: next.id, from: last.state, state: next.state },
      );
    }
    if (next.reason && next.reason !== last.reason) {
      logger.info(`Deployment ${describeDeployment(next)}: ${next.reason}`, {
        deploymentId: next.id,
        state: next.state,
      });
    }
    last = next;
  };

  return pollUntil({
    attempt: async () => {
      if (settled(last)) {
        return last;
      }
      try {
        observe(
          await environments.getDeployment(last.id, await requestOptions()),
        );
      } catch (error) {
        const status = statusCodeOf(error);
        if (status !== undefined && status < 500) {
          throw new ForwardedError(
            `Could not follow deployment ${describeDeployment(last)}`,
            error,
          );
        }
        logger.warn(
          `Could not read deployment ${describeDeployment(
            last,
          )}, trying again: ${error}`,
        );
      }
      return settled(last) ? last : undefined;
    },
    intervalMs: options.intervalMs,
    timeoutMs: options.timeoutMs,
    onTimeout: () => options.onTimeout(last),
    signal: options.signal,
  });
}

/**
 * Ends the step as the deployment ended: succeeded returns; anything else
 * (failed, rejected, expired, superseded, rolled back) throws with the reason.
 */
export function assertSucceeded(deployment: Deployment, url: string): void {
  if (deployment.state === 'succeeded') {
    return;
  }
  const reason =
    deployment.reason ??
    deployment.approval?.decision?.comment ??
    'no reason given';
  throw new Error(
    `Deployment ${describeDeployment(deployment)} is ${
      deployment.state
    }: ${reason}. See ${url}`,
  );
}

/**
 * What the actions do once a deployment is recorded: log that it waits for
 * approval, if it does, and with `wait` follow it until it ends, failing the
 * step unless it succeeded.
 */
export async function settleDeployment(options: {
  environments: EnvironmentsApi;
  requestOptions: () => Promise<EnvironmentsRequestOptions>;
  deployment: Deployment;
  wait: boolean;
  timeoutSeconds: number;
  intervalMs: number;
  url: string;
  logger: LoggerService;
  signal?: AbortSignal;
}): Promise<Deployment> {
  const { deployment: started, timeoutSeconds, url, logger } = options;
  if (started.state === 'pending-approval') {
    logger.info(
      `Deployment ${describeDeployment(
        started,
      )} waits for approval by a member of ${
        started.approval?.groups.join(', ') ?? 'the approver groups'
      }: ${url}`,
    );
  }
  if (!options.wait) {
    return started;
  }
  const ended = await followDeployment({
    ...options,
    timeoutMs: timeoutSeconds * 1000,
    onTimeout: last =>
      new Error(
        `Timed out after ${timeoutSeconds} seconds (timeoutSeconds) waiting for deployment ${describeDeployment(
          last,
        )} to succeed; it is still ${last.state}${
          last.reason ? ` (${last.reason})` : ''
        }. The rollout goes on: follow it at ${url}`,
      ),
  });
  assertSucceeded(ended, url);
  logger.info(`Deployment ${describeDeployment(ended)} succeeded: ${url}`);
  return ended;
}
