import {
  PolicyAction,
  PolicyMessage,
  PolicyOutcome,
} from '@internal/backstage-plugin-environments-common';

/**
 * One decision of the policies on a request, as audited: immutable, a new
 * fact is a new row. Written in the transaction of the change it allowed,
 * or alone when it denied (nothing else was stored).
 */
export interface NewPolicyDecision {
  action: PolicyAction;
  actor: string;
  /** Absent for a denied environment request: there is no environment. */
  environmentId?: string;
  environmentName: string;
  componentRef: string;
  outcome: PolicyOutcome;
  revision?: string;
  deny: PolicyMessage[];
  warn: PolicyMessage[];
  at?: Date;
}

export interface PolicyDecisionEntry extends NewPolicyDecision {
  id: number;
  at: Date;
}

/** Where decisions are kept: the port that `database/` implements. */
export interface PolicyDecisionsStore {
  /** A decision that stored nothing else (a denial). */
  recordDecision(decision: NewPolicyDecision): Promise<PolicyDecisionEntry>;
  /** The newest first, at most `limit`. */
  listDecisions(options: {
    limit: number;
    environmentId?: string;
    /** Only the decisions on this caller's requests. */
    actor?: string;
  }): Promise<PolicyDecisionEntry[]>;
}
