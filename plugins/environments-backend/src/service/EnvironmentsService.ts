import {
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  approvalDecisionRequestSchema,
  AuditEvent as ApiAuditEvent,
  Environment as ApiEnvironment,
  environmentNamespace,
  EnvironmentStatus,
  EnvironmentType,
  EnvironmentRequestValidation,
  formatValidationIssues,
  parseDuration,
  parseWithIssues,
  PolicyEvaluation,
  PolicyResult,
  validateEnvironmentRequest,
  validateEnvironmentUpdate,
  StatusTransition as ApiStatusTransition,
  ValidationIssue,
} from '@internal/backstage-plugin-environments-common';
import { ResourceDrivers } from '../kubernetes';
import {
  Environment,
  EnvironmentsStore,
  StaleVersionError,
  toApiAuditEvent,
  toApiEnvironment,
  toApiStatusTransition,
  componentOwnerRef,
  componentSystemRef,
} from '../model';
import { EnvironmentAuthorizer } from '../permissions/EnvironmentAuthorizer';
import { PolicyCheck, PolicyGate, PolicyRequest } from '../policy';
import { ReconcileRateLimiter } from './ReconcileRateLimiter';
import {
  decodePageToken,
  DEFAULT_PAGE_SIZE,
  encodePageToken,
  PageRequest,
} from './pageTokens';
import { approvalOf, isInGroups } from '../deployments/approvers';

type Credentials = { credentials: BackstageCredentials };

/** A change made only if the environment is still at this version (`If-Match`). */
type Precondition = { expectedVersion?: number };

/**
 * How often a change without `If-Match` is computed again when a concurrent
 * change got in first; each round is lost only to another change landing in
 * the few milliseconds between its read and its write.
 */
const MAX_CHANGE_ROUNDS = 10;

function assertExpectedVersion(
  environment: { id: string; version: number },
  expectedVersion: number | undefined,
) {
  if (
    expectedVersion !== undefined &&
    expectedVersion !== environment.version
  ) {
    throw new StaleVersionError(
      environment.id,
      expectedVersion,
      environment.version,
    );
  }
}

/** An environment type as the API describes it, with whether the caller may use it. */
export type EnvironmentTypeDescription = EnvironmentType & {
  name: string;
  /** Whether the caller belongs to the groups the type is restricted to. */
  allowed: boolean;
};

export type EnvironmentListFilter = {
  componentRef?: string;
  ownerRef?: string;
  type?: string;
  status?: EnvironmentStatus;
};

export type EnvironmentsServiceOptions = {
  store: EnvironmentsStore;
  types: Record<string, EnvironmentType>;
  /** The installed resource drivers: a request's resources must have one. */
  drivers: ResourceDrivers;
  catalog: CatalogService;
  /** Decides, through the permission framework, what the caller may do. */
  authorizer: EnvironmentAuthorizer;
  userInfo: UserInfoService;
  clock?: () => Date;
  /** The least time between two accepted reconciles of one environment; 5 s by default. */
  reconcileIntervalMs?: number;
  /** `environments.adminGroups`: who approves what a type gates when it names no `approverGroups`. */
  adminGroups?: string[];
  /** Tells approvers and requesters about approvals; its failures never fail a request. */
  approvalNotifier?: EnvironmentApprovalNotifier;
  /** The platform's policies, asked before a create or an extension is stored; none in some tests. */
  policy?: PolicyGate;
};

/** An answer with the policies' word on the change it is to. */
export function withPolicy<T extends object>(
  answer: T,
  check: PolicyCheck | undefined,
): T & { policy?: PolicyResult } {
  return check ? { ...answer, policy: check.result } : answer;
}

/** What the service tells about the approvals of environments. */
export interface EnvironmentApprovalNotifier {
  /** A gated environment was requested: its approvers are told. */
  environmentApprovalRequested(environment: Environment): Promise<void>;
  /** It was approved, rejected or expired: its requester is told. */
  environmentApprovalDecided(environment: Environment): Promise<void>;
}

