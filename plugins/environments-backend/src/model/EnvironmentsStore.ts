import { EnvironmentCaps } from './environmentCaps';
import { NewPolicyDecision } from './policyDecisions';
import {
  AuditEvent,
  AuditOutcome,
  Environment,
  EnvironmentJob,
  EnvironmentSpec,
  EnvironmentStatus,
  JobKind,
  ResourceCondition,
  StatusTransition,
} from './types';

export interface NewEnvironment {
  name: string;
  namespace: string;
  componentRef: string;
  ownerRef: string;
  systemRef?: string;
  type: string;
  spec: EnvironmentSpec;
  createdBy: string;
  expiresAt?: Date;
  /** The type's caps on live environments, checked in the creating transaction. */
  caps?: EnvironmentCaps;
  /**
   * Set when its type requires approval: it is stored `requested` with this
   * reason and no job, and waits for `decideApproval`.
   */
  approval?: { groups: string[]; expiresAt: Date; reason: string };
  /** The policies' decision that let it through, written in the same transaction. */
  policyDecision?: Omit<NewPolicyDecision, 'environmentId'>;
}

export interface EnvironmentFilter {
  componentRef?: string;
  ownerRef?: string;
  type?: string;
  status?: EnvironmentStatus;
  /** Deleted environments are left out unless this is set. */
  includeDeleted?: boolean;
  /** Only those listed after this one (oldest first): where a page starts. */
  after?: { createdAt: Date; id: string };
  /** At most this many. */
  limit?: number;
}

/**
 * One page of an audit trail or a status history: `limit` rows after the
 * row `after`.
 */
export interface AuditPage {
  after?: { at: Date; id: number };
  limit?: number;
}

/** What the reconciler observed; fields left out are kept as they are. */
export interface EnvironmentStatusUpdate {
  id: string;
  status?: EnvironmentStatus;
  /** `null` clears the reason. */
  reason?: string | null;
  conditions?: ResourceCondition[];
  observedGeneration?: number;
  /** The owner of its component in the catalog, which the environment follows. */
  ownerRef?: string;
  /**
   * An audit event of this change, written in the same transaction when the
   * update changes something, so that nobody sees the one without the other.
   */
  audit?: Omit<NewAuditEvent, 'environmentId'>;
}

export interface NewAuditEvent {
  environmentId: string;
  actor: string;
  action: string;
  outcome: AuditOutcome;
  message?: string;
  /** Defaults to now. */
  at?: Date;
}

/** Identifies the holder of a job's lease; only the holder may settle the job. */
export interface JobLease {
  jobId: string;
  owner: string;
  /** Defaults to now; lets tests and callers share one clock reading. */
  now?: Date;
}

export interface JobFailure extends JobLease {
  error: string;
  /** When the job may be claimed again (backoff). */
  retryAt: Date;
  /** Failed attempts after which the job stays `failed` instead of retrying. */
  maxAttempts: number;
}

/**
 * Whether a reconcile job may still write to the cluster, as
 * `checkReconcileFence` answers just before each write: `stop` once the
 * environment is being deleted, or once the job's lease is no longer the
 * caller's (it expired and another worker may hold the job).
 */
export type ReconcileFence =
  | { proceed: true }
  | { proceed: false; reason: 'deleting' | 'lease-lost'; message: string };

/**
 * Persistence of environments, their provisioning jobs, their audit trail and
 * their status history: the port that `database/` implements and the rest of
 * the backend depends on.
 *
 * Changes a user asks for (create, spec update, deletion, expiry extension)
 * record an audit event in the same transaction as the change itself, and
 * every change of status records a status transition in that transaction.
 */
export interface EnvironmentsStore {
  /**
   * Stores a requested environment with its first reconcile job, or, with
   * `approval`, without one (nothing is provisioned until it is approved).
   * Throws `ConflictError` if the name or namespace is taken.
   */
  createEnvironment(request: NewEnvironment): Promise<Environment>;

  /**
   * Decides a pending environment: approved, its first reconcile job is
   * queued; rejected, it ends `deleted` (nothing was provisioned) and its name
   * is free again. Either way with an audit event, in the same transaction,
   * and the version bumped. Throws `ConflictError` when it is not pending
   * (decided, expired or deleted meanwhile), so that of two concurrent
   * decisions exactly one lands.
   */
  decideApproval(decision: {
    id: string;
    outcome: 'approved' | 'rejected';
    by: string;
    comment: string;
    now?: Date;
  }): Promise<Environment>;

