import { z } from 'zod';
import { deploymentApprovalSchema } from './deployments/deployment';
import { environmentSpecSchema } from './request';
import { policyResultSchema } from './policy/schema';

// Everything here travels as JSON between the backend, its database and the
// frontend, so dates are ISO 8601 strings and there are no class instances.
// Each schema has its inferred type beside it: the schema is the contract,
// the type is what code reads.

/**
 * Every status, in the order an environment goes through them: requested,
 * then provisioning, then ready or failed; deleting, then deleted, when it is
 * removed or expires.
 *
 * @public
 */
export const ENVIRONMENT_STATUSES = [
  'requested',
  'provisioning',
  'ready',
  'failed',
  'deleting',
  'deleted',
] as const;

/**
 * The zod schema of {@link EnvironmentStatus}.
 *
 * @public
 */
export const environmentStatusSchema = z.enum(ENVIRONMENT_STATUSES);

/**
 * Where an environment is in its life, one of {@link ENVIRONMENT_STATUSES}.
 *
 * @public
 */
export type EnvironmentStatus = z.infer<typeof environmentStatusSchema>;

const text = z.string().min(1, 'must not be empty');
// With an offset or `Z`, as `Date.prototype.toISOString` and Kubernetes write them.
const timestamp = z.iso.datetime({
  offset: true,
  error: 'must be an ISO 8601 timestamp such as "2026-11-21T09:00:00.000Z"',
});

/**
 * The zod schema of {@link ResourceCondition}.
 *
 * @public
 */
export const resourceConditionSchema = z.object({
  /** What it is, for example `Namespace`, `ResourceQuota` or `postgresql`. */
  kind: text,
  name: text,
  status: z.enum(['pending', 'ready', 'failed']),
  /** A short, machine-readable cause, for example `QuotaExceeded`. */
  reason: z.string().optional(),
  /** What happened, for people. */
  message: z.string().optional(),
  /** When `status` last changed, as an ISO 8601 timestamp. */
  lastTransitionTime: timestamp,
});

/**
 * The state of one thing provisioned for an environment, such as its
 * namespace, resource quota or PostgreSQL database.
 *
 * @public
 */
export type ResourceCondition = z.infer<typeof resourceConditionSchema>;

/**
 * The zod schema of {@link Environment}.
 *
 * @public
 */
export const environmentSchema = z.object({
  id: text,
  /** Unique among the component's environments. */
  name: text,
  /** The Kubernetes namespace, see {@link environmentNamespace}. */
  namespace: text,
  /** For example `component:default/orders-service`. */
  componentRef: text,
  /** The owner of the component, for example `group:default/team-orders`. */
  ownerRef: text,
  /** The system the component is part of, if any. */
  systemRef: text.optional(),
  /** The name of its environment type, for example `preview`. */
  type: text,
  status: environmentStatusSchema,
  /** Why it has its status, when that needs explaining (failed, deleting). */
  reason: z.string().optional(),
  conditions: z.array(resourceConditionSchema),
  /** The request it was created from, with defaults applied. */
  spec: environmentSpecSchema,
  /**
   * Bumped on every change a user makes (spec, expiry, deletion), not by
   * provisioning; also the `ETag` of `GET /environments/{id}`. Send it back
   * as `If-Match` (the client's `version` option) so that a change made from
   * a stale read is refused with 412 instead of undoing another. Set on every
   * environment the backend returns; optional so that an environment from an
   * older backend (a change event during an upgrade) still parses.
   */
  version: z.number().int().positive().optional(),
  /** The user who requested it, for example `user:default/jane.doe`. */
  createdBy: text,
  /** ISO 8601 timestamp. */
  createdAt: timestamp,
  /** ISO 8601 timestamp. */
  updatedAt: timestamp,
  /** When it will be deleted, as an ISO 8601 timestamp; ephemeral only. */
  expiresAt: timestamp.optional(),
  /**
   * Set when its type `requiresApproval`: it stays `requested`, with nothing
   * provisioned, until one of `groups` other than its requester approves.
   * The same approval as a deployment's.
   */
  approval: deploymentApprovalSchema.optional(),
  /**
   * The policies' word on the change this answer is to (create, extend):
   * their warnings, to be shown. Only in the answer to that change.
   */
  policy: policyResultSchema.optional(),
});

/**
 * An environment of a component: a Kubernetes namespace with its baseline,
 * overrides and resources.
 *
 * @public
 */
export type Environment = z.infer<typeof environmentSchema>;

/**
 * The zod schema of {@link AuditEvent}.
 *
 * @public
 */
export const auditEventSchema = z.object({
  id: text,
  environmentId: text,
  /** Who acted: a user entity reference, or the service that acted on its own, such as on expiry. */
  actor: text,
  /** What was attempted, for example `create`, `update`, `delete` or `expire`. */
  action: text,
  outcome: z.enum(['initiated', 'succeeded', 'failed']),
  /** Details, such as why it failed. */
  message: z.string().optional(),
  /** ISO 8601 timestamp. */
  at: timestamp,
});

/**
 * A record of one attempted change to an environment, kept whether or not
 * it succeeded.
 *
 * @public
 */
export type AuditEvent = z.infer<typeof auditEventSchema>;

/**
 * The zod schema of {@link StatusTransition}.
 *
 * @public
 */
export const statusTransitionSchema = z.object({
  /** The status the environment entered. */
  status: environmentStatusSchema,
  /** Why, when that needs explaining (failed, deleting). */
  reason: z.string().optional(),
  /** When it entered it, as an ISO 8601 timestamp. */
  at: timestamp,
});

/**
 * One change of an environment's status, as the backend recorded it; the
 * same for everyone who reads it, and kept across reloads.
 *
 * @public
 */
export type StatusTransition = z.infer<typeof statusTransitionSchema>;
