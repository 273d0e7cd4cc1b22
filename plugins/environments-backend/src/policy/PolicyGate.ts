import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  PolicyEvaluation,
  PolicyInput,
  PolicyMessage,
  PolicyOutcome,
  PolicyResult,
  PolicyRuleList,
} from '@internal/backstage-plugin-environments-common';
import {
  EnvironmentsStore,
  NewPolicyDecision,
  PolicyDecisionsStore,
} from '../model';
import { PolicyDeniedError } from './PolicyDeniedError';
import { PolicyEvaluator } from './PolicyEvaluator';
import { PolicyInputBuilder, PolicyRequest } from './PolicyInputBuilder';

/** The rule of the warning or denial given when policies could not be evaluated. */
export const EVALUATION_FAILED_RULE = 'policy.evaluation_failed';

/** What an allowed request carries on to its store: the result to answer, the decision to audit. */
export type PolicyCheck = {
  result: PolicyResult;
  decision: Omit<NewPolicyDecision, 'environmentId'>;
};

/**
 * Where the use cases ask the platform's policies before they store a
 * change: builds the input, evaluates it, and turns the decision into the
 * request's fate. A denial is audited on its own (nothing else is stored)
 * and thrown as `PolicyDeniedError` (403, every message); an allowed
 * decision is handed back for the store to write in the change's
 * transaction, with its warnings for the answer. When the evaluator fails,
 * `failureMode` decides: closed refuses (503), open lets it through with a
 * warning, audited as `error`.
 */
export class PolicyGate {
  constructor(
    private readonly options: {
      /** Undefined when `environments.policy.mode` is off. */
      evaluator?: PolicyEvaluator;
      inputs: PolicyInputBuilder;
      decisions: PolicyDecisionsStore;
      /** For a denial of an existing environment's change, in its audit trail. */
      environments: Pick<EnvironmentsStore, 'appendAuditEvent'>;
      failureMode: 'closed' | 'open';
      logger: LoggerService;
    },
  ) {}

  get mode(): PolicyRuleList['mode'] {
    return this.options.evaluator?.mode ?? 'off';
  }

  async rules(): Promise<PolicyRuleList> {
    const rules = (await this.options.evaluator?.rules()) ?? { items: [] };
    return { mode: this.mode, ...rules };
  }

  /** The decision on a request, storing nothing: the dry run. */
  async evaluate(
    request: PolicyRequest,
    credentials: BackstageCredentials,
  ): Promise<PolicyEvaluation> {
    const input = await this.options.inputs.build(request, credentials);
    return this.decide(input);
  }

  /** Asks before a change; throws when it must not be made. */
  async check(
    request: PolicyRequest,
    credentials: BackstageCredentials | undefined,
  ): Promise<PolicyCheck> {
    const input = await this.options.inputs.build(request, credentials);
    const evaluation = await this.decide(input);
    const decision: Omit<NewPolicyDecision, 'environmentId'> = {
      action: input.action,
      actor: input.user.ref,
      environmentName: input.environment.name,
      componentRef: input.environment.componentRef,
      outcome: evaluation.outcome,
      ...(evaluation.revision && { revision: evaluation.revision }),
      deny: evaluation.deny,
      warn: evaluation.warn,
    };
    if (evaluation.outcome === 'deny') {
      await this.recordRefusal(request, decision);
      throw new PolicyDeniedError({
        action: input.action,
        revision: evaluation.revision,
        violations: evaluation.deny,
        warnings: evaluation.warn,
      });
    }
    if (
      evaluation.outcome === 'error' &&
      this.options.failureMode === 'closed'
    ) {
      await this.recordRefusal(request, decision);
      throw new ServiceUnavailableError(
        `The platform's policies cannot be evaluated, so ${input.action} is refused until they can (environments.policy.failureMode is closed): ${evaluation.reason}`,
      );
    }
    return {
      result: {
        outcome: evaluation.outcome,
        ...(evaluation.revision && { revision: evaluation.revision }),
        warnings: evaluation.warn,
      },
      decision,
    };
  }

  private async decide(input: PolicyInput): Promise<PolicyEvaluation> {
    const { evaluator, logger } = this.options;
    if (!evaluator) {
      return {
        outcome: 'off',
        deny: [],
        warn: [],
        reason: 'Policy evaluation is off (environments.policy.mode)',
      };
    }
    try {
      const decision = await evaluator.evaluate(input);
      if (!decision) {
        return {
          outcome: 'off',
          deny: [],
          warn: [],
          input,
          reason: 'No policy bundle has been built yet',
        };
      }
      return {
        outcome: outcomeOf(decision.deny, decision.warn),
        revision: decision.revision,
        deny: decision.deny,
        warn: decision.warn,
        input,
      };
    } catch (error) {
      const reason = (error as Error).message;
      logger.warn(`Policy evaluation failed for ${input.action}: ${reason}`);
      const failure: PolicyMessage = {
        rule: EVALUATION_FAILED_RULE,
        message:
          this.options.failureMode === 'open'
            ? `Policies could not be evaluated and the request was let through (failureMode open): ${reason}`
            : `Policies could not be evaluated: ${reason}`,
      };
      return {
        outcome: 'error',
        deny: this.options.failureMode === 'closed' ? [failure] : [],
        warn: this.options.failureMode === 'open' ? [failure] : [],
        input,
        reason,
      };
    }
  }

  /** A refused request stores nothing but its decision, and a line in its environment's audit trail. */
  private async recordRefusal(
    request: PolicyRequest,
    decision: Omit<NewPolicyDecision, 'environmentId'>,
  ) {
    const environmentId = request.environment.id;
    await this.options.decisions.recordDecision({
      ...decision,
      ...(environmentId && { environmentId }),
    });
    if (environmentId) {
      await this.options.environments.appendAuditEvent({
        environmentId,
        actor: decision.actor,
        action: 'policy-deny',
        outcome: 'failed',
        message: `${decision.action} (revision ${
          decision.revision ?? 'none'
        }): ${decision.deny
          .map(violation => `${violation.rule}: ${violation.message}`)
          .join('; ')}`,
      });
    }
  }
}

function outcomeOf(
  deny: PolicyMessage[],
  warn: PolicyMessage[],
): PolicyOutcome {
  if (deny.length > 0) return 'deny';
  return warn.length > 0 ? 'warn' : 'allow';
}
