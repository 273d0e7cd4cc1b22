import {
  AuditEvent as ApiAuditEvent,
  EnvironmentSpec,
  EnvironmentStatus,
  ResourceCondition,
} from '@internal/backstage-plugin-environments-common';
import { DeploymentApproval } from './deployments';

export type { EnvironmentSpec, EnvironmentStatus, ResourceCondition };

/**
 * An environment as the backend works with it: the API's environment with
 * real dates and the bookkeeping that the API does not show.
 */
export interface Environment {
  id: string;
  name: string;
  namespace: string;
  componentRef: string;
  ownerRef: string;
  systemRef?: string;
  type: string;
  status: EnvironmentStatus;
  reason?: string;
  /** The validated request with its defaults applied. */
  spec: EnvironmentSpec;
  conditions: ResourceCondition[];
  /** Bumped on every spec change. */
  generation: number;
  /** The generation the reconciler last converged; behind `generation` while work is due. */
  observedGeneration: number;
  /**
   * Bumped on every change a user makes (spec, expiry, deletion), not by the
   * reconciler: the environment's `ETag`, which `If-Match` is checked against.
   */
  version: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  /** Set for ephemeral environments, which are torn down once it has passed. */
  expiresAt?: Date;
  deletedAt?: Date;
  /**
   * Set when its type requires approval: nothing is provisioned until it is
   * approved. Pending while it has no `decision` and the environment is
   * `requested`.
   */
  approval?: DeploymentApproval;
}

export type JobKind = 'reconcile' | 'teardown';

export type JobState = 'pending' | 'running' | 'succeeded' | 'failed';

export interface EnvironmentJob {
  id: string;
  environmentId: string;
  kind: JobKind;
  state: JobState;
  /** Failed attempts so far. */
  attempts: number;
  /** New work arrived while the job was running; completing it queues it again. */
  rerunRequested: boolean;
  /** The job is not claimed before this time. */
  runAfter: Date;
  leaseOwner?: string;
  leaseExpiresAt?: Date;
  lastError?: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Mirrors the statuses of Backstage's auditor service. */
export type AuditOutcome = ApiAuditEvent['outcome'];

export interface AuditEvent {
  id: number;
  environmentId: string;
  actor: string;
  action: string;
  outcome: AuditOutcome;
  message?: string;
  at: Date;
}
/**
 * An environment entering a status, recorded in the same transaction as the
 * change, so that every viewer sees the same timeline and it survives a
 * reload. A transition is never changed afterwards.
 */
export interface StatusTransition {
  id: number;
  environmentId: string;
  status: EnvironmentStatus;
  /** The environment's reason as the status was entered, if it had one. */
  reason?: string;
  at: Date;
}
