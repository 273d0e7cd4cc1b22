import { Command } from 'commander';
import {
  Deployment,
  deployRequestSchema,
  hasSucceeded,
  promoteRequestSchema,
  rollbackRequestSchema,
} from '@internal/backstage-plugin-environments-common';
import { CliContext } from '../context';
import { ENVIRONMENT_ARGUMENT, resolveEnvironment } from '../environmentRef';
import { CliError, EXIT } from '../exitCodes';
import { deploymentDetails, deploymentsTable, diffText } from '../output/views';
import {
  collect,
  parseInteger,
  parsePairs,
  parseTimeout,
  validateRequest,
} from '../validate';
import { describeDeployment, waitForDeployment } from '../waiting';
import { addWaitOptions, Runtime, withExamples } from './define';

async function finish(
  ctx: CliContext,
  deployment: Deployment,
  options: { wait?: boolean; timeout: string },
) {
  const timeoutMs = parseTimeout(options.timeout);
  ctx.policyWarnings(deployment.policy);
  // With --wait the progress line says it, once.
  if (!options.wait) {
    ctx.note(`${describeDeployment(deployment)} (${deployment.id})`);
  }
  const final = options.wait
    ? await waitForDeployment(ctx, deployment, { timeoutMs })
    : deployment;
  ctx.print(final, () => deploymentDetails(final, ctx));
}

/** Every page of an environment's deployments, newest first. */
async function history(ctx: CliContext, environmentId: string, limit?: number) {
  const items: Deployment[] = [];
  let pageToken: string | undefined;
  do {
    const page = await ctx.client.listDeployments(environmentId, {
      limit: limit ? Math.min(limit - items.length, 500) : 500,
      pageToken,
    });
    items.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken && (!limit || items.length < limit));
  return items;
}

