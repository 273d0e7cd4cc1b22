import { z } from 'zod';
import {
  configLayersSchema,
  deploymentConfigSchema,
  secretKeySchema,
} from './config';
import { imageReferenceSchema } from '../request';
import { quantitySchema } from '../quantity';
import { policyResultSchema } from '../policy/schema';

const text = z.string().min(1, 'must not be empty');
const timestamp = z.iso.datetime({
  offset: true,
  error: 'must be an ISO 8601 timestamp such as "2026-11-21T09:00:00.000Z"',
});

/**
 * Every state of a deployment. A deployment starts `pending-approval` (its
 * type, or a promotion into it, needs approval) or `rolling-out`; a pending
 * one ends `rejected` or `expired`, or rolls out once approved; a rollout
 * ends `succeeded` or `failed`. A newer deployment of the same environment
 * makes a pending, rolling-out or succeeded one `superseded`; a rollback
 * makes the one it replaces `rolled-back`, which counts as a failed change.
 *
 * @public
 */
export const DEPLOYMENT_STATES = [
  'pending-approval',
  'rolling-out',
  'succeeded',
  'failed',
  'superseded',
  'rolled-back',
  'rejected',
  'expired',
] as const;

/**
 * The zod schema of {@link DeploymentState}.
 *
 * @public
 */
export const deploymentStateSchema = z.enum(DEPLOYMENT_STATES);

/**
 * One of {@link DEPLOYMENT_STATES}.
 *
 * @public
 */
export type DeploymentState = z.infer<typeof deploymentStateSchema>;

/**
 * The states after which a deployment never changes again.
 *
 * @public
 */
export const FINAL_DEPLOYMENT_STATES: ReadonlyArray<DeploymentState> = [
  'failed',
  'superseded',
  'rolled-back',
  'rejected',
  'expired',
];

/**
 * Whether a deployment succeeded, which makes it one a rollback may return
 * to: it is `succeeded`, or it was superseded after it finished (a failed
 * one stays `failed`, and a pending or rolling-out one that was superseded
 * never finished, so a finished superseded one without a reason succeeded
 * first). Structural, so that the backend's model and the API's type share it.
 *
 * @public
 */
export function hasSucceeded(deployment: {
  state: DeploymentState;
  finishedAt?: unknown;
  reason?: string;
}): boolean {
  return (
    deployment.state === 'succeeded' ||
    (deployment.state === 'superseded' &&
      deployment.finishedAt !== undefined &&
      !deployment.reason)
  );
}

/**
 * Where a deployment was asked for.
 *
 * @public
 */
export const DEPLOYMENT_SOURCES = [
  'ui',
  'api',
  'cli',
  'scaffolder',
  'ci',
  'webhook',
] as const;

/**
 * The zod schema of {@link DeploymentSource}.
 *
 * @public
 */
export const deploymentSourceSchema = z.enum(DEPLOYMENT_SOURCES);

/**
 * One of {@link DEPLOYMENT_SOURCES}. `ci` and `webhook` are automatic: they
 * never roll a pinned environment forward.
 *
 * @public
 */
export type DeploymentSource = z.infer<typeof deploymentSourceSchema>;

/**
 * The sources that act on their own, which a pinned environment refuses.
 *
 * @public
 */
export const AUTOMATIC_DEPLOYMENT_SOURCES: ReadonlyArray<DeploymentSource> = [
  'ci',
  'webhook',
];

/**
 * How a deployment came about.
 *
 * @public
 */
export const DEPLOYMENT_KINDS = ['deploy', 'rollback', 'promotion'] as const;

/**
 * The zod schema of {@link DeploymentKind}.
 *
 * @public
 */
export const deploymentKindSchema = z.enum(DEPLOYMENT_KINDS);

/**
 * One of {@link DEPLOYMENT_KINDS}.
 *
 * @public
 */
export type DeploymentKind = z.infer<typeof deploymentKindSchema>;

const commitSha = z
  .string()
  .regex(
    /^[0-9a-f]{7,64}$/,
    'must be a commit SHA: 7 to 64 lowercase hexadecimal digits',
  );

/**
 * The zod schema of {@link DeploymentCommit}.
 *
 * @public
 */
export const deploymentCommitSchema = z.strictObject({
  sha: commitSha,
  /** When it was committed, as an ISO 8601 timestamp: the start of its lead time. */
  time: timestamp.optional(),
  /** Where to see it, for example the commit's page in Gitea. */
  url: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .max(2048)
    .optional(),
});

/**
 * The commit a deployment's image was built from.
 *
 * @public
 */
export type DeploymentCommit = z.infer<typeof deploymentCommitSchema>;

/**
 * The zod schema of {@link DeploymentApproval}.
 *
 * @public
 */
