import {
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  PolicyDecisionList,
  policyEvaluationRequestSchema,
  PolicyEvaluation,
  PolicyRuleList,
  parseWithIssues,
} from '@internal/backstage-plugin-environments-common';
import { DeploymentsService } from '../deployments/DeploymentsService';
import { PolicyDecisionEntry, PolicyDecisionsStore } from '../model';
import { PolicyGate } from '../policy';
import { EnvironmentsService, invalidInput } from './EnvironmentsService';

type Credentials = { credentials: BackstageCredentials };

const DEFAULT_DECISIONS = 50;

/**
 * The policy API: a dry run of any action that policies decide on, the
 * active rules, and the newest decisions, each for whoever may see them.
 */
export class PolicyService {
  constructor(
    private readonly options: {
      gate: PolicyGate;
      decisions: PolicyDecisionsStore;
      environments: EnvironmentsService;
      deployments?: DeploymentsService;
      userInfo: UserInfoService;
      adminGroups: string[];
    },
  ) {}

  /** Evaluates an action as it would be sent, after its own validation and permission checks; stores nothing. */
  async evaluate(
    input: unknown,
    { credentials }: Credentials,
  ): Promise<PolicyEvaluation> {
    const parsed = parseWithIssues(policyEvaluationRequestSchema, input);
    if (!parsed.success) {
      throw invalidInput('policy evaluation', parsed.issues);
    }
    const { action, environmentId, request } = parsed.data;
    if (action === 'environment.request' || action === 'environment.extend') {
      return this.options.environments.evaluatePolicy(
        action,
        environmentId,
        request,
        { credentials },
      );
    }
    if (!this.options.deployments) {
      throw invalidInput('policy evaluation', [
        { field: 'action', rule: `${action} is not served by this backend` },
      ]);
    }
    return this.options.deployments.evaluatePolicy(
      action,
      environmentId,
      request,
      { credentials },
    );
  }

  rules(): Promise<PolicyRuleList> {
    return this.options.gate.rules();
  }

  /**
   * The newest decisions, newest first: every one for the platform's
   * admins; an environment's for whoever may read it; else the caller's own.
   */
  async decisions(
    query: { limit?: number; environmentId?: string },
    { credentials }: Credentials,
  ): Promise<PolicyDecisionList> {
    const limit = query.limit ?? DEFAULT_DECISIONS;
    const { environmentId } = query;
    let actor: string | undefined;
    if (!(await this.isAdmin(credentials))) {
      if (environmentId) {
        // Throws 404 or 403 unless the caller may read it.
        await this.options.environments.get(environmentId, { credentials });
      } else {
        actor = actorOf(credentials);
      }
    }
    const entries = await this.options.decisions.listDecisions({
      limit,
      environmentId,
      actor,
    });
    return { items: entries.map(toApiDecision) };
  }

  private async isAdmin(credentials: BackstageCredentials): Promise<boolean> {
    const { principal } = credentials as BackstageCredentials<any>;
    if (principal?.type !== 'user') return false;
    const { ownershipEntityRefs } = await this.options.userInfo.getUserInfo(
      credentials,
    );
    const admins = this.options.adminGroups.map(group => group.toLowerCase());
    return ownershipEntityRefs.some(ref => admins.includes(ref.toLowerCase()));
  }
}

function actorOf(credentials: BackstageCredentials): string {
  const { principal } = credentials as BackstageCredentials<any>;
  if (principal?.type === 'user') return principal.userEntityRef;
  if (principal?.type === 'service') return principal.subject;
  return 'unknown';
}

function toApiDecision(entry: PolicyDecisionEntry) {
  return { ...entry, at: entry.at.toISOString() };
}
