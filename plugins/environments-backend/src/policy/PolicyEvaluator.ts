import {
  PolicyInput,
  PolicyMessage,
  PolicyRule,
} from '@internal/backstage-plugin-environments-common';

/** What the policies decided on one input, and which bundle decided it. */
export type PolicyDecision = {
  /** The bundle's revision (its manifest's, else the sha256 of its bytes). */
  revision: string;
  deny: PolicyMessage[];
  warn: PolicyMessage[];
};

/** The rules of the bundle that decides now. */
export type ActivePolicyRules = {
  revision?: string;
  items: PolicyRule[];
};

/**
 * Evaluates the platform's policies (the `idp/decision` entrypoint of the
 * bundle built from policies/). Throws when it cannot decide (a broken
 * bundle, a server that does not answer in time): what then happens to the
 * request is the caller's `failureMode`. Resolves to `undefined` when there
 * is nothing to evaluate with yet (no bundle has been built).
 */
export interface PolicyEvaluator {
  readonly mode: 'embedded' | 'server';
  evaluate(input: PolicyInput): Promise<PolicyDecision | undefined>;
  rules(): Promise<ActivePolicyRules>;
  /** Stops watching; for the plugin's shutdown. */
  close(): Promise<void>;
}
