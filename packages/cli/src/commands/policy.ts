import { Command } from 'commander';
import {
  listPolicyDecisionsQuerySchema,
  PolicyDecisionRecord,
  PolicyRule,
} from '@internal/backstage-plugin-environments-common';
import { resolveEnvironment } from '../environmentRef';
import { Colors } from '../output/color';
import { renderTable } from '../output/table';
import { relativeTime } from '../output/time';
import { validateRequest } from '../validate';
import { Runtime, withExamples } from './define';

type View = { colors: Colors; width?: number };

const shortRef = (ref: string) => ref.replace(/^[a-z]+:default\//, '');

function outcomeColor(colors: Colors, outcome: string): string {
  if (outcome === 'deny' || outcome === 'error') return colors.red(outcome);
  if (outcome === 'warn') return colors.yellow(outcome);
  if (outcome === 'allow') return colors.green(outcome);
  return outcome;
}

export function policyRulesTable(items: PolicyRule[], view: View): string {
  if (items.length === 0) return 'No rules are active\n';
  return renderTable(
    items,
    [
      { header: 'RULE', value: r => r.rule },
      {
        header: 'SEVERITY',
        value: r => r.severity,
        render: (text, r) =>
          r.severity === 'deny'
            ? view.colors.red(text)
            : view.colors.yellow(text),
      },
      { header: 'TITLE', value: r => r.title },
      { header: 'DESCRIPTION', value: r => r.description ?? '' },
    ],
    view,
  );
}

export function policyDecisionsTable(
  items: PolicyDecisionRecord[],
  view: View,
): string {
  if (items.length === 0) return 'No decisions\n';
  return renderTable(
    items,
    [
      { header: 'WHEN', value: d => relativeTime(d.at) },
      { header: 'WHO', value: d => shortRef(d.actor) },
      { header: 'ACTION', value: d => d.action },
      {
        header: 'TARGET',
        value: d => `${shortRef(d.componentRef)}/${d.environmentName}`,
      },
      {
        header: 'OUTCOME',
        value: d => d.outcome,
        render: text => outcomeColor(view.colors, text),
      },
      {
        header: 'RULES',
        value: d => [...d.deny, ...d.warn].map(m => m.rule).join(', '),
      },
    ],
    view,
  );
}

/** `idp policy rules|decisions`: the platform's active rules and their newest decisions. */
export function registerPolicyCommands(program: Command, runtime: Runtime) {
  const policy = program
    .command('policy')
    .description(
      "the platform's policies: the active rules and their newest decisions",
    );

  withExamples(
    policy
      .command('rules')
      .description(
        'the rules of the policy bundle that decides now, with its revision',
      ),
    ['idp policy rules', 'idp policy rules -o json'],
  ).action(async (_options, command) => {
    const ctx = runtime.context(command);
    const rules = await ctx.client.listPolicyRules();
    ctx.note(
      rules.mode === 'off'
        ? 'Policies are turned off: nothing is decided by them'
        : `Policies evaluated ${
            rules.mode === 'embedded' ? 'in the backend' : 'by an OPA server'
          }, bundle revision ${rules.revision ?? 'unknown'}`,
    );
    ctx.print(rules, () => policyRulesTable(rules.items, ctx));
  });

  withExamples(
    policy
      .command('decisions')
      .description(
        "the newest decisions, newest first: all for the platform's admins, one environment's, or else your own",
      )
      .option(
        '--environment <environment>',
        'only those on this environment: <component>/<name> or its id',
      )
      .option('--limit <count>', 'at most this many', '20'),
    [
      'idp policy decisions',
      'idp policy decisions --environment orders-service/staging --limit 50',
    ],
  ).action(async (options, command) => {
    const ctx = runtime.context(command);
    const query = validateRequest(
      listPolicyDecisionsQuerySchema,
      { limit: Number(options.limit) },
      { limit: '--limit' },
    );
    const environmentId = options.environment
      ? (await resolveEnvironment(ctx, options.environment)).id
      : undefined;
    const decisions = await ctx.client.listPolicyDecisions({
      ...query,
      environmentId,
    });
    ctx.print(decisions, () => policyDecisionsTable(decisions.items, ctx));
  });
}
