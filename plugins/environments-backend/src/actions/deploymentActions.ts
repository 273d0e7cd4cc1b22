import {
  approvalDecisionRequestSchema,
  deploymentDiffSchema,
  deploymentSchema,
  deployRequestSchema,
  promoteRequestSchema,
  rollbackRequestSchema,
} from '@internal/backstage-plugin-environments-common';
import { z } from 'zod';
import { recordedDeployment } from '../service/auditedChange';
import { ActionsContext, outputSchema } from './actionsContext';
import { ActionInput, knownId, resourceId } from './actionInput';

const environmentId = resourceId('environment');
const deploymentId = resourceId('deployment');

const deployInput = new ActionInput(
  'deployment',
  { environmentId },
  deployRequestSchema,
);
const rollbackInput = new ActionInput(
  'rollback',
  { environmentId },
  rollbackRequestSchema,
);
const promoteInput = new ActionInput(
  'promotion',
  { environmentId },
  promoteRequestSchema,
);
const approveInput = new ActionInput(
  'approval decision',
  { deploymentId },
  approvalDecisionRequestSchema,
);
const historyInput = new ActionInput('deployment history', {
  environmentId,
  limit: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(500, 'must be at most 500')
    .optional()
    .describe('How many deployments to return at most; 100 when left out.'),
  pageToken: z
    .string()
    .optional()
    .describe('The `nextPageToken` of the previous page, to read older ones.'),
});
const getInput = new ActionInput('deployment lookup', { deploymentId });
const diffInput = new ActionInput('deployment diff', {
  from: resourceId('deployment').describe(
    'The deployment to compare from (usually the older one).',
  ),
  to: resourceId('deployment').describe(
    'The deployment to compare to; of the same environment or of another one of the same component (e.g. staging against production).',
  ),
});

const deploymentPage = z.object({
  items: z.array(deploymentSchema),
  nextPageToken: z.string().optional(),
});

const FOLLOW = `It answers at once with the deployment; the rollout continues in the background: follow it with get-deployment until its state is \`succeeded\` or \`failed\`. In an environment whose type requires approval (production) it waits in state \`pending-approval\` until an approver decides (approve-deployment, reject-deployment).`;

/**
 * The deployments' actions: the same `DeploymentsService` calls as the REST
 * API's deployment routes, with the caller's credentials, so the same
 * permission checks; changes audited with the same event ids.
 */
