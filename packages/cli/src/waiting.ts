import { ResponseError } from '@backstage/errors';
import {
  Deployment,
  Environment,
  hasSucceeded,
} from '@internal/backstage-plugin-environments-common';
import { CliContext } from './context';
import { CliError, EXIT } from './exitCodes';
import { formatDuration } from './output/time';

export const DEFAULT_TIMEOUT = '10m';

function waitingForApproval(approval: Environment['approval']): string {
  return approval && !approval.decision
    ? `, waiting for approval by ${approval.groups.join(', ')}`
    : '';
}

function describeEnvironment(environment: Environment): string {
  const pending = environment.conditions
    .filter(condition => condition.status !== 'ready')
    .map(
      condition => `${condition.kind} ${condition.name} ${condition.status}`,
    );
  return `${environment.componentRef} ${environment.name}: ${
    environment.status
  }${environment.reason ? ` (${environment.reason})` : ''}${waitingForApproval(
    environment.approval,
  )}${pending.length ? ` [${pending.join(', ')}]` : ''}`;
}

/** The first pause between two reads; it doubles up to the poll interval. */
const FIRST_POLL_MS = 125;

/**
 * Polls until `check` says the wait is over, showing `describe` of each
 * answer as the progress line, or fails with exit code 6 at the timeout.
 */
async function poll<T>(
  ctx: CliContext,
  options: {
    read(): Promise<T>;
    describe(value: T): string;
    /** `done` to stop with the value, an error to stop failing, undefined to go on. */
    check(value: T): 'done' | CliError | undefined;
    timeoutMs: number;
    what: string;
  },
): Promise<T> {
  const started = Date.now();
  const progress = ctx.progress();
  let polls = 0;
  for (;;) {
    const value = await options.read();
    const outcome = options.check(value);
    const elapsed = formatDuration(Date.now() - started);
    if (outcome === 'done') {
      progress.done(`${options.describe(value)} after ${elapsed}`);
      return value;
    }
    if (outcome) {
      progress.done(options.describe(value));
      throw outcome;
    }
    progress.update(options.describe(value), elapsed);
    if (ctx.io.signal?.aborted) {
      progress.done();
      throw new CliError(`Stopped waiting for ${options.what}`, EXIT.failed);
    }
    if (Date.now() - started >= options.timeoutMs) {
      progress.done();
      throw new CliError(
        `Timed out after ${formatDuration(options.timeoutMs)} waiting for ${
          options.what
        }; it is still: ${options.describe(value)}`,
        EXIT.timedOut,
      );
    }
    // Most changes end within a second or two: ask often at first, then back
    // off to the configured interval so a long wait does not load the backend.
    await ctx.sleep(
      Math.min(
        Math.min(ctx.pollIntervalMs, FIRST_POLL_MS * 2 ** polls),
        options.timeoutMs - (Date.now() - started),
      ),
    );
    polls += 1;
  }
}

/** Waits until the environment is ready (or deleted); fails when it fails. */
export async function waitForEnvironment(
  ctx: CliContext,
  environment: Environment,
  options: { until: 'ready' | 'deleted'; timeoutMs: number },
): Promise<Environment> {
  let last = environment;
  return poll(ctx, {
    what: `${environment.componentRef} ${environment.name} to be ${options.until}`,
    timeoutMs: options.timeoutMs,
    read: async () => {
      try {
        last = await ctx.client.getEnvironment(environment.id);
      } catch (error) {
        // Gone altogether is as deleted as it gets.
        if (
          options.until === 'deleted' &&
          error instanceof ResponseError &&
          error.statusCode === 404
        ) {
          last = { ...last, status: 'deleted' };
        } else {
          throw error;
        }
      }
      return last;
    },
    describe: describeEnvironment,
    check: current => {
      if (current.status === options.until) return 'done';
      if (options.until === 'ready') {
        if (current.status === 'failed') {
          return new CliError(
            `${current.componentRef} ${current.name} failed${
              current.reason ? `: ${current.reason}` : ''
            }`,
            EXIT.failed,
          );
        }
        if (current.status === 'deleting' || current.status === 'deleted') {
          return new CliError(
            `${current.componentRef} ${current.name} is ${current.status}${
              current.reason ? `: ${current.reason}` : ''
            }`,
            EXIT.failed,
          );
        }
      }
      return undefined;
    },
  });
}

export function describeDeployment(deployment: Deployment): string {
  return `${deployment.kind} #${deployment.sequence} of ${
    deployment.version
  } to ${deployment.environmentName}: ${deployment.state}${
    deployment.reason ? ` (${deployment.reason})` : ''
  }${
    deployment.state === 'pending-approval'
      ? waitingForApproval(deployment.approval)
      : ''
  }`;
}

/** Waits until the deployment has rolled out; fails when it fails, is rejected or expires. */
export async function waitForDeployment(
  ctx: CliContext,
  deployment: Deployment,
  options: { timeoutMs: number },
): Promise<Deployment> {
  return poll(ctx, {
    what: `${deployment.kind} #${deployment.sequence} to ${deployment.environmentName} to succeed`,
    timeoutMs: options.timeoutMs,
    read: () => ctx.client.getDeployment(deployment.id),
    describe: describeDeployment,
    check: current => {
      if (hasSucceeded(current)) return 'done';
      if (
        current.state === 'pending-approval' ||
        current.state === 'rolling-out'
      ) {
        return undefined;
      }
      return new CliError(describeDeployment(current), EXIT.failed);
    },
  });
}
