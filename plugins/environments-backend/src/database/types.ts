import { JsonObject } from '@backstage/types';

/**
 * Where an environment is in its life. `deleting` and `deleted` are owned by
 * the store (see `markDeleting` and `markDeleted`); the reconciler moves
 * between the others.
 */
export type EnvironmentStatus =
  | 'pending'
  | 'provisioning'
  | 'ready'
  | 'failed'
  | 'deleting'
  | 'deleted';

/** An observation about an environment, shaped like a Kubernetes condition. */
export interface EnvironmentCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime: string;
}

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
  spec: JsonObject;
  conditions: EnvironmentCondition[];
  /** Bumped on every spec change. */
  generation: number;
  /** The generation the reconciler last converged; behind `generation` while work is due. */
  observedGeneration: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  /** Set for ephemeral environments, which are torn down once it has passed. */
  expiresAt?: Date;
  deletedAt?: Date;
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
export type AuditOutcome = 'initiated' | 'succeeded' | 'failed';

export interface AuditEvent {
  id: number;
  environmentId: string;
  actor: string;
  action: string;
  outcome: AuditOutcome;
  message?: string;
  at: Date;
}
