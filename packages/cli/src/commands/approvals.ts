import { ResponseError } from '@backstage/errors';
import { Command } from 'commander';
import { approvalDecisionRequestSchema } from '@internal/backstage-plugin-environments-common';
import { CliContext } from '../context';
import { resolveEnvironment } from '../environmentRef';
import {
  deploymentDetails,
  deploymentsTable,
  environmentDetails,
  environmentsTable,
} from '../output/views';
import { validateRequest } from '../validate';
import { Runtime, withExamples } from './define';

/**
 * Decides what `target` names: a deployment by id, or else an environment
 * waiting for approval (`<component>/<name>` or its id).
 */
async function decide(
  ctx: CliContext,
  target: string,
  outcome: 'approve' | 'reject',
  comment: string,
) {
  const decision = validateRequest(
    approvalDecisionRequestSchema,
    { comment },
    { comment: '--comment' },
  );
  if (!target.includes('/')) {
    try {
      await ctx.client.getDeployment(target);
      const deployment =
        outcome === 'approve'
          ? await ctx.client.approveDeployment(target, decision)
          : await ctx.client.rejectDeployment(target, decision);
      ctx.note(
        `${outcome === 'approve' ? 'Approved' : 'Rejected'} deployment #${
          deployment.sequence
        } to ${deployment.environmentName}`,
      );
      ctx.print(deployment, () => deploymentDetails(deployment, ctx));
      return;
    } catch (error) {
      if (!(error instanceof ResponseError && error.statusCode === 404))
        throw error;
    }
  }
  const environment = await resolveEnvironment(ctx, target);
  const decided =
    outcome === 'approve'
      ? await ctx.client.approveEnvironment(environment.id, decision)
      : await ctx.client.rejectEnvironment(environment.id, decision);
  ctx.note(
    `${outcome === 'approve' ? 'Approved' : 'Rejected'} environment ${
      decided.componentRef
    } ${decided.name}`,
  );
  ctx.print(decided, () => environmentDetails(decided, ctx));
}

/** `idp approvals|approve|reject`: what waits for your decision, and the decision. */
export function registerApprovalCommands(program: Command, runtime: Runtime) {
  withExamples(
    program
      .command('approvals')
      .description(
        'what waits for an approval you may give: deployments and environment requests',
      ),
    ['idp approvals', 'idp approvals -o json'],
  ).action(async (_options, command) => {
    const ctx = runtime.context(command);
    const [deployments, environments] = await Promise.all([
      ctx.client.listPendingApprovals(),
      ctx.client.listEnvironmentApprovals(),
    ]);
    ctx.print(
      { deployments: deployments.items, environments: environments.items },
      () =>
        `Deployments:\n${deploymentsTable(
          deployments.items,
          ctx,
        )}\nEnvironment requests:\n${environmentsTable(
          environments.items,
          ctx,
        )}`,
    );
  });

  for (const outcome of ['approve', 'reject'] as const) {
    withExamples(
      program
        .command(outcome)
        .description(
          `${outcome} a deployment waiting for approval (by its id), or an environment request (<component>/<name> or id); not your own`,
        )
        .argument('<target>', 'a deployment id, or an environment')
        .requiredOption(
          '--comment <text>',
          'why; shown to the requester and kept in the history',
        ),
      [
        `idp ${outcome} 9d1e0c4a-... --comment "${
          outcome === 'approve'
            ? 'checked the diff, go'
            : 'not during the freeze'
        }"`,
        `idp ${outcome} orders-service/production --comment "..."`,
      ],
    ).action(async (target, options, command) => {
      await decide(runtime.context(command), target, outcome, options.comment);
    });
  }
}
