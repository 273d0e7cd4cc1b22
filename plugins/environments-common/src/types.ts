import { EnvironmentSpec } from './request';

// Everything here travels as JSON between the backend, its database and the
// frontend, so dates are ISO 8601 strings and there are no class instances.

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
 * Where an environment is in its life, one of {@link ENVIRONMENT_STATUSES}.
 *
 * @public
 */
export type EnvironmentStatus = (typeof ENVIRONMENT_STATUSES)[number];

/**
 * The state of one thing provisioned for an environment, such as its
 * namespace, resource quota or PostgreSQL database.
 *
 * @public
 */
export type ResourceCondition = {
  /** What it is, for example `Namespace`, `ResourceQuota` or `postgresql`. */
  kind: string;
  name: string;
  status: 'pending' | 'ready' | 'failed';
  /** A short, machine-readable cause, for example `QuotaExceeded`. */
  reason?: string;
  /** What happened, for people. */
  message?: string;
  /** When `status` last changed, as an ISO 8601 timestamp. */
  lastTransitionTime: string;
};

/**
 * An environment of a component: a Kubernetes namespace with its baseline,
 * overrides and resources.
 *
 * @public
 */
export type Environment = {
  id: string;
  /** Unique among the component's environments. */
  name: string;
  /** The Kubernetes namespace, see {@link environmentNamespace}. */
  namespace: string;
  /** For example `component:default/orders-service`. */
  componentRef: string;
  /** The owner of the component, for example `group:default/team-orders`. */
  ownerRef: string;
  /** The system the component is part of, if any. */
  systemRef?: string;
  /** The name of its environment type, for example `preview`. */
  type: string;
  status: EnvironmentStatus;
  /** Why it has its status, when that needs explaining (failed, deleting). */
  reason?: string;
  conditions: ResourceCondition[];
  /** The request it was created from, with defaults applied. */
  spec: EnvironmentSpec;
  /** The user who requested it, for example `user:default/jane.doe`. */
  createdBy: string;
  /** ISO 8601 timestamp. */
  createdAt: string;
  /** ISO 8601 timestamp. */
  updatedAt: string;
  /** When it will be deleted, as an ISO 8601 timestamp; ephemeral only. */
  expiresAt?: string;
};

/**
 * A record of one attempted change to an environment, kept whether or not
 * it succeeded.
 *
 * @public
 */
export type AuditEvent = {
  id: string;
  environmentId: string;
  /** Who acted: a user entity reference, or the service that acted on its own, such as on expiry. */
  actor: string;
  /** What was attempted, for example `create`, `update`, `delete` or `expire`. */
  action: string;
  outcome: 'initiated' | 'succeeded' | 'failed';
  /** Details, such as why it failed. */
  message?: string;
  /** ISO 8601 timestamp. */
  at: string;
};