export const deploymentApprovalSchema = z.object({
  /** Any member of these groups, other than the requester, may decide. */
  groups: z.array(text),
  /** When a pending approval expires, as an ISO 8601 timestamp. */
  expiresAt: timestamp,
  decision: z
    .object({
      outcome: z.enum(['approved', 'rejected']),
      by: text,
      at: timestamp,
      comment: text,
    })
    .optional(),
});

/**
 * Who must approve a deployment, until when, and what they decided.
 *
 * @public
 */
export type DeploymentApproval = z.infer<typeof deploymentApprovalSchema>;

/**
 * The zod schema of {@link Deployment}.
 *
 * @public
 */
export const deploymentSchema = z.object({
  id: text,
  environmentId: text,
  /** The environment's name, for example `staging`. */
  environmentName: text,
  /** The environment's type. */
  type: text,
  componentRef: text,
  /** 1 for an environment's first deployment, then one more for each. */
  sequence: z.number().int().positive(),
  kind: deploymentKindSchema,
  state: deploymentStateSchema,
  /** Why it has its state, when that needs explaining (failed: the pods' reasons). */
  reason: z.string().optional(),
  /** The image's tag, for people: `1.4.2`. */
  version: text,
  /** The resolved configuration this deployment rolls out; never a secret value. */
  config: deploymentConfigSchema,
  /** The layer each value of `config` came from, by path (see `ResolvedConfig`). */
  origins: z.record(z.string(), z.enum(['baseline', 'component', 'override'])),
  /** The layers `config` was resolved from. */
  layers: configLayersSchema,
  /** sha256 of `config` as canonical JSON: equal configurations, equal hashes. */
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  message: text,
  source: deploymentSourceSchema,
  commit: deploymentCommitSchema.optional(),
  /** For a rollback: the earlier deployment whose configuration it rolls out again. */
  rollbackOf: text.optional(),
  /** For a promotion: the deployment it was promoted from. */
  promotedFrom: z
    .object({ deploymentId: text, environmentId: text, environmentName: text })
    .optional(),
  /** The deployment that ran in the environment when this one was asked for. */
  replaces: text.optional(),
  approval: deploymentApprovalSchema.optional(),
  /** Who asked for it: a user entity reference, or the CI service that did. */
  createdBy: text,
  createdAt: timestamp,
  /** When its rollout started (after the approval, if one was needed). */
  startedAt: timestamp.optional(),
  /** When it reached succeeded or failed. */
  finishedAt: timestamp.optional(),
  updatedAt: timestamp,
  /**
   * The policies' word on the deploy, promotion or rollback this answer is
   * to: their warnings, to be shown. Only in the answer to that request.
   */
  policy: policyResultSchema.optional(),
});

/**
 * An immutable record of one deployment to an environment: the configuration
 * it rolls out, who asked for it, when, why and from where, and what became
 * of it. Only `state`, `reason`, `approval.decision`, `startedAt`,
 * `finishedAt` and `updatedAt` change after it is written.
 *
 * @public
 */
export type Deployment = z.infer<typeof deploymentSchema>;

const message = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(1000, 'must be at most 1000 characters');

/** A change of one override; `null` removes it, so the lower layers apply again. */
const nullable = <T extends z.ZodType>(schema: T) =>
  schema.nullable().optional();

/**
 * The zod schema of {@link DeployRequest}.
 *
 * @public
 */
export const deployRequestSchema = z
  .strictObject({
    /** A whole image reference; or give only `tag`. */
    image: imageReferenceSchema.optional(),
    /** A new tag of the image that runs now (or of the component's default image). */
    tag: z
      .string()
      .regex(
        /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/,
        'must be an image tag: up to 128 letters, digits, "_", "." and "-", not starting with "." or "-"',
      )
      .optional(),
    replicas: nullable(
      z.number().int('must be a whole number').min(0, 'must not be negative'),
    ),
    /** Overrides of environment variables; `null` removes one. */
    env: z.record(z.string(), z.string().nullable()).optional(),
    /** Overrides of secret references (variable → secret key); `null` removes one. */
    secretRefs: z.record(z.string(), secretKeySchema.nullable()).optional(),
    resources: nullable(
      z.strictObject({
        cpu: nullable(quantitySchema('cpu')),
        memory: nullable(quantitySchema('memory')),
      }),
    ),
    /** Why: shown in the history. "Deployed <version>" when left out. */
    message: message.optional(),
    /** Where it is asked from; `api` when left out. */
    source: deploymentSourceSchema.optional(),
    commit: deploymentCommitSchema.optional(),
  })
  .refine(request => !(request.image && request.tag), {
    message: 'give either image or tag, not both',
    path: ['tag'],
  });

/**
 * A deployment as asked for: what to change against the environment's
 * current overrides. Fields left out keep the override they had.
 *
 * @public
 */