export function registerDeploymentActions(context: ActionsContext) {
  const { actionsRegistry, deployments, audit } = context;

  actionsRegistry.register({
    name: 'deploy-to-environment',
    title: 'Deploy to an environment',
    description: `Deploys to an environment: a new image (\`image\`, a whole reference, or \`tag\`, a new tag of the image that runs now, not both), and changes to its overrides: \`replicas\`, \`env\` (variables; \`null\` removes one), \`secretRefs\` (variable → key of the environment's secrets), \`resources\` (\`{ "cpu": "500m", "memory": "512Mi" }\`). Fields left out keep what the environment has; values must stay within the type's bounds.
Give a \`message\` saying why (shown in the history) and \`source: "api"\` unless a person uses the CLI (\`cli\`).
${FOLLOW}
It replaces what runs in the environment; a rolled-back (pinned) environment refuses deployments from pipelines but not this one, which unpins it.`,
    attributes: { readOnly: false, idempotent: false, destructive: true },
    schema: {
      input: zod => deployInput.schema(zod),
      output: zod => outputSchema(zod, deploymentSchema),
    },
    action: async ({ input, credentials }) => {
      const { params, request } = deployInput.read(input);
      const id = knownId('environment', params.environmentId);
      const deployment = await audit(
        'deploy-to-environment',
        credentials,
        'deployment-create',
        { environmentId: id },
        () => deployments.deploy(id, request, { credentials }),
        recordedDeployment,
      );
      return { output: deployment };
    },
  });

  actionsRegistry.register({
    name: 'rollback-environment',
    title: 'Roll an environment back',
    description: `Rolls an environment back to one of its own earlier deployments that succeeded (\`deploymentId\`, from list-deployments), with a required \`reason\`. The environment is then pinned to it: pipelines cannot deploy over it until someone deploys by hand.
${FOLLOW}`,
    attributes: { readOnly: false, idempotent: false, destructive: true },
    schema: {
      input: zod => rollbackInput.schema(zod),
      output: zod => outputSchema(zod, deploymentSchema),
    },
    action: async ({ input, credentials }) => {
      const { params, request } = rollbackInput.read(input);
      const id = knownId('environment', params.environmentId);
      const deployment = await audit(
        'rollback-environment',
        credentials,
        'deployment-rollback',
        { environmentId: id, rollbackTo: String(request.deploymentId ?? '') },
        () => deployments.rollback(id, request, { credentials }),
        recordedDeployment,
      );
      return { output: deployment };
    },
  });

  actionsRegistry.register({
    name: 'promote-to-environment',
    title: 'Promote into an environment',
    description: `Promotes into an environment (\`environmentId\`, e.g. staging) the version that succeeded in the environment before it in the component's promotion path (development → staging → production by default): its image and component defaults, under the target's own baseline and overrides.
Without \`deploymentId\` it promotes the current deployment of the environment before; with one, that deployment, which must be of that environment and have succeeded. Use diff-deployments first to see what would change.
${FOLLOW}`,
    attributes: { readOnly: false, idempotent: false, destructive: true },
    schema: {
      input: zod => promoteInput.schema(zod),
      output: zod => outputSchema(zod, deploymentSchema),
    },
    action: async ({ input, credentials }) => {
      const { params, request } = promoteInput.read(input);
      const id = knownId('environment', params.environmentId);
      const deployment = await audit(
        'promote-to-environment',
        credentials,
        'deployment-promote',
        { environmentId: id },
        () => deployments.promote(id, request, { credentials }),
        recordedDeployment,
      );
      return { output: deployment };
    },
  });

  actionsRegistry.register({
    name: 'approve-deployment',
    title: 'Approve a deployment',
    description: `Approves a deployment waiting in state \`pending-approval\`, with a required \`comment\`; it then rolls out. Only a member of the deployment's approver groups may, and never the person who asked for it.
A decision is final: deciding a deployment that is no longer pending is refused (ConflictError).`,
    attributes: { readOnly: false, idempotent: false, destructive: true },
    schema: {
      input: zod => approveInput.schema(zod),
      output: zod => outputSchema(zod, deploymentSchema),
    },
    action: async ({ input, credentials }) => {
      const { params, request } = approveInput.read(input);
      const id = knownId('deployment', params.deploymentId);
      const deployment = await audit(
        'approve-deployment',
        credentials,
        'deployment-approve',
        { deploymentId: id },
        () => deployments.approve(id, request, { credentials }),
        recordedDeployment,
      );
      return { output: deployment };
    },
  });

  actionsRegistry.register({
    name: 'reject-deployment',
    title: 'Reject a deployment',
    description: `Rejects a deployment waiting in state \`pending-approval\`, with a required \`comment\` saying why; it ends \`rejected\` and nothing is rolled out. Only a member of the deployment's approver groups may, and never the person who asked for it.
A decision is final: deciding a deployment that is no longer pending is refused (ConflictError).`,
    attributes: { readOnly: false, idempotent: false, destructive: false },
    schema: {
      input: zod => approveInput.schema(zod),
      output: zod => outputSchema(zod, deploymentSchema),
    },
    action: async ({ input, credentials }) => {
      const { params, request } = approveInput.read(input);
      const id = knownId('deployment', params.deploymentId);
      const deployment = await audit(
        'reject-deployment',
        credentials,
        'deployment-reject',
        { deploymentId: id },
        () => deployments.reject(id, request, { credentials }),
        recordedDeployment,
      );
      return { output: deployment };
    },
  });

  actionsRegistry.register({
    name: 'list-deployments',
    title: "List an environment's deployments",
    description: `The deployment history of an environment, newest first: each deployment's id, sequence number, kind (deploy, rollback, promotion), state, version (image tag), resolved configuration, message, who asked for it and when, and its approval if it needed one.
When \`nextPageToken\` is in the output, pass it as \`pageToken\` to read older ones. Use the ids with rollback-environment, promote-to-environment and diff-deployments.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: zod => historyInput.schema(zod),
      output: zod => outputSchema(zod, deploymentPage),
    },
    action: async ({ input, credentials }) => {
      const { params } = historyInput.read(input);
      const { environmentId: id, ...page } = params;
      return {
        output: await deployments.history(knownId('environment', id), page, {
          credentials,
        }),
      };
    },
  });

  actionsRegistry.register({
    name: 'get-deployment',
    title: 'Get a deployment',
    description: `Gets one deployment by its id: its state (rolling-out, succeeded, failed, pending-approval, ...), the reason when it failed, its resolved configuration and where each value came from (baseline, component, override).`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: zod => getInput.schema(zod),
      output: zod => outputSchema(zod, deploymentSchema),
    },
    action: async ({ input, credentials }) => {
      const { params } = getInput.read(input);
      const id = knownId('deployment', params.deploymentId);
      return { output: await deployments.get(id, { credentials }) };
    },
  });

  actionsRegistry.register({
    name: 'diff-deployments',
    title: 'Compare two deployments',
    description: `What changed in the resolved configuration from one deployment to another: each path (\`image\`, \`replicas\`, \`env.LOG_LEVEL\`, ...) added, removed or changed, with its values, and the whole as text. The two may be of different environments of a component (what promoting staging into production would change).`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: zod => diffInput.schema(zod),
      output: zod => outputSchema(zod, deploymentDiffSchema),
    },
    action: async ({ input, credentials }) => {
      const { params } = diffInput.read(input);
      return {
        output: await deployments.diff(
          knownId('deployment', params.from),
          knownId('deployment', params.to),
          { credentials },
        ),
      };
    },
  });
}
