import { PolicyEvaluation } from '@internal/backstage-plugin-environments-common';
import { useEffect, useState } from 'react';

/** How long the draft must stay unchanged before it is evaluated. */
export const POLICY_DRY_RUN_DELAY_MS = 400;

type Answer = { key: string; evaluation?: PolicyEvaluation; error?: Error };

/**
 * A dry run (`POST /policy/evaluate`) of what a form would send, once the
 * draft has stopped changing for a moment: what the platform's policies
 * would deny or warn about, before the user submits. `evaluate` sends
 * `request` (the body the action's endpoint would get) and must keep its
 * identity across renders (`useCallback`). `request` is undefined while there
 * is nothing valid to send: the form shows its own problems then, and the
 * backend would only answer 400. An answer that a newer draft overtook is
 * dropped; until the newer one arrives the last answer stays shown, marked
 * `isPending`, and `current` is undefined so that nothing is blocked on an
 * answer about another draft.
 */
export function usePolicyDryRun<T>(
  evaluate: ((request: T) => Promise<PolicyEvaluation>) | undefined,
  request: T | undefined,
  delayMs = POLICY_DRY_RUN_DELAY_MS,
) {
  const key = request && evaluate ? JSON.stringify(request) : undefined;
  const [answer, setAnswer] = useState<Answer>();

  useEffect(() => {
    if (!key || !evaluate) return undefined;
    let cancelled = false;
    const timer = setTimeout(() => {
      evaluate(JSON.parse(key)).then(
        evaluation => !cancelled && setAnswer({ key, evaluation }),
        error => !cancelled && setAnswer({ key, error }),
      );
    }, delayMs);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [key, evaluate, delayMs]);

  const current = key !== undefined && answer?.key === key ? answer : undefined;
  return {
    /** The newest answer, about this draft or an earlier one. */
    shown: key !== undefined ? answer?.evaluation : undefined,
    /** The answer about exactly this draft, once it is in. */
    current: current?.evaluation,
    /** Why the dry run failed; the submit's own answer will tell. */
    error: current?.error,
    /** A newer draft than the one shown is being evaluated. */
    isPending: key !== undefined && answer?.key !== key,
    /** The policies would deny exactly this draft. */
    denied: current?.evaluation?.outcome === 'deny',
  };
}
