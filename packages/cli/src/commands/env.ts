import { Command, Option } from 'commander';
import {
  ENVIRONMENT_STATUSES,
  environmentRequestSchema,
  extendEnvironmentRequestSchema,
  listEnvironmentsFilterSchema,
} from '@internal/backstage-plugin-environments-common';
import { ENVIRONMENT_ARGUMENT, resolveEnvironment } from '../environmentRef';
import {
  environmentDetails,
  environmentsTable,
  typesTable,
} from '../output/views';
import {
  collect,
  componentRefOf,
  parseResource,
  parseTimeout,
  validateRequest,
} from '../validate';
import { waitForEnvironment } from '../waiting';
import { addWaitOptions, Runtime, withExamples } from './define';

/** `idp env ...`: environments, requested, followed, extended and torn down. */
export function registerEnvCommands(program: Command, runtime: Runtime) {
  const env = program
    .command('env')
    .description('environments: list, get, request, wait, extend, rm, types');
  withExamples(env, [
    'idp env ls --component orders-service',
    'idp env request --component orders-service --type preview --name pr-42 --wait',
  ]);

  withExamples(
    env
      .command('ls')
      .alias('list')
      .description('list the live environments you may see')
      .option(
        '--component <ref>',
        'only those of this component, such as orders-service',
      )
      .option(
        '--owner <ref>',
        'only those owned by this group, such as group:default/team-orders',
      )
      .option('--type <type>', 'only those of this environment type')
      .addOption(
        new Option('--status <status>', 'only those in this status').choices(
          ENVIRONMENT_STATUSES.filter(status => status !== 'deleted'),
        ),
      ),
    [
      'idp env ls',
      'idp env ls --component orders-service --status ready',
      "idp env ls -o json | jq -r '.items[].id'",
    ],
  ).action(async (options, command) => {
    const ctx = runtime.context(command);
    const filter = validateRequest(
      listEnvironmentsFilterSchema,
      {
        componentRef:
          options.component && componentRefOf(options.component).toLowerCase(),
        ownerRef: options.owner,
        type: options.type,
        status: options.status,
      },
      {
        componentRef: '--component',
        ownerRef: '--owner',
        type: '--type',
        status: '--status',
      },
    );
    const list = await ctx.client.listEnvironments(filter);
    ctx.print(list, () => environmentsTable(list.items, ctx));
  });

  withExamples(
    env
      .command('get')
      .description('show one environment: its status, conditions and approval')
      .argument('<environment>', ENVIRONMENT_ARGUMENT),
    [
      'idp env get orders-service/development',
      'idp env get 3f1c2a9e-0d5b-4a57-9a43-5b8f0c6e2d11 -o yaml',
    ],
  ).action(async (argument, _options, command) => {
    const ctx = runtime.context(command);
    const environment = await resolveEnvironment(ctx, argument);
    ctx.print(environment, () => environmentDetails(environment, ctx));
  });

  withExamples(
    env
      .command('types')
      .description(
        'list the environment types and whether you may request each',
      ),
    ['idp env types'],
  ).action(async (_options, command) => {
    const ctx = runtime.context(command);
    const types = await ctx.client.listTypes();
    ctx.print(types, () => typesTable(types.items, ctx));
  });

  withExamples(
    addWaitOptions(
      env
        .command('request')
        .alias('create')
        .description('request an environment for a component')
        .requiredOption(
          '--component <ref>',
          'the catalog component, such as orders-service or component:default/orders-service',
        )
        .requiredOption(
          '--type <type>',
          'the environment type (idp env types lists them)',
        )
        .option(
          '--name <name>',
          'the environment name; the type name unless set',
        )
        .option(
          '--ttl <duration>',
          'time to live of an ephemeral environment, such as 4h or 3d',
        )
        .option(
          '--image <image>',
          'the image to run, such as ghcr.io/acme/orders-service:1.4.2',
        )
        .option('--cpu <quantity>', 'the CPU it may use, such as 500m')
        .option('--memory <quantity>', 'the memory it may use, such as 512Mi')
        .option(
          '--resource <TYPE:NAME[,KEY=VALUE...]>',
          'a resource provisioned with it (repeatable): postgresql:orders-db,version=16,storage=1Gi or redis:cache',
          collect,
          [],
        ),
      'it is ready',
    ),
    [
      'idp env request --component orders-service --type development',
      'idp env request --component orders-service --type preview --name pr-42 --ttl 8h --wait',
      'idp env request --component orders-service --type development --resource postgresql:orders-db,version=16',
    ],
  ).action(async (options, command) => {
    const ctx = runtime.context(command);
    const timeoutMs = options.wait ? parseTimeout(options.timeout) : 0;
    const overrides =
      options.cpu || options.memory
        ? { cpu: options.cpu, memory: options.memory }
        : undefined;
    const request = validateRequest(
      environmentRequestSchema,
      {
        componentRef: componentRefOf(options.component),
        type: options.type,
        name: options.name,
        ttl: options.ttl,
        image: options.image,
        overrides,
        resources: options.resource.length
          ? (options.resource as string[]).map(parseResource)
          : undefined,
      },
      {
        componentRef: '--component',
        type: '--type',
        name: '--name',
        ttl: '--ttl',
        image: '--image',
        'overrides.cpu': '--cpu',
        'overrides.memory': '--memory',
        resources: '--resource',
      },
    );
    let environment = await ctx.client.createEnvironment(request);
    ctx.note(
      `Requested ${environment.componentRef} ${environment.name} (${environment.id})`,
    );
    ctx.policyWarnings(environment.policy);
    if (options.wait) {
      environment = await waitForEnvironment(ctx, environment, {
        until: 'ready',
        timeoutMs,
      });
    }
    ctx.print(environment, () => environmentDetails(environment, ctx));
  });

  withExamples(
    env
      .command('wait')
      .description(
        'wait until an environment is ready (or deleted), with a progress line',
      )
      .argument('<environment>', ENVIRONMENT_ARGUMENT)
      .addOption(
        new Option('--for <status>', 'the status to wait for')
          .choices(['ready', 'deleted'])
          .default('ready'),
      )
      .option(
        '--timeout <duration>',
        'how long to wait, such as 90s, 10m or 1h (exit code 6 when it runs out)',
        '10m',
      ),
    [
      'idp env wait orders-service/pr-42',
      'idp env wait orders-service/pr-42 --for deleted --timeout 5m',
    ],
  ).action(async (argument, options, command) => {
    const ctx = runtime.context(command);
    const timeoutMs = parseTimeout(options.timeout);
    const environment = await resolveEnvironment(ctx, argument);
    const final = await waitForEnvironment(ctx, environment, {
      until: options.for,
      timeoutMs,
    });
    ctx.print(final, () => environmentDetails(final, ctx));
  });

  withExamples(
    env
      .command('extend')
      .description('move the expiry of an ephemeral environment later')
      .argument('<environment>', ENVIRONMENT_ARGUMENT)
      .requiredOption(
        '--ttl <duration>',
        'the new time to live from now, such as 8h or 2d',
      ),
    ['idp env extend orders-service/pr-42 --ttl 8h'],
  ).action(async (argument, options, command) => {
    const ctx = runtime.context(command);
    const request = validateRequest(
      extendEnvironmentRequestSchema,
      { ttl: options.ttl },
      { ttl: '--ttl' },
    );
    const environment = await resolveEnvironment(ctx, argument);
    const extended = await ctx.client.extendEnvironment(
      environment.id,
      request,
    );
    ctx.note(
      `${extended.componentRef} ${extended.name} now expires ${
        extended.expiresAt ?? 'never'
      }`,
    );
    ctx.policyWarnings(extended.policy);
    ctx.print(extended, () => environmentDetails(extended, ctx));
  });

  withExamples(
    addWaitOptions(
      env
        .command('rm')
        .alias('delete')
        .description(
          'tear an environment down: its namespace and everything in it',
        )
        .argument('<environment>', ENVIRONMENT_ARGUMENT),
      'it is deleted',
    ),
    [
      'idp env rm orders-service/pr-42',
      'idp env rm orders-service/pr-42 --wait',
    ],
  ).action(async (argument, options, command) => {
    const ctx = runtime.context(command);
    const timeoutMs = options.wait ? parseTimeout(options.timeout) : 0;
    const environment = await resolveEnvironment(ctx, argument);
    let deleted = await ctx.client.deleteEnvironment(environment.id);
    ctx.note(
      `Deleting ${deleted.componentRef} ${deleted.name} (${deleted.status})`,
    );
    if (options.wait) {
      deleted = await waitForEnvironment(ctx, deleted, {
        until: 'deleted',
        timeoutMs,
      });
    }
    ctx.print(deleted, () => environmentDetails(deleted, ctx));
  });
}
