import { Command } from 'commander';
import {
  EnvironmentPod,
  environmentLogsQuerySchema,
} from '@internal/backstage-plugin-environments-common';
import { ENVIRONMENT_ARGUMENT, resolveEnvironment } from '../environmentRef';
import { CliError, EXIT } from '../exitCodes';
import { eventsTable, podsTable } from '../output/views';
import { parseInteger, parseTimeout, validateRequest } from '../validate';
import { Runtime, withExamples } from './define';

/** The pod whose log `idp logs` reads when none is named: a running one of the workload first. */
function defaultPod(pods: EnvironmentPod[]): EnvironmentPod | undefined {
  const running = pods.filter(pod => pod.phase === 'Running');
  return running.find(pod => pod.ready) ?? running[0] ?? pods[0];
}

/** `idp logs|events|pods`: what runs in an environment. */
export function registerObserveCommands(program: Command, runtime: Runtime) {
  withExamples(
    program
      .command('logs')
      .description(
        "the log of a container of an environment's pod; -f follows it until Ctrl-C",
      )
      .argument('<environment>', ENVIRONMENT_ARGUMENT)
      .option(
        '--pod <name>',
        'the pod (idp pods lists them; default: a running pod)',
      )
      .option(
        '-c, --container <name>',
        'the container, when the pod has several',
      )
      .option('-f, --follow', 'keep printing new lines until Ctrl-C')
      .option(
        '-p, --previous',
        'the log of the container that ran before its last restart',
      )
      .option(
        '--tail <lines>',
        'start with this many of the last lines (backend default: 500)',
      )
      .option('--since <duration>', 'only lines of the last 90s, 10m, 1h...')
      .option('--timestamps', 'start each line with the time it was written'),
    [
      'idp logs orders-service/development',
      'idp logs orders-service/development -f --tail 50',
      'idp logs orders-service/development --previous -c app',
    ],
  ).action(async (argument, options, command) => {
    const ctx = runtime.context(command);
    const query = {
      pod: options.pod ?? 'pod',
      container: options.container,
      follow: options.follow ? true : undefined,
      previous: options.previous ? true : undefined,
      tailLines: parseInteger(options.tail, '--tail'),
      sinceSeconds: options.since
        ? parseTimeout(options.since, '--since') / 1000
        : undefined,
      timestamps: options.timestamps ? true : undefined,
    };
    validateRequest(environmentLogsQuerySchema, query, {
      pod: '--pod',
      container: '--container',
      tailLines: '--tail',
      sinceSeconds: '--since',
    });
    const environment = await resolveEnvironment(ctx, argument);
    if (!options.pod) {
      const pod = defaultPod((await ctx.client.listPods(environment.id)).items);
      if (!pod) {
        throw new CliError(
          `${environment.componentRef} ${environment.name} runs no pods yet`,
          EXIT.notFound,
        );
      }
      query.pod = pod.name;
      ctx.note(`Log of pod ${pod.name}`);
    }
    const stream = await ctx.client.openLogs(environment.id, query, {
      signal: ctx.io.signal,
    });
    const decoder = new TextDecoder();
    const reader = stream.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        ctx.io.stdout.write(decoder.decode(value, { stream: true }));
      }
    } catch (error) {
      // Ctrl-C ends a followed log: that is its normal end.
      if (!ctx.io.signal?.aborted) throw error;
    }
  });

  withExamples(
    program
      .command('events')
      .description(
        "the Kubernetes events of an environment's namespace, newest first, with hints for common failures",
      )
      .argument('<environment>', ENVIRONMENT_ARGUMENT),
    [
      'idp events orders-service/development',
      'idp events orders-service/development -o json',
    ],
  ).action(async (argument, _options, command) => {
    const ctx = runtime.context(command);
    const environment = await resolveEnvironment(ctx, argument);
    const events = await ctx.client.listEvents(environment.id);
    ctx.print(events, () => eventsTable(events.items, ctx));
  });

  withExamples(
    program
      .command('pods')
      .description(
        'the pods running in an environment: its workload and its databases',
      )
      .argument('<environment>', ENVIRONMENT_ARGUMENT),
    ['idp pods orders-service/development'],
  ).action(async (argument, _options, command) => {
    const ctx = runtime.context(command);
    const environment = await resolveEnvironment(ctx, argument);
    const pods = await ctx.client.listPods(environment.id);
    ctx.print(pods, () => podsTable(pods.items, ctx));
  });
}