export type DeployRequest = z.input<typeof deployRequestSchema>;

/**
 * The zod schema of {@link RollbackRequest}.
 *
 * @public
 */
export const rollbackRequestSchema = z.strictObject({
  /** An earlier deployment of the same environment that succeeded. */
  deploymentId: text,
  /** Why: required, and recorded against the deployment rolled back. */
  reason: message,
  source: deploymentSourceSchema.optional(),
});

/**
 * A rollback to an earlier deployment.
 *
 * @public
 */
export type RollbackRequest = z.input<typeof rollbackRequestSchema>;

/**
 * The zod schema of {@link PromoteRequest}.
 *
 * @public
 */
export const promoteRequestSchema = z.strictObject({
  /**
   * The deployment to promote; when left out, the current deployment of the
   * environment before this one in the component's promotion path.
   */
  deploymentId: text.optional(),
  message: message.optional(),
  source: deploymentSourceSchema.optional(),
});

/**
 * A promotion into an environment from the one before it in the path.
 *
 * @public
 */
export type PromoteRequest = z.input<typeof promoteRequestSchema>;

/**
 * The zod schema of {@link ApprovalDecisionRequest}.
 *
 * @public
 */
export const approvalDecisionRequestSchema = z.strictObject({
  /** Required for both approvals and rejections. */
  comment: message,
});

/**
 * An approval or a rejection of a pending deployment.
 *
 * @public
 */
export type ApprovalDecisionRequest = z.input<
  typeof approvalDecisionRequestSchema
>;

/**
 * The zod schema of {@link CiDeployRequest}.
 *
 * @public
 */
export const ciDeployRequestSchema = z.strictObject({
  componentRef: text,
  /** The environment's name, for example `development`. */
  environment: text,
  image: imageReferenceSchema,
  commit: deploymentCommitSchema,
  message: message.optional(),
});

/**
 * A deployment asked for by a pipeline, naming the component and the
 * environment instead of the environment's id.
 *
 * @public
 */
export type CiDeployRequest = z.input<typeof ciDeployRequestSchema>;

/**
 * The zod schema of {@link EnvironmentPin}.
 *
 * @public
 */
export const environmentPinSchema = z.object({
  /** The rollback that pinned it. */
  deploymentId: text,
  reason: text,
  by: text,
  at: timestamp,
});

/**
 * Set after a rollback: nothing automatic (CI, a webhook, a promotion) rolls
 * the environment forward until someone deploys to it by hand.
 *
 * @public
 */
export type EnvironmentPin = z.infer<typeof environmentPinSchema>;

/**
 * The zod schema of {@link EnvironmentDeployments}.
 *
 * @public
 */
export const environmentDeploymentsSchema = z.object({
  environmentId: text,
  environmentName: text,
  type: text,
  /** The deployment that runs, or rolls out, in the environment now. */
  current: deploymentSchema.optional(),
  /** The newest deployment that waits for approval, if any. */
  pending: deploymentSchema.optional(),
  pin: environmentPinSchema.optional(),
  /** The environment before this one in the promotion path, if any. */
  upstream: z.string().optional(),
  /**
   * The succeeded deployment of the upstream environment whose image differs
   * from this environment's: what a promotion would bring.
   */
  promotable: deploymentSchema.optional(),
});

/**
 * One environment of a component in "what runs where".
 *
 * @public
 */
export type EnvironmentDeployments = z.infer<
  typeof environmentDeploymentsSchema
>;

/**
 * The zod schema of {@link WhatRunsWhere}.
 *
 * @public
 */
export const whatRunsWhereSchema = z.object({
  componentRef: text,
  /** Environment names in promotion order. */
  promotionPath: z.array(text),
  /** The component's environments: those on the path in its order, then the others by name. */
  environments: z.array(environmentDeploymentsSchema),
});

/**
 * For one component, what runs in each of its environments.
 *
 * @public
 */
export type WhatRunsWhere = z.infer<typeof whatRunsWhereSchema>;

/**
 * The zod schema of {@link EnvironmentSecret}.
 *
 * @public
 */
export const environmentSecretSchema = z.object({
  key: secretKeySchema,
  /** When its value was last written; never the value. */
  updatedAt: timestamp,
});

/**
 * One of an environment's secrets, by name only.
 *
 * @public
 */
export type EnvironmentSecret = z.infer<typeof environmentSecretSchema>;

/**
 * The zod schema of a request to set a secret's value.
 *
 * @public
 */
export const secretValueRequestSchema = z.strictObject({
  value: z
    .string()
    .min(1, 'must not be empty')
    .max(65536, 'must be at most 64 KiB'),
});

/** @public */
export type SecretValueRequest = z.input<typeof secretValueRequestSchema>;