/** An `InputError` whose body also lists each issue, for forms to show per field. */
export function invalidInput(
  what: string,
  issues: ValidationIssue[],
): InputError {
  const error = new InputError(
    `Invalid ${what}:\n${formatValidationIssues(issues)}`,
  );
  // Serialized with the error, so clients get the issues without parsing the message.
  return Object.assign(error, { issues });
}

/**
 * What the API does: validates requests, looks components up in the catalog,
 * decides permissions through the permission framework, and records the
 * changes in the store, which queues the provisioning work.
 */
export class EnvironmentsService {
  private readonly store: EnvironmentsStore;
  private readonly types: Record<string, EnvironmentType>;
  private readonly drivers: ResourceDrivers;
  private readonly catalog: CatalogService;
  private readonly authorizer: EnvironmentAuthorizer;
  private readonly userInfo: UserInfoService;
  private readonly clock: () => Date;
  private readonly reconcileLimiter: ReconcileRateLimiter;
  private readonly adminGroups: string[];
  private readonly approvalNotifier?: EnvironmentApprovalNotifier;
  private readonly policy?: PolicyGate;

  constructor(options: EnvironmentsServiceOptions) {
    this.store = options.store;
    this.types = options.types;
    this.drivers = options.drivers;
    this.catalog = options.catalog;
    this.authorizer = options.authorizer;
    this.userInfo = options.userInfo;
    this.clock = options.clock ?? (() => new Date());
    this.adminGroups = options.adminGroups ?? [];
    this.approvalNotifier = options.approvalNotifier;
    this.policy = options.policy;
    this.reconcileLimiter = new ReconcileRateLimiter({
      intervalMs: options.reconcileIntervalMs ?? 5000,
      clock: () => this.clock().getTime(),
    });
  }