/** `idp deploy|rollback|promote|history|diff`: what runs in an environment, and how it got there. */
export function registerDeployCommands(program: Command, runtime: Runtime) {
  withExamples(
    addWaitOptions(
      program
        .command('deploy')
        .description(
          'deploy to an environment: a new version or changed settings, applied to its current overrides',
        )
        .argument('<environment>', ENVIRONMENT_ARGUMENT)
        .option(
          '--image <image>',
          'the image to run, such as ghcr.io/acme/orders-service:1.4.2',
        )
        .option(
          '--tag <tag>',
          'a new tag of the image it runs now, such as 1.4.2',
        )
        .option('--replicas <count>', 'how many pods to run')
        .option(
          '--env <NAME=value>',
          'set an environment variable (repeatable)',
          collect,
          [],
        )
        .option(
          '--unset-env <NAME>',
          'remove an environment variable override (repeatable)',
          collect,
          [],
        )
        .option(
          '--secret-ref <NAME=key>',
          "set NAME from the environment's secret key (repeatable)",
          collect,
          [],
        )
        .option('--cpu <quantity>', 'the CPU each pod may use, such as 500m')
        .option(
          '--memory <quantity>',
          'the memory each pod may use, such as 512Mi',
        )
        .option('-m, --message <text>', 'why, shown in the history'),
      'it has rolled out (or failed)',
    ),
    [
      'idp deploy orders-service/development --tag 1.4.2 --wait',
      'idp deploy orders-service/development --image ghcr.io/acme/orders-service:1.4.2 -m "new checkout"',
      'idp deploy orders-service/staging --replicas 3 --env LOG_LEVEL=debug --unset-env FEATURE_X',
    ],
  ).action(async (argument, options, command) => {
    const ctx = runtime.context(command);
    const env: Record<string, string | null> = parsePairs(options.env, '--env');
    for (const name of options.unsetEnv as string[]) env[name] = null;
    const secretRefs = parsePairs(options.secretRef, '--secret-ref');
    const request = validateRequest(
      deployRequestSchema,
      {
        image: options.image,
        tag: options.tag,
        replicas: parseInteger(options.replicas, '--replicas'),
        env: Object.keys(env).length ? env : undefined,
        secretRefs: Object.keys(secretRefs).length ? secretRefs : undefined,
        resources:
          options.cpu || options.memory
            ? { cpu: options.cpu, memory: options.memory }
            : undefined,
        message: options.message,
        source: 'cli',
      },
      {
        image: '--image',
        tag: '--tag',
        replicas: '--replicas',
        env: '--env',
        secretRefs: '--secret-ref',
        'resources.cpu': '--cpu',
        'resources.memory': '--memory',
        message: '--message',
      },
    );
    parseTimeout(options.timeout);
    const environment = await resolveEnvironment(ctx, argument);
    const deployment = await ctx.client.deploy(environment.id, request);
    await finish(ctx, deployment, options);
  });

  withExamples(
    addWaitOptions(
      program
        .command('rollback')
        .description(
          'roll an environment back to an earlier deployment that succeeded; pins it until the next deploy by hand',
        )
        .argument('<environment>', ENVIRONMENT_ARGUMENT)
        .requiredOption(
          '--reason <text>',
          'why, shown in the history and on the pin',
        )
        .option(
          '--to <deployment>',
          'the deployment id to go back to (default: the last one that succeeded before the current)',
        ),
      'it has rolled out (or failed)',
    ),
    [
      'idp rollback orders-service/staging --reason "checkout errors since 1.4.2" --wait',
      'idp rollback orders-service/staging --to 9d1e... --reason "back to last week"',
    ],
  ).action(async (argument, options, command) => {
    const ctx = runtime.context(command);
    parseTimeout(options.timeout);
    validateRequest(
      rollbackRequestSchema,
      {
        deploymentId: options.to ?? 'the previous one',
        reason: options.reason,
        source: 'cli',
      },
      { deploymentId: '--to', reason: '--reason' },
    );
    const environment = await resolveEnvironment(ctx, argument);
    let target: string | undefined = options.to;
    if (!target) {
      const items = await history(ctx, environment.id);
      const current = items.findIndex(hasSucceeded);
      const previous = items.slice(current + 1).find(hasSucceeded);
      if (current < 0 || !previous) {
        throw new CliError(
          `${environment.componentRef} ${environment.name} has no earlier deployment that succeeded to roll back to`,
          EXIT.conflict,
        );
      }
      target = previous.id;
      ctx.note(
        `Rolling back to #${previous.sequence} (${previous.version}, ${previous.id})`,
      );
    }
    const deployment = await ctx.client.rollback(environment.id, {
      deploymentId: target,
      reason: options.reason,
      source: 'cli',
    });
    await finish(ctx, deployment, options);
  });

  withExamples(
    addWaitOptions(
      program
        .command('promote')
        .description(
          'promote into an environment what succeeded in the one before it on the promotion path',
        )
        .argument(
          '<environment>',
          `the target ${ENVIRONMENT_ARGUMENT.replace(/^the /, '')}`,
        )
        .option(
          '--from <deployment>',
          'the upstream deployment id to promote (default: what succeeded last upstream)',
        )
        .option('-m, --message <text>', 'why, shown in the history'),
      'it has rolled out (or failed)',
    ),
    [
      'idp promote orders-service/staging --wait',
      'idp diff orders-service/staging --promote   # what a promotion would change',
    ],
  ).action(async (argument, options, command) => {
    const ctx = runtime.context(command);
    parseTimeout(options.timeout);
    const request = validateRequest(
      promoteRequestSchema,
      { deploymentId: options.from, message: options.message, source: 'cli' },
      { deploymentId: '--from', message: '--message' },
    );
    const environment = await resolveEnvironment(ctx, argument);
    const deployment = await ctx.client.promote(environment.id, request);
    await finish(ctx, deployment, options);
  });

  withExamples(
    program
      .command('history')
      .description("an environment's deployments, newest first")
      .argument('<environment>', ENVIRONMENT_ARGUMENT)
      .option('--limit <count>', 'at most this many', '20'),
    [
      'idp history orders-service/staging',
      'idp history orders-service/staging --limit 100 -o json',
    ],
  ).action(async (argument, options, command) => {
    const ctx = runtime.context(command);
    const limit = parseInteger(options.limit, '--limit');
    if (!limit || limit < 1) {
      throw new CliError(
        `--limit must be at least 1 (got "${options.limit}")`,
        EXIT.invalid,
      );
    }
    const environment = await resolveEnvironment(ctx, argument);
    const items = await history(ctx, environment.id, limit);
    ctx.print({ items }, () => deploymentsTable(items, ctx));
  });

  withExamples(
    program
      .command('diff')
      .description(
        'what changed between two deployments; with an environment, what its last deployment changed (or, with --promote, what promoting into it would change)',
      )
      .argument('<from>', 'a deployment id, or an environment')
      .argument('[to]', 'a deployment id')
      .option(
        '--promote',
        'the environment is a promotion target: compare what runs there with what would be promoted',
      ),
    [
      'idp diff 4b1f... 9d1e...',
      'idp diff orders-service/staging',
      'idp diff orders-service/staging --promote',
    ],
  ).action(async (from, to, options, command) => {
    const ctx = runtime.context(command);
    let fromId: string = from;
    let toId: string | undefined = to;
    if (!toId) {
      const environment = await resolveEnvironment(ctx, from);
      if (options.promote) {
        const where = await ctx.client.getWhatRunsWhere(
          environment.componentRef,
        );
        const here = where.environments.find(
          e => e.environmentId === environment.id,
        );
        if (!here?.upstream) {
          throw new CliError(
            `${environment.name} has no environment before it on ${
              environment.componentRef
            }'s promotion path (${where.promotionPath.join(' → ')})`,
            EXIT.conflict,
          );
        }
        // promotable: what succeeded upstream and differs from what runs here.
        const promotable = here.promotable;
        if (!promotable) {
          throw new CliError(
            `Nothing in ${here.upstream} has succeeded that differs from what runs in ${environment.name}`,
            EXIT.conflict,
          );
        }
        if (!here.current) {
          ctx.note(
            `Nothing runs in ${environment.name} yet; promoting brings ${promotable.version}`,
          );
          ctx.print(promotable, () => deploymentDetails(promotable, ctx));
          return;
        }
        fromId = here.current.id;
        toId = promotable.id;
      } else {
        const items = await history(ctx, environment.id, 2);
        if (items.length < 2) {
          throw new CliError(
            `${environment.componentRef} ${environment.name} has fewer than two deployments`,
            EXIT.notFound,
          );
        }
        fromId = items[1].id;
        toId = items[0].id;
      }
    }
    const diff = await ctx.client.diffDeployments(fromId, toId);
    ctx.print(diff, () => diffText(diff, ctx.colors));
  });
}