  /** Pending environments whose approval expired end `deleted`; returns them. */
  expireApprovals(options?: { now?: Date }): Promise<Environment[]>;

  /** Every environment waiting for approval, oldest first. */
  listPendingApprovals(): Promise<Environment[]>;

  /** Throws `NotFoundError` if there is no environment with that id. Deleted environments are found too. */
  getEnvironment(id: string): Promise<Environment>;

  listEnvironments(filter?: EnvironmentFilter): Promise<Environment[]>;

  /** Writes only what differs from the stored values; resolves to whether anything was written. */
  updateStatus(update: EnvironmentStatusUpdate): Promise<boolean>;

  /**
   * Replaces the spec, bumps the generation and the version and queues a
   * reconcile job; a spec equal to the stored one changes nothing. Refused
   * (`ConflictError`) once the environment is being deleted.
   *
   * With `expectedVersion`, a compare-and-set: throws `StaleVersionError` if
   * the stored version is another, so that a spec computed from a stale read
   * never overwrites a newer one.
   */
  updateSpec(request: {
    id: string;
    spec: EnvironmentSpec;
    actor: string;
    expectedVersion?: number;
  }): Promise<Environment>;

  /**
   * Moves the environment to `deleting` (bumping its version), drops its
   * queued reconcile work and queues a teardown job. Terminal: from here on
   * the store takes no spec change, no status change and no reconcile job of
   * it, and the reconcile job that may still be running is fenced off by
   * `checkReconcileFence`.
   */
  markDeleting(request: { id: string; actor: string }): Promise<Environment>;

  /** Records that teardown finished; releases the name and namespace for reuse. */
  markDeleted(request: { id: string; actor: string }): Promise<Environment>;

  /** Environments whose expiry has passed and whose deletion has not started. */
  listExpiredEnvironments(options?: { now?: Date }): Promise<Environment[]>;

  /** Moves the expiry of an ephemeral environment later, bumping its version; `expectedVersion` as for `updateSpec`. */
  extendExpiry(request: {
    id: string;
    expiresAt: Date;
    actor: string;
    expectedVersion?: number;
    /** The policies' decision that let it through, written in the same transaction. */
    policyDecision?: Omit<NewPolicyDecision, 'environmentId'>;
  }): Promise<Environment>;

  appendAuditEvent(event: NewAuditEvent): Promise<AuditEvent>;

  /** Oldest first; all of them, or one page. */
  listAuditEvents(
    environmentId: string,
    page?: AuditPage,
  ): Promise<AuditEvent[]>;

  /** Every status the environment entered, oldest first, starting with `requested`. */
  listStatusTransitions(
    environmentId: string,
    page?: AuditPage,
  ): Promise<StatusTransition[]>;

  /**
   * Queues a job unless one of the same kind is already pending for the
   * environment, in which case that job is returned. If one is running, it is
   * asked to run once more when it completes, since it may have started from
   * state that is now stale.
   */
  enqueueJob(request: {
    environmentId: string;
    kind: JobKind;
    runAfter?: Date;
    /** An audit event of the request, written in the same transaction. */
    audit?: Omit<NewAuditEvent, 'environmentId'>;
  }): Promise<EnvironmentJob>;

  /**
   * Leases one due job to `owner`: a pending job whose `runAfter` has passed,
   * or a running job whose lease expired (its owner died). Concurrent callers,
   * also on other replicas, never receive the same job.
   */
  claimNextJob(request: {
    owner: string;
    leaseMs: number;
    now?: Date;
  }): Promise<EnvironmentJob | undefined>;

  /**
   * The fencing check a reconcile job makes before every write to the
   * cluster, in one read of the job and its environment: together with the
   * teardown waiting for live reconcile leases to end, it makes a deletion
   * terminal, whatever was running when it was accepted.
   */
  checkReconcileFence(lease: JobLease): Promise<ReconcileFence>;

  /** Keeps a long job's lease alive. */
  renewLease(request: JobLease & { leaseMs: number }): Promise<EnvironmentJob>;

  /** Marks the job succeeded, or pending again if a rerun was requested meanwhile. */
  completeJob(lease: JobLease): Promise<EnvironmentJob>;

  /** Puts the job back to pending until `retryAt`, or leaves it failed once `maxAttempts` is reached. */
  failJob(failure: JobFailure): Promise<EnvironmentJob>;

  /** Oldest first. */
  listJobs(environmentId: string): Promise<EnvironmentJob[]>;
}
