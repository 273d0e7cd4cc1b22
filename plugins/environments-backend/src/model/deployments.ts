import {
  DeploymentCommit,
  DeploymentKind,
  DeploymentSource,
  DeploymentState,
  ResolvedConfig,
} from '@internal/backstage-plugin-environments-common';
import { NewAuditEvent } from './EnvironmentsStore';
import { NewPolicyDecision } from './policyDecisions';

export type { DeploymentKind, DeploymentSource, DeploymentState };

/**
 * A deployment as the backend works with it: the API's deployment with real
 * dates. Immutable but for its state, reason, approval decision and times.
 */
export interface Deployment {
  id: string;
  environmentId: string;
  environmentName: string;
  type: string;
  componentRef: string;
  /** 1, 2, 3, ... per environment. */
  sequence: number;
  kind: DeploymentKind;
  state: DeploymentState;
  reason?: string;
  /** The image's tag, for people. */
  version: string;
  /** The configuration, the layer of each value and the layers themselves. */
  resolved: ResolvedConfig;
  /** sha256 (hex) of `resolved.config` as canonical JSON. */
  contentHash: string;
  message: string;
  source: DeploymentSource;
  commit?: DeploymentCommit;
  rollbackOf?: string;
  promotedFrom?: {
    deploymentId: string;
    environmentId: string;
    environmentName: string;
  };
  replaces?: string;
  approval?: DeploymentApproval;
  createdBy: string;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  updatedAt: Date;
}

export interface DeploymentApproval {
  groups: string[];
  expiresAt: Date;
  decision?: {
    outcome: 'approved' | 'rejected';
    by: string;
    at: Date;
    comment: string;
  };
}

/** Set by a rollback; cleared by the next deployment made by hand. */
export interface EnvironmentPin {
  deploymentId: string;
  reason: string;
  by: string;
  at: Date;
}

/** Where an environment stands: what runs in it, what waits, and its pin. */
export interface DeploymentTarget {
  environmentId: string;
  /** The deployment in the cluster (rolling out, succeeded or failed). */
  current?: Deployment;
  /** The newest deployment waiting for approval. */
  pending?: Deployment;
  pin?: EnvironmentPin;
}

export interface NewDeployment {
  environmentId: string;
  environmentName: string;
  type: string;
  componentRef: string;
  kind: DeploymentKind;
  version: string;
  resolved: ResolvedConfig;
  contentHash: string;
  message: string;
  source: DeploymentSource;
  commit?: DeploymentCommit;
  rollbackOf?: string;
  promotedFrom?: Deployment['promotedFrom'];
  createdBy: string;
  /** Set when it must wait for approval: it is stored `pending-approval`. */
  approval?: { groups: string[]; expiresAt: Date };
  /**
   * What it does to the environment's pin: a rollback sets one (with the
   * rollback's reason as `message`), a deployment by hand clears it, and
   * `refuse` (automatic sources, promotions) makes the create throw
   * `PinnedEnvironmentError` while the environment is pinned.
   */
  pin: 'set' | 'clear' | 'refuse';
  /**
   * When given, the create throws `StaleDeploymentError` unless the
   * environment's current deployment is this one (undefined: it has none):
   * a deploy computed from a stale read never lands.
   */
  expectedCurrent?: string | null;
  /** Written in the same transaction; `environmentId` is filled in. */
  audit: Omit<NewAuditEvent, 'environmentId'>;
  /** The policies' decision that let it through, written in the same transaction. */
  policyDecision?: Omit<NewPolicyDecision, 'environmentId'>;
}

/** One page of a history, newest first: `limit` deployments older than `before`. */
export interface DeploymentPage {
  /** The sequence of the last deployment of the previous page. */
  before?: number;
  limit?: number;
}

/**
 * Persistence of deployments: the port that `database/` implements.
 *
 * Every change is one transaction with the audit event that describes it;
 * every change that puts a deployment into `rolling-out` also queues the
 * environment's reconcile job in that transaction, so that a backend killed
 * right after still rolls it out. State changes are compare-and-set on the
 * state they leave, so that two replicas that see the same rollout finish
 * record it once. Listeners registered with `onChange` hear every deployment
 * a committed change touched.
 */
export interface DeploymentsStore {
  /**
   * Stores a deployment: `pending-approval` when `approval` is set (an older
   * pending one of the environment becomes `superseded`), otherwise
   * `rolling-out`, becoming the environment's current deployment; the one it
   * replaces becomes `superseded` (`rolled-back` when this is a rollback) and
   * is recorded as `replaces`. Throws `ConflictError` when the environment is
   * being deleted or gone, `NotFoundError` when there is no such environment.
   */
  createDeployment(deployment: NewDeployment): Promise<Deployment>;

  /** Throws `NotFoundError`. */
  getDeployment(id: string): Promise<Deployment>;

  /** Newest first. */
  listDeployments(
    environmentId: string,
    page?: DeploymentPage,
  ): Promise<Deployment[]>;

  /** Where each environment stands; one entry per id, in the same order. */
  getTargets(environmentIds: string[]): Promise<DeploymentTarget[]>;

  /**
   * Decides a pending deployment: approved, it rolls out as `createDeployment`
   * describes; rejected, it ends `rejected`. Throws `ConflictError` when it is
   * no longer pending (decided, expired or superseded meanwhile).
   */
  decideApproval(decision: {
    id: string;
    outcome: 'approved' | 'rejected';
    by: string;
    comment: string;
    now?: Date;
  }): Promise<Deployment>;

  /** Pending deployments whose approval expired become `expired`; returns them. */
  expireApprovals(options?: { now?: Date }): Promise<Deployment[]>;

  /**
   * Records the end of a rollout: `rolling-out` becomes `succeeded` or
   * `failed` (with its reason). Returns undefined when the deployment was no
   * longer rolling out (another replica recorded it, or it was superseded).
   */
  recordRolloutOutcome(outcome: {
    id: string;
    state: 'succeeded' | 'failed';
    reason?: string;
    now?: Date;
  }): Promise<Deployment | undefined>;

  /** Updates the reason of a deployment still rolling out (what it waits for); writes only a change. */
  updateRolloutReason(update: {
    id: string;
    reason: string | null;
  }): Promise<boolean>;

  /** Every deployment rolling out now, for the sweep after a restart. */
  listRollingOut(): Promise<Deployment[]>;

  /** Every pending deployment, oldest first (the approvals page filters by group). */
  listPendingApprovals(): Promise<Deployment[]>;

  /** Hears every deployment a committed change touched. */
  onChange(listener: (deployment: Deployment) => void): void;
}