  async listTypes({
    credentials,
  }: Credentials): Promise<EnvironmentTypeDescription[]> {
    const claims = await this.claims(credentials);
    return Object.entries(this.types)
      .map(([name, type]) => ({
        name,
        ...type,
        allowed:
          !type.allowedGroups ||
          type.allowedGroups.some(group => claims.includes(group)),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async create(
    input: unknown,
    { credentials }: Credentials,
  ): Promise<ApiEnvironment> {
    const draft = await this.draftCreate(input, credentials);
    const { spec, component, ownerRef } = draft;
    const check = await this.policy?.check(draft.policy, credentials);
    const now = this.clock();
    const type = this.types[spec.type];
    const approval = type?.requiresApproval
      ? this.approvalFor(type, now)
      : undefined;
    const environment = await this.store.createEnvironment({
      name: spec.name,
      namespace: environmentNamespace(spec.componentRef, spec.name),
      componentRef: spec.componentRef,
      ownerRef,
      systemRef: componentSystemRef(component),
      type: spec.type,
      spec,
      createdBy: this.actor(credentials),
      ...(spec.ttl && {
        expiresAt: new Date(now.getTime() + parseDuration(spec.ttl)),
      }),
      caps: type?.maxEnvironments,
      approval,
      ...(check && { policyDecision: check.decision }),
    });
    if (approval) {
      await this.approvalNotifier?.environmentApprovalRequested(environment);
    }
    return withPolicy(toApiEnvironment(environment), check);
  }

  /**
   * What the policies would decide on a request (`POST /policy/evaluate`),
   * after the same validation and permission checks as the request itself;
   * nothing is stored.
   */
  async evaluatePolicy(
    action: 'environment.request' | 'environment.extend',
    environmentId: string | undefined,
    input: unknown,
    { credentials }: Credentials,
  ): Promise<PolicyEvaluation> {
    if (!this.policy) {
      return {
        outcome: 'off',
        deny: [],
        warn: [],
        reason: 'Policy evaluation is not configured',
      };
    }
    if (action === 'environment.request') {
      const draft = await this.draftCreate(input, credentials);
      return this.policy.evaluate(draft.policy, credentials);
    }
    if (!environmentId) {
      throw invalidInput('policy evaluation', [
        { field: 'environmentId', rule: `is required for ${action}` },
      ]);
    }
    const draft = await this.draftExtend(environmentId, input, credentials);
    return this.policy.evaluate(draft.policy, credentials);
  }

  /** A request validated, its component read and the caller authorized: all but the store. */
  private async draftCreate(input: unknown, credentials: BackstageCredentials) {
    const validation = this.withDrivers(
      validateEnvironmentRequest(input, this.types),
    );
    if (!validation.ok) {
      throw invalidInput('environment request', validation.issues);
    }
    const spec = validation.request;
    const component = await this.catalog.getEntityByRef(spec.componentRef, {
      credentials,
    });
    if (!component || component.kind.toLowerCase() !== 'component') {
      throw new NotFoundError(
        `Component '${spec.componentRef}' was not found in the catalog`,
      );
    }
    const ownerRef = componentOwnerRef(component);
    if (!ownerRef) {
      throw new InputError(
        `componentRef: component '${spec.componentRef}' has no owner in the catalog, and environments belong to the component's owner`,
      );
    }
    await this.authorizer.authorize(
      'create',
      { componentRef: spec.componentRef, ownerRef, type: spec.type },
      credentials,
    );
    const policy: PolicyRequest = {
      action: 'environment.request',
      environment: {
        name: spec.name,
        type: spec.type,
        componentRef: spec.componentRef,
        ownerRef,
        ttl: spec.ttl ?? null,
        image: spec.image ?? null,
      },
      component,
    };
    return { spec, component, ownerRef, policy };
  }

  /**
   * Approves an environment waiting for approval, with a comment; its
   * provisioning starts. Only a member of its approver groups other than its
   * requester may decide.
   */
  async approve(
    id: string,
    input: unknown,
    { credentials }: Credentials,
  ): Promise<ApiEnvironment> {
    return this.decide(id, 'approved', input, credentials);
  }

  /** Rejects an environment waiting for approval: it ends deleted, and its name is free. */
  async reject(
    id: string,
    input: unknown,
    { credentials }: Credentials,
  ): Promise<ApiEnvironment> {
    return this.decide(id, 'rejected', input, credentials);
  }

  /** The environments waiting for approval that the caller may decide. */
  async pendingApprovals({
    credentials,
  }: Credentials): Promise<ApiEnvironment[]> {
    const caller = this.actor(credentials);
    const claims = await this.claims(credentials);
    const decidable = (await this.store.listPendingApprovals()).filter(
      environment =>
        environment.createdBy !== caller &&
        isInGroups(environment.approval?.groups ?? [], claims),
    );
    const allowed = await this.authorizer.filter(
      'approve',
      decidable,
      credentials,
    );
    return allowed.map(toApiEnvironment);
  }

  private async decide(
    id: string,
    outcome: 'approved' | 'rejected',
    input: unknown,
    credentials: BackstageCredentials,
  ): Promise<ApiEnvironment> {
    const parsed = parseWithIssues(approvalDecisionRequestSchema, input);
    if (!parsed.success) {
      throw invalidInput('approval decision', parsed.issues);
    }
    const environment = await this.store.getEnvironment(id);
    await this.authorizer.authorize('approve', environment, credentials);
    const { approval } = environment;
    if (!approval) {
      throw new ConflictError(
        `Environment '${environment.name}' is not waiting for approval: its type ${environment.type} does not require it`,
      );
    }
    const verb = outcome === 'approved' ? 'approve' : 'reject';
    const by = this.actor(credentials);
    if (by === environment.createdBy) {
      throw new NotAllowedError(`You cannot ${verb} your own request`);
    }
    if (!isInGroups(approval.groups, await this.claims(credentials))) {
      throw new NotAllowedError(
        `You cannot ${verb} environment '${
          environment.name
        }': only members of ${approval.groups.join(', ')} may`,
      );
    }
    // The store refuses (409) one that is no longer pending, also when
    // another decision landed since the read above.
    const decided = await this.store.decideApproval({
      id,
      outcome,
      by,
      comment: parsed.data.comment,
      now: this.clock(),
    });
    await this.approvalNotifier?.environmentApprovalDecided(decided);
    return toApiEnvironment(decided);
  }

  /** Who approves a new environment of `type`, and until when. */
  private approvalFor(type: EnvironmentType, now: Date) {
    const approval = approvalOf(type, this.adminGroups, now);
    return {
      ...approval,
      reason: `Waiting for approval by ${
        approval.groups.join(', ') || '(nobody)'
      }`,
    };
  }

  /**
   * One page of the environments the caller may see. The page is cut before
   * the permission filter, so it may hold fewer than `limit`, even none, with
   * a `nextPageToken` still to follow.
   */
  async list(
    filter: EnvironmentListFilter & PageRequest,
    { credentials }: Credentials,
  ): Promise<{ items: ApiEnvironment[]; nextPageToken?: string }> {
    const { limit = DEFAULT_PAGE_SIZE, pageToken, ...match } = filter;
    const after =
      pageToken === undefined
        ? undefined
        : decodePageToken(pageToken, 'string');
    const normalize = (
      field: string,
      ref: string | undefined,
      defaultKind: string,
    ) => {
      try {
        return ref && stringifyEntityRef(parseEntityRef(ref, { defaultKind }));
      } catch (error) {
        throw new InputError(
          `${field}: must be an entity reference such as ${defaultKind}:default/orders (${
            (error as Error).message
          })`,
        );
      }
    };
    for (const [field, value] of Object.entries(match)) {
      // eslint-disable-next-line no-control-regex
      if (typeof value === 'string' && /[\u0000-\u001f\u007f]/.test(value)) {
        throw invalidInput('filter', [
          { field, rule: 'must not contain control characters' },
        ]);
      }
    }
    // Only the references are the caller's to get wrong: a failing store is
    // not a bad request.
    // One more than the page, to know whether another follows.
    const environments = await this.store.listEnvironments({
      ...match,
      componentRef: normalize('componentRef', match.componentRef, 'component'),
      ownerRef: normalize('ownerRef', match.ownerRef, 'group'),
      after: after && { createdAt: after.at, id: after.id },
      limit: limit + 1,
    });
    const page = environments.slice(0, limit);
    const last = page[page.length - 1];
    const visible = await this.authorizer.filter('read', page, credentials);
    return {
      items: visible.map(toApiEnvironment),
      ...(environments.length > limit && {
        nextPageToken: encodePageToken(last.createdAt, last.id),
      }),
    };
  }

  async get(id: string, { credentials }: Credentials): Promise<ApiEnvironment> {
    const environment = await this.store.getEnvironment(id);
    await this.authorizer.authorize('read', environment, credentials);
    return toApiEnvironment(environment);
  }

  /**
   * Applies a change to the spec as stored now. The new spec is computed
   * from a read, so it is written only if nothing changed the environment
   * since (compare-and-set): with `expectedVersion` (`If-Match`) a stale
   * read is a `StaleVersionError` (412); without, the change is computed
   * again from what the other change stored, so that both apply, in order.
   */
  async update(
    id: string,
    input: unknown,
    { credentials, expectedVersion }: Credentials & Precondition,
  ): Promise<ApiEnvironment> {
    for (let round = 1; ; round++) {
      const environment = await this.liveEnvironment(id, 'changed');
      await this.authorizer.authorize('update', environment, credentials);
      assertExpectedVersion(environment, expectedVersion);
      const validation = this.withDrivers(
        validateEnvironmentUpdate(input, environment.spec, this.types),
      );
      if (!validation.ok) {
        throw invalidInput('environment change', validation.issues);
      }
      try {
        const updated = await this.store.updateSpec({
          id,
          spec: validation.request,
          actor: this.actor(credentials),
          expectedVersion: environment.version,
        });
        return toApiEnvironment(updated);
      } catch (error) {
        const retry =
          error instanceof StaleVersionError &&
          expectedVersion === undefined &&
          round < MAX_CHANGE_ROUNDS;
        if (!retry) {
          throw error;
        }
      }
    }
  }

  async delete(id: string, { credentials }: Credentials) {
    const environment = await this.store.getEnvironment(id);
    await this.authorizer.authorize('delete', environment, credentials);
    if (environment.status === 'deleting' || environment.status === 'deleted') {
      // Deleting twice is not an error: the result is the same. A teardown
      // still under way is queued again, in case it is stuck.
      if (environment.status === 'deleting') {
        await this.store.enqueueJob({ environmentId: id, kind: 'teardown' });
      }
      return toApiEnvironment(environment);
    }
    const deleting = await this.store.markDeleting({
      id,
      actor: this.actor(credentials),
    });
    return toApiEnvironment(deleting);
  }

  /**
   * Sets the expiry of an ephemeral environment to `ttl` from now, no later
   * than its type's maximum time to live after it was created.
   */
  async extend(
    id: string,
    input: unknown,
    { credentials, expectedVersion }: Credentials & Precondition,
  ): Promise<ApiEnvironment> {
    const draft = await this.draftExtend(
      id,
      input,
      credentials,
      expectedVersion,
    );
    const check = await this.policy?.check(draft.policy, credentials);
    // Without If-Match there is nothing to lose: the store only ever moves
    // the expiry later, checked in its own transaction.
    const extended = await this.store.extendExpiry({
      id,
      expiresAt: draft.expiresAt,
      actor: this.actor(credentials),
      expectedVersion,
      ...(check && { policyDecision: check.decision }),
    });
    return withPolicy(toApiEnvironment(extended), check);
  }

  /** An extension checked and authorized: all but the store. */
  private async draftExtend(
    id: string,
    input: unknown,
    credentials: BackstageCredentials,
    expectedVersion?: number,
  ) {
    const environment = await this.liveEnvironment(id, 'extended');
    await this.authorizer.authorize('update', environment, credentials);
    assertExpectedVersion(environment, expectedVersion);
    const type = this.types[environment.type];
    if (!type?.ttl || !environment.expiresAt) {
      throw new InputError(
        `ttl: environment '${environment.name}' of type ${environment.type} does not expire, so there is nothing to extend`,
      );
    }
    const ttl = (input as { ttl?: unknown } | undefined)?.ttl;
    let ttlMs: number;
    try {
      ttlMs = parseDuration(String(ttl));
    } catch (error) {
      // parseDuration says which rule: the format, zero, or too long.
      throw invalidInput('extension', [
        {
          field: 'ttl',
          rule: (error as Error).message.replace(/^Invalid duration: /, ''),
        },
      ]);
    }
    const now = this.clock();
    const latest = new Date(
      environment.createdAt.getTime() + parseDuration(type.ttl.max),
    );
    const expiresAt = new Date(now.getTime() + ttlMs);
    if (expiresAt > latest) {
      throw invalidInput('extension', [
        {
          field: 'ttl',
          rule: `must end by ${latest.toISOString()}: type ${
            environment.type
          } lives at most ${type.ttl.max} after creation (got "${ttl}")`,
        },
      ]);
    }
    if (expiresAt <= environment.expiresAt) {
      throw invalidInput('extension', [
        {
          field: 'ttl',
          rule: `must end after the current expiry, ${environment.expiresAt.toISOString()} (got "${ttl}")`,
        },
      ]);
    }
    const policy: PolicyRequest = {
      action: 'environment.extend',
      environment: {
        id: environment.id,
        name: environment.name,
        type: environment.type,
        componentRef: environment.componentRef,
        ownerRef: environment.ownerRef,
        ttl: String(ttl),
        image: environment.spec.image ?? null,
      },
    };
    return { expiresAt, policy };
  }

  /**
   * Queues a reconcile of an environment as it is: retries one that failed
   * for good, or repairs objects changed behind the platform's back. An
   * environment that is as desired is left untouched (no Kubernetes writes).
   */
  async reconcile(
    id: string,
    { credentials }: Credentials,
  ): Promise<ApiEnvironment> {
    const environment = await this.store.getEnvironment(id);
    if (environment.status === 'deleted') {
      await this.liveEnvironment(id, 'reconciled');
    }
    await this.authorizer.authorize('update', environment, credentials);
    // After the permission check, so that others cannot use up an owner's turn.
    this.reconcileLimiter.take(id, environment.name);
    // One being deleted is reconciled by finishing its teardown.
    await this.store.enqueueJob({
      environmentId: id,
      kind: environment.status === 'deleting' ? 'teardown' : 'reconcile',
      audit: {
        actor: this.actor(credentials),
        action: 'reconcile',
        outcome: 'initiated',
      },
    });
    return toApiEnvironment(await this.store.getEnvironment(id));
  }

  /** One page of the environment's audit trail, oldest first. */
  async auditTrail(
    id: string,
    page: PageRequest,
    { credentials }: Credentials,
  ): Promise<{ items: ApiAuditEvent[]; nextPageToken?: string }> {
    return this.pageOfRecords(
      id,
      page,
      credentials,
      p => this.store.listAuditEvents(id, p),
      toApiAuditEvent,
    );
  }

  /** One page of the statuses the environment entered, oldest first; for whoever may read it. */
  async getStatusHistory(
    id: string,
    page: PageRequest,
    { credentials }: Credentials,
  ): Promise<{ items: ApiStatusTransition[]; nextPageToken?: string }> {
    return this.pageOfRecords(
      id,
      page,
      credentials,
      p => this.store.listStatusTransitions(id, p),
      toApiStatusTransition,
    );
  }

  /**
   * One page of records of an environment the caller may read, in the order
   * they were written, with the token of the next page when there is one.
   */
  private async pageOfRecords<T extends { at: Date; id: number }, A>(
    id: string,
    { limit = DEFAULT_PAGE_SIZE, pageToken }: PageRequest,
    credentials: BackstageCredentials,
    list: (page: {
      after?: { at: Date; id: number };
      limit: number;
    }) => Promise<T[]>,
    toApi: (record: T) => A,
  ): Promise<{ items: A[]; nextPageToken?: string }> {
    const after =
      pageToken === undefined
        ? undefined
        : decodePageToken(pageToken, 'number');
    const environment = await this.store.getEnvironment(id);
    await this.authorizer.authorize('read', environment, credentials);
    const records = await list({ after, limit: limit + 1 });
    const page = records.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toApi),
      ...(records.length > limit && {
        nextPageToken: encodePageToken(last.at, last.id),
      }),
    };
  }

  /** A valid request is one more check away: its resources need drivers. */
  private withDrivers(
    validation: EnvironmentRequestValidation,
  ): EnvironmentRequestValidation {
    if (!validation.ok) {
      return validation;
    }
    const issues = this.drivers.validate(validation.request.resources);
    return issues.length > 0 ? { ok: false, issues } : validation;
  }

  private async liveEnvironment(id: string, verb: string) {
    const environment = await this.store.getEnvironment(id);
    if (environment.status === 'deleting' || environment.status === 'deleted') {
      throw new InputError(
        `Environment '${environment.name}' is ${environment.status} and can no longer be ${verb}`,
      );
    }
    return environment;
  }

  private actor(credentials: BackstageCredentials): string {
    const { principal } = credentials as BackstageCredentials<any>;
    if (principal?.type === 'user') {
      return principal.userEntityRef;
    }
    if (principal?.type === 'service') {
      return principal.subject;
    }
    return 'unknown';
  }

  private async claims(credentials: BackstageCredentials): Promise<string[]> {
    const { principal } = credentials as BackstageCredentials<any>;
    if (principal?.type !== 'user') {
      return [];
    }
    const info = await this.userInfo.getUserInfo(credentials);
    return info.ownershipEntityRefs.map(ref => ref.toLowerCase());
  }
}
