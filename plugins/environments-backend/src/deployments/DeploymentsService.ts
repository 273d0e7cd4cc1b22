import {
  AuthService,
  BackstageCredentials,
  LoggerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  approvalDecisionRequestSchema,
  AUTOMATIC_DEPLOYMENT_SOURCES,
  CiDeployRequest,
  ciDeployRequestSchema,
  ConfigLayers,
  ConfigLayerValues,
  configIssues,
  configLayerValuesSchema,
  Deployment as ApiDeployment,
  DeploymentCommit,
  DeploymentDiff,
  DeploymentSource,
  deployRequestSchema,
  diffConfigs,
  EnvironmentDeployments,
  EnvironmentSecret,
  EnvironmentType,
  formatConfigChanges,
  hasSucceeded,
  imageVersion,
  parseWithIssues,
  PolicyEvaluation,
  promoteRequestSchema,
  ResolvedConfig,
  resolveDeploymentConfig,
  rollbackRequestSchema,
  secretKeySchema,
  secretValueRequestSchema,
  upstreamOf,
  ValidationIssue,
  WhatRunsWhere,
  withImageTag,
} from '@internal/backstage-plugin-environments-common';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  canonicalJson,
  Deployment,
  DeploymentsStore,
  DeploymentTarget,
  Environment,
  EnvironmentsStore,
  NewDeployment,
  toApiDeployment,
} from '../model';
import { EnvironmentAuthorizer } from '../permissions/EnvironmentAuthorizer';
import { PolicyGate, PolicyRequest } from '../policy';
import { invalidInput, withPolicy } from '../service/EnvironmentsService';
import {
  decodePageToken,
  DEFAULT_PAGE_SIZE,
  encodePageToken,
  PageRequest,
} from '../service/pageTokens';
import { deploymentApproval, isInGroups } from './approvers';
import { componentDefaults } from './componentDefaults';
import { PromotionPaths } from './promotionPaths';

type Credentials = { credentials: BackstageCredentials };

/** Where an environment's secrets live: its cluster's provisioner. */
export interface EnvironmentSecrets {
  writeSecret(
    environment: { id: string; namespace: string },
    key: string,
    value: string,
  ): Promise<void>;
  deleteSecret(
    environment: { id: string; namespace: string },
    key: string,
  ): Promise<void>;
  listSecrets(environment: {
    id: string;
    namespace: string;
  }): Promise<EnvironmentSecret[]>;
}

/** The subjects of external access allowed to deploy from CI when config names none. */
export const DEFAULT_CI_SUBJECTS = ['ci'];

export type DeploymentsServiceOptions = {
  deployments: DeploymentsStore;
  environments: EnvironmentsStore;
  types: Record<string, EnvironmentType>;
  authorizer: EnvironmentAuthorizer;
  catalog: CatalogService;
  auth: AuthService;
  userInfo: UserInfoService;
  logger: LoggerService;
  promotionPaths: PromotionPaths;
  /** The secrets of the environments of one cluster. */
  secretsFor: (cluster: string) => EnvironmentSecrets;
  /** `environments.adminGroups`: approvers of the types that name none. */
  adminGroups?: string[];
  /** `environments.ci.subjects`: service principals that may use `POST /ci/deployments`. */
  ciSubjects?: string[];
  clock?: () => Date;
  /** The platform's policies, asked before a deployment is stored; none in some tests. */
  policy?: PolicyGate;
};

/** A deployment request once parsed: the changes to the override layer. */
type Changes = {
  image?: string;
  tag?: string;
  replicas?: number | null;
  env?: Record<string, string | null>;
  secretRefs?: Record<string, string | null>;
  resources?: { cpu?: string | null; memory?: string | null } | null;
};

const LIVE_NOT = ['deleting', 'deleted'];

const POLICY_ACTION_OF_KIND = {
  deploy: 'deployment.deploy',
  promotion: 'deployment.promote',
  rollback: 'deployment.rollback',
} as const;

/** A deployment computed and checked, not yet asked of the policies nor stored. */
type DeploymentDraft = {
  environment: Environment;
  type: EnvironmentType;
  deployment: Pick<
    NewDeployment,
    | 'kind'
    | 'resolved'
    | 'source'
    | 'commit'
    | 'rollbackOf'
    | 'promotedFrom'
    | 'createdBy'
    | 'pin'
    | 'expectedCurrent'
  > & { message?: string };
  version: string;
  /** For a promotion: the deployment promoted from. */
  promotedFrom?: Deployment;
  /** The component in the catalog, when the draft read it. */
  component?: Entity;
};

/**
 * Deployments of components to their environments: what would be rolled out
 * now, deploys, rollbacks, promotions and their approvals, the history and
 * diffs, and the environments' secrets. Every call acts as the caller, whose
 * permission is decided by the permission framework; the deployments store
 * queues the rollout in the same transaction as the record.
 */
export class DeploymentsService {
  private readonly deployments: DeploymentsStore;
  private readonly environments: EnvironmentsStore;
  private readonly types: Record<string, EnvironmentType>;
  private readonly authorizer: EnvironmentAuthorizer;
  private readonly catalog: CatalogService;
  private readonly auth: AuthService;
  private readonly userInfo: UserInfoService;
  private readonly logger: LoggerService;
  private readonly promotionPaths: PromotionPaths;
  private readonly secretsFor: (cluster: string) => EnvironmentSecrets;
  private readonly adminGroups: string[];
  private readonly ciSubjects: string[];
  private readonly clock: () => Date;
  private readonly policy?: PolicyGate;
  /** Invalid annotations already logged, so that each is logged once. */
  private readonly loggedAnnotations = new Set<string>();

  /**
   * Builds the service with the platform's settings from config: the
   * promotion path (`environments.promotion.path`), the admins who approve
   * what a type names no approvers for (`environments.adminGroups`) and the
   * CI subjects (`environments.ci.subjects`).
   */
  static create(
    options: Omit<
      DeploymentsServiceOptions,
      'promotionPaths' | 'adminGroups' | 'ciSubjects'
    > & { config: Config },
  ): DeploymentsService {
    const { config } = options;
    return new DeploymentsService({
      ...options,
      promotionPaths: PromotionPaths.fromConfig(config),
      adminGroups: config.getOptionalStringArray('environments.adminGroups'),
      ciSubjects: config.getOptionalStringArray('environments.ci.subjects'),
    });
  }

  constructor(options: DeploymentsServiceOptions) {
    this.deployments = options.deployments;
    this.environments = options.environments;
    this.types = options.types;
    this.authorizer = options.authorizer;
    this.catalog = options.catalog;
    this.auth = options.auth;
    this.userInfo = options.userInfo;
    this.logger = options.logger;
    this.promotionPaths = options.promotionPaths;
    this.secretsFor = options.secretsFor;
    this.adminGroups = options.adminGroups ?? [];
    this.ciSubjects = options.ciSubjects ?? DEFAULT_CI_SUBJECTS;
    this.clock = options.clock ?? (() => new Date());
    this.policy = options.policy;
  }

  /** What a deployment with no changes would roll out now, with each value's layer. */
  async configuration(
    environmentId: string,
    { credentials }: Credentials,
  ): Promise<ResolvedConfig> {
    const environment = await this.readable(environmentId, credentials);
    const { current } = await this.targetOf(environment.id);
    const component = await this.componentOf(environment);
    return this.resolve(environment, {
      baseline: this.baselineOf(environment),
      component: component.values,
      override: this.overrideOf(environment, current),
    });
  }

  async deploy(
    environmentId: string,
    input: unknown,
    { credentials }: Credentials,
  ): Promise<ApiDeployment> {
    const parsed = parseWithIssues(deployRequestSchema, input);
    if (!parsed.success) {
      throw invalidInput('deployment', parsed.issues);
    }
    return this.commit(
      await this.draftDeploy(environmentId, parsed.data, credentials),
      credentials,
    );
  }

  private async draftDeploy(
    environmentId: string,
    request: z.output<typeof deployRequestSchema>,
    credentials: BackstageCredentials,
  ): Promise<DeploymentDraft> {
    const environment = await this.deployable(environmentId, credentials);
    return this.draftChanges(environment, request, {
      source: request.source ?? 'api',
      message: request.message,
      commit: request.commit,
      createdBy: actorOf(credentials),
    });
  }

  /**
   * What the policies would decide on a deploy, promotion or rollback
   * (`POST /policy/evaluate`), after the same checks as the request itself;
   * nothing is stored.
   */
  async evaluatePolicy(
    action: 'deployment.deploy' | 'deployment.promote' | 'deployment.rollback',
    environmentId: string | undefined,
    input: unknown,
    { credentials }: Credentials,
  ): Promise<PolicyEvaluation> {
    if (!environmentId) {
      throw invalidInput('policy evaluation', [
        { field: 'environmentId', rule: `is required for ${action}` },
      ]);
    }
    if (!this.policy) {
      return {
        outcome: 'off',
        deny: [],
        warn: [],
        reason: 'Policy evaluation is not configured',
      };
    }
    const schema = {
      'deployment.deploy': deployRequestSchema,
      'deployment.promote': promoteRequestSchema,
      'deployment.rollback': rollbackRequestSchema,
    }[action];
    const parsed = parseWithIssues(schema, input);
    if (!parsed.success) {
      throw invalidInput('request', parsed.issues);
    }
    let draft: DeploymentDraft;
    if (action === 'deployment.deploy') {
      draft = await this.draftDeploy(
        environmentId,
        parsed.data as z.output<typeof deployRequestSchema>,
        credentials,
      );
    } else if (action === 'deployment.promote') {
      draft = await this.draftPromote(
        environmentId,
        parsed.data as z.output<typeof promoteRequestSchema>,
        credentials,
      );
    } else {
      draft = await this.draftRollback(
        environmentId,
        parsed.data as z.output<typeof rollbackRequestSchema>,
        credentials,
      );
    }
    return this.policy.evaluate(this.policyRequestOf(draft), credentials);
  }

  /**
   * Deploys a pipeline's image to a component's environment by name. Allowed
   * for the external-access subjects of `environments.ci.subjects` and for
   * users who may deploy to the environment; always source `ci`, so a pinned
   * environment refuses it.
   */
  async ciDeploy(
    input: unknown,
    { credentials }: Credentials,
  ): Promise<ApiDeployment> {
    const parsed = parseWithIssues(ciDeployRequestSchema, input);
    if (!parsed.success) {
      throw invalidInput('CI deployment', parsed.issues);
    }
    const request = parsed.data;
    const { principal } = credentials as BackstageCredentials<any>;
    if (principal?.type === 'service') {
      if (!this.ciSubjects.includes(principal.subject)) {
        throw new NotAllowedError(
          `Service '${principal.subject}' may not deploy: only the subjects of environments.ci.subjects may`,
        );
      }
    } else if (principal?.type !== 'user') {
      throw new NotAllowedError('Only CI services and users may deploy');
    }
    return this.deployFromPipeline(request, {
      source: 'ci',
      createdBy: actorOf(credentials),
      ...(principal.type === 'user' && { credentials }),
    });
  }

  /**
   * A pipeline's deployment, by component and environment name. Without
   * `credentials` the caller is trusted to have authenticated the pipeline
   * itself: the Gitea webhook, by its signature.
   */
  async deployFromPipeline(
    request: CiDeployRequest,
    options: {
      source: 'ci' | 'webhook';
      createdBy: string;
      credentials?: BackstageCredentials;
    },
  ): Promise<ApiDeployment> {
    const componentRef = normalizeComponentRef(request.componentRef);
    const environment = (
      await this.environments.listEnvironments({ componentRef })
    ).find(candidate => candidate.name === request.environment);
    if (!environment) {
      throw new NotFoundError(
        `Component '${componentRef}' has no environment named '${request.environment}'`,
      );
    }
    if (options.credentials) {
      await this.authorizer.authorize(
        'deploy',
        environment,
        options.credentials,
      );
    }
    assertLive(environment);
    const draft = await this.draftChanges(
      environment,
      { image: request.image },
      {
        source: options.source,
        message: request.message,
        commit: request.commit,
        createdBy: options.createdBy,
      },
    );
    return this.commit(draft, options.credentials);
  }

  /**
   * Rolls an environment back to one of its own earlier deployments that
   * succeeded, and pins it there until someone deploys by hand.
   */
  async rollback(
    environmentId: string,
    input: unknown,
    { credentials }: Credentials,
  ): Promise<ApiDeployment> {
    const parsed = parseWithIssues(rollbackRequestSchema, input);
    if (!parsed.success) {
      throw invalidInput('rollback', parsed.issues);
    }
    return this.commit(
      await this.draftRollback(environmentId, parsed.data, credentials),
      credentials,
    );
  }

  private async draftRollback(
    environmentId: string,
    request: z.output<typeof rollbackRequestSchema>,
    credentials: BackstageCredentials,
  ): Promise<DeploymentDraft> {
    const environment = await this.deployable(environmentId, credentials);
    // Another environment's deployment is "not found" here, whether or not
    // it exists: its id says nothing to someone who may not see it.
    const notFound = new NotFoundError(
      `Environment '${environment.name}' has no deployment '${request.deploymentId}'`,
    );
    const target = await this.deployments
      .getDeployment(request.deploymentId)
      .catch(error => {
        throw error instanceof NotFoundError ? notFound : error;
      });
    if (target.environmentId !== environment.id) {
      throw notFound;
    }
    if (!hasSucceeded(target)) {
      throw new ConflictError(
        `Deployment ${target.sequence} (${target.version}) of '${environment.name}' is ${target.state}: only a deployment that succeeded can be rolled back to`,
      );
    }
    const type = this.typeOf(environment);
    const { current } = await this.targetOf(environment.id);
    this.assertWithinBounds(environment, type, target.resolved);
    return this.draft(environment, type, {
      kind: 'rollback',
      resolved: target.resolved,
      source: request.source ?? 'api',
      message: request.reason,
      rollbackOf: target.id,
      createdBy: actorOf(credentials),
      pin: 'set',
      expectedCurrent: current?.id ?? null,
    });
  }

  /**
   * Promotes into an environment what succeeded in the one before it in the
   * component's promotion path: the source's image and component defaults,
   * under the target's own baseline and overrides.
   */
  async promote(
    targetEnvironmentId: string,
    input: unknown,
    { credentials }: Credentials,
  ): Promise<ApiDeployment> {
    const parsed = parseWithIssues(promoteRequestSchema, input);
    if (!parsed.success) {
      throw invalidInput('promotion', parsed.issues);
    }
    return this.commit(
      await this.draftPromote(targetEnvironmentId, parsed.data, credentials),
      credentials,
    );
  }

  private async draftPromote(
    targetEnvironmentId: string,
    request: z.output<typeof promoteRequestSchema>,
    credentials: BackstageCredentials,
  ): Promise<DeploymentDraft> {
    const environment = await this.deployable(targetEnvironmentId, credentials);
    const component = await this.componentOf(environment);
    const path = this.promotionPaths.pathFor(component.annotations);
    const pathText = path.join(' → ');
    const upstreamName = upstreamOf(path, environment.name);
    if (!upstreamName) {
      throw invalidInput('promotion', [
        {
          field: 'environment',
          rule: `must have an environment before it in the promotion path ${pathText}; '${environment.name}' has none`,
        },
      ]);
    }
    let source: Deployment;
    if (request.deploymentId) {
      source = await this.deployments.getDeployment(request.deploymentId);
      const sourceEnvironment = await this.environments.getEnvironment(
        source.environmentId,
      );
      await this.authorizer.authorize('read', sourceEnvironment, credentials);
      if (source.componentRef !== environment.componentRef) {
        throw invalidInput('promotion', [
          {
            field: 'deploymentId',
            rule: `must be a deployment of ${environment.componentRef}, not of ${source.componentRef}`,
          },
        ]);
      }
      if (source.environmentName !== upstreamName) {
        throw invalidInput('promotion', [
          {
            field: 'deploymentId',
            rule: `must be a deployment of '${upstreamName}', the environment before '${environment.name}' in the promotion path ${pathText} (it is of '${source.environmentName}')`,
          },
        ]);
      }
    } else {
      const upstream = (
        await this.environments.listEnvironments({
          componentRef: environment.componentRef,
        })
      ).find(candidate => candidate.name === upstreamName);
      if (!upstream) {
        throw invalidInput('promotion', [
          {
            field: 'deploymentId',
            rule: `is needed: ${environment.componentRef} has no environment '${upstreamName}', the one before '${environment.name}' in the promotion path ${pathText}`,
          },
        ]);
      }
      await this.authorizer.authorize('read', upstream, credentials);
      const { current } = await this.targetOf(upstream.id);
      if (!current) {
        throw new ConflictError(
          `Nothing has been deployed to '${upstreamName}' yet, so there is nothing to promote into '${environment.name}'`,
        );
      }
      source = current;
    }
    if (source.state !== 'succeeded') {
      throw new ConflictError(
        `Deployment ${source.sequence} (${source.version}) of '${source.environmentName}' is ${source.state}: a version can only be promoted from an environment where it succeeded`,
      );
    }
    const { current } = await this.targetOf(environment.id);
    const resolved = this.resolve(environment, {
      baseline: this.baselineOf(environment),
      component: source.resolved.layers.component,
      override: {
        ...this.overrideOf(environment, current),
        image: source.resolved.config.image,
      },
    });
    const type = this.typeOf(environment);
    this.assertWithinBounds(environment, type, resolved);
    return this.draft(
      environment,
      type,
      {
        kind: 'promotion',
        resolved,
        source: request.source ?? 'api',
        message:
          request.message ??
          `Promoted ${source.version} from ${source.environmentName}`,
        promotedFrom: {
          deploymentId: source.id,
          environmentId: source.environmentId,
          environmentName: source.environmentName,
        },
        createdBy: actorOf(credentials),
        pin: 'refuse',
        expectedCurrent: current?.id ?? null,
      },
      source,
      component.entity,
    );
  }

  async approve(
    deploymentId: string,
    input: unknown,
    { credentials }: Credentials,
  ): Promise<ApiDeployment> {
    return this.decide(deploymentId, 'approved', input, credentials);
  }

  async reject(
    deploymentId: string,
    input: unknown,
    { credentials }: Credentials,
  ): Promise<ApiDeployment> {
    return this.decide(deploymentId, 'rejected', input, credentials);
  }

  /** One page of an environment's deployments, newest first. */
  async history(
    environmentId: string,
    { limit = DEFAULT_PAGE_SIZE, pageToken }: PageRequest,
    { credentials }: Credentials,
  ): Promise<{ items: ApiDeployment[]; nextPageToken?: string }> {
    // The token names the last deployment of the previous page by its sequence.
    const before =
      pageToken === undefined
        ? undefined
        : decodePageToken(pageToken, 'number').id;
    const environment = await this.readable(environmentId, credentials);
    const deployments = await this.deployments.listDeployments(environment.id, {
      before,
      limit: limit + 1,
    });
    const page = deployments.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toApiDeployment),
      ...(deployments.length > limit && {
        nextPageToken: encodePageToken(last.createdAt, last.sequence),
      }),
    };
  }

  async get(
    deploymentId: string,
    { credentials }: Credentials,
  ): Promise<ApiDeployment> {
    return toApiDeployment(
      await this.readableDeployment(deploymentId, credentials),
    );
  }

  /** What changed from one deployment to another, of any environments the caller may read. */
  async diff(
    fromId: string,
    toId: string,
    { credentials }: Credentials,
  ): Promise<DeploymentDiff> {
    const from = await this.readableDeployment(fromId, credentials);
    const to = await this.readableDeployment(toId, credentials);
    const changes = diffConfigs(from.resolved.config, to.resolved.config);
    return {
      from: from.id,
      to: to.id,
      changes,
      text: formatConfigChanges(changes),
    };
  }

  /** For one component, what runs in each of its live environments the caller may read. */
  async whatRunsWhere(
    componentRefInput: string,
    { credentials }: Credentials,
  ): Promise<WhatRunsWhere> {
    const componentRef = normalizeComponentRef(componentRefInput);
    const environments = await this.authorizer.filter(
      'read',
      await this.environments.listEnvironments({ componentRef }),
      credentials,
    );
    const entity = await this.catalog.getEntityByRef(componentRef, {
      credentials: await this.auth.getOwnServiceCredentials(),
    });
    const path = this.promotionPaths.pathFor(entity?.metadata.annotations);
    const rank = (name: string) =>
      path.includes(name) ? path.indexOf(name) : path.length;
    environments.sort(
      (a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name),
    );
    // One read of every environment's deployments, not one per environment.
    const targets = await this.deployments.getTargets(
      environments.map(e => e.id),
    );
    const targetByName = new Map(
      environments.map((e, index) => [e.name, targets[index]]),
    );
    return {
      componentRef,
      promotionPath: path,
      environments: environments.map((environment, index) => {
        const { current, pending, pin } = targets[index];
        const upstream = upstreamOf(path, environment.name);
        const upstreamCurrent = upstream
          ? targetByName.get(upstream)?.current
          : undefined;
        const promotable =
          upstreamCurrent?.state === 'succeeded' &&
          upstreamCurrent.resolved.config.image !==
            current?.resolved.config.image
            ? upstreamCurrent
            : undefined;
        const entry: EnvironmentDeployments = {
          environmentId: environment.id,
          environmentName: environment.name,
          type: environment.type,
          ...(current && { current: toApiDeployment(current) }),
          ...(pending && { pending: toApiDeployment(pending) }),
          ...(pin && { pin: { ...pin, at: pin.at.toISOString() } }),
          ...(upstream && { upstream }),
          ...(promotable && { promotable: toApiDeployment(promotable) }),
        };
        return entry;
      }),
    };
  }

  /** The pending deployments the caller may decide: in one of their groups, and not their own. */
  async pendingApprovals({
    credentials,
  }: Credentials): Promise<ApiDeployment[]> {
    const caller = actorOf(credentials);
    const claims = await this.claimsOf(credentials);
    const decidable = (await this.deployments.listPendingApprovals()).filter(
      deployment =>
        deployment.createdBy !== caller &&
        isInGroups(deployment.approval?.groups ?? [], claims),
    );
    const environmentIds = [...new Set(decidable.map(d => d.environmentId))];
    const environments = await Promise.all(
      environmentIds.map(id => this.environments.getEnvironment(id)),
    );
    const allowed = new Set(
      (await this.authorizer.filter('approve', environments, credentials)).map(
        e => e.id,
      ),
    );
    return decidable
      .filter(d => allowed.has(d.environmentId))
      .map(toApiDeployment);
  }

  /** The keys of an environment's secrets, never their values. */
  async listSecrets(
    environmentId: string,
    { credentials }: Credentials,
  ): Promise<EnvironmentSecret[]> {
    const environment = await this.environments.getEnvironment(environmentId);
    await this.authorizer.authorize('deploy', environment, credentials);
    if (LIVE_NOT.includes(environment.status)) {
      return [];
    }
    const secrets = await this.secretsOf(environment).listSecrets(environment);
    return secrets.map(({ key, updatedAt }) => ({ key, updatedAt }));
  }

  /**
   * Writes a secret's value into the environment's Kubernetes Secret, and
   * nowhere else: the audit trail says which key was set, never the value.
   */
  async setSecret(
    environmentId: string,
    key: string,
    input: unknown,
    { credentials }: Credentials,
  ): Promise<void> {
    const parsedKey = secretKeySchema.safeParse(key);
    const parsedValue = parseWithIssues(secretValueRequestSchema, input);
    const issues: ValidationIssue[] = [
      ...(parsedKey.success
        ? []
        : parsedKey.error.issues.map(issue => ({
            field: 'key',
            rule: issue.message,
          }))),
      ...(parsedValue.success ? [] : parsedValue.issues),
    ];
    if (issues.length > 0 || !parsedValue.success) {
      throw invalidInput('secret', issues);
    }
    const environment = await this.deployable(environmentId, credentials);
    await this.secretsOf(environment).writeSecret(
      environment,
      key,
      parsedValue.data.value,
    );
    await this.environments.appendAuditEvent({
      environmentId: environment.id,
      actor: actorOf(credentials),
      action: 'secret-set',
      outcome: 'succeeded',
      message: key,
    });
  }

  async deleteSecret(
    environmentId: string,
    key: string,
    { credentials }: Credentials,
  ): Promise<void> {
    const parsedKey = secretKeySchema.safeParse(key);
    if (!parsedKey.success) {
      throw invalidInput(
        'secret',
        parsedKey.error.issues.map(issue => ({
          field: 'key',
          rule: issue.message,
        })),
      );
    }
    const environment = await this.deployable(environmentId, credentials);
    await this.secretsOf(environment).deleteSecret(environment, key);
    await this.environments.appendAuditEvent({
      environmentId: environment.id,
      actor: actorOf(credentials),
      action: 'secret-delete',
      outcome: 'succeeded',
      message: key,
    });
  }

  /**
   * Applies a request's changes to the environment's overrides as they are
   * now, resolves and records the deployment. The record is refused (409)
   * when another deployment became current since this read, so that two
   * concurrent deploys never merge overrides from a stale read.
   */
  private async draftChanges(
    environment: Environment,
    changes: Changes,
    meta: {
      source: DeploymentSource;
      message?: string;
      commit?: DeploymentCommit;
      createdBy: string;
    },
  ): Promise<DeploymentDraft> {
    const type = this.typeOf(environment);
    const { current } = await this.targetOf(environment.id);
    const component = await this.componentOf(environment);
    const running =
      current?.resolved.config.image ??
      component.values.image ??
      environment.spec.image;
    const override = applyChanges(
      this.overrideOf(environment, current),
      changes,
      running,
    );
    const resolved = this.resolve(environment, {
      baseline: this.baselineOf(environment),
      component: component.values,
      override,
    });
    this.assertWithinBounds(environment, type, resolved);
    return this.draft(
      environment,
      type,
      {
        kind: 'deploy',
        resolved,
        source: meta.source,
        message: meta.message,
        commit: meta.commit,
        createdBy: meta.createdBy,
        pin: AUTOMATIC_DEPLOYMENT_SOURCES.includes(meta.source)
          ? 'refuse'
          : 'clear',
        expectedCurrent: current?.id ?? null,
      },
      undefined,
      component.entity,
    );
  }

  /** A deployment ready to be recorded, with its version and message. */
  private draft(
    environment: Environment,
    type: EnvironmentType,
    deployment: DeploymentDraft['deployment'],
    promotedFrom?: Deployment,
    component?: Entity,
  ): DeploymentDraft {
    const version = imageVersion(deployment.resolved.config.image);
    return {
      environment,
      type,
      deployment: {
        ...deployment,
        message: deployment.message ?? `Deployed ${version}`,
      },
      version,
      ...(promotedFrom && { promotedFrom }),
      ...(component && { component }),
    };
  }

  /** What the policies are asked about a draft. */
  private policyRequestOf(draft: DeploymentDraft): PolicyRequest {
    const { environment, deployment } = draft;
    const { config } = deployment.resolved;
    return {
      action: POLICY_ACTION_OF_KIND[deployment.kind],
      environment: {
        id: environment.id,
        name: environment.name,
        type: environment.type,
        componentRef: environment.componentRef,
        ownerRef: environment.ownerRef,
        ttl: environment.spec.ttl ?? null,
        replicas: config.replicas,
        image: config.image,
      },
      deployment: {
        image: config.image,
        replicas: config.replicas,
        message: deployment.message ?? '',
      },
      ...(draft.promotedFrom && { promotedFrom: draft.promotedFrom }),
      // Read for the deployment already: the policies need no second read.
      ...(draft.component && { component: draft.component }),
      actor: deployment.createdBy,
    };
  }

  /**
   * Asks the policies, then stores the deployment with its hash, version,
   * approval, audit event and the policies' decision, in one transaction.
   */
  private async commit(
    draft: DeploymentDraft,
    credentials: BackstageCredentials | undefined,
  ): Promise<ApiDeployment> {
    const check = await this.policy?.check(
      this.policyRequestOf(draft),
      credentials,
    );
    const { environment, type, deployment, version } = draft;
    const message = deployment.message!;
    const approval = deploymentApproval(type, this.adminGroups, this.clock());
    const created = await this.deployments.createDeployment({
      ...deployment,
      environmentId: environment.id,
      environmentName: environment.name,
      type: environment.type,
      componentRef: environment.componentRef,
      version,
      contentHash: createHash('sha256')
        .update(canonicalJson(deployment.resolved.config))
        .digest('hex'),
      message,
      ...(approval && { approval }),
      audit: {
        actor: deployment.createdBy,
        action: deployment.kind === 'promotion' ? 'promote' : deployment.kind,
        outcome: 'initiated',
        message: `${version} (${deployment.source}): ${message}`,
      },
      ...(check && { policyDecision: check.decision }),
    });
    return withPolicy(toApiDeployment(created), check);
  }

  private async decide(
    deploymentId: string,
    outcome: 'approved' | 'rejected',
    input: unknown,
    credentials: BackstageCredentials,
  ): Promise<ApiDeployment> {
    const parsed = parseWithIssues(approvalDecisionRequestSchema, input);
    if (!parsed.success) {
      throw invalidInput('approval decision', parsed.issues);
    }
    const deployment = await this.deployments.getDeployment(deploymentId);
    const environment = await this.environments.getEnvironment(
      deployment.environmentId,
    );
    await this.authorizer.authorize('approve', environment, credentials);
    const { approval } = deployment;
    if (!approval || deployment.state !== 'pending-approval') {
      throw new ConflictError(
        `Deployment ${deployment.sequence} of '${environment.name}' is ${deployment.state}, not waiting for approval`,
      );
    }
    const verb = outcome === 'approved' ? 'approve' : 'reject';
    const by = actorOf(credentials);
    if (by === deployment.createdBy) {
      throw new NotAllowedError(`You cannot ${verb} your own deployment`);
    }
    if (!isInGroups(approval.groups, await this.claimsOf(credentials))) {
      throw new NotAllowedError(
        `You cannot ${verb} deployments to '${
          environment.name
        }': only members of ${approval.groups.join(', ') || '(no group)'} may`,
      );
    }
    // The store refuses (409) one that is no longer pending, also when
    // another decision or an expiry landed since the read above.
    const decided = await this.deployments.decideApproval({
      id: deployment.id,
      outcome,
      by,
      comment: parsed.data.comment,
      now: this.clock(),
    });
    return toApiDeployment(decided);
  }

  private resolve(
    environment: Environment,
    layers: ConfigLayers,
  ): ResolvedConfig {
    const result = resolveDeploymentConfig(layers);
    if (!result.ok) {
      throw invalidInput(`deployment to '${environment.name}'`, result.issues);
    }
    return result.resolved;
  }

  private assertWithinBounds(
    environment: Environment,
    type: EnvironmentType,
    resolved: ResolvedConfig,
  ) {
    const issues = configIssues(resolved.config, type, environment.type);
    if (issues.length > 0) {
      throw invalidInput(`deployment to '${environment.name}'`, issues);
    }
  }

  private typeOf(environment: Environment): EnvironmentType {
    const type = this.types[environment.type];
    if (!type) {
      throw new ConflictError(
        `Environment '${environment.name}' is of type ${environment.type}, which is no longer configured: nothing can be deployed to it`,
      );
    }
    return type;
  }

  private baselineOf(environment: Environment): ConfigLayerValues {
    return { ...this.types[environment.type]?.baseline.workload };
  }

  /**
   * The environment's own overrides: those of its current deployment, or,
   * before its first, the image it was created with.
   */
  private overrideOf(
    environment: Environment,
    current: Deployment | undefined,
  ): ConfigLayerValues {
    if (current) {
      return current.resolved.layers.override;
    }
    return environment.spec.image ? { image: environment.spec.image } : {};
  }

  private async componentOf(environment: Environment) {
    const entity = await this.catalog.getEntityByRef(environment.componentRef, {
      credentials: await this.auth.getOwnServiceCredentials(),
    });
    const annotations = entity?.metadata.annotations;
    const { values, ignored } = componentDefaults(annotations);
    for (const annotation of ignored) {
      const key = `${environment.componentRef} ${annotation}`;
      if (!this.loggedAnnotations.has(key)) {
        this.loggedAnnotations.add(key);
        this.logger.debug('Ignoring an invalid annotation of a component', {
          componentRef: environment.componentRef,
          annotation,
        });
      }
    }
    return { values, annotations, entity: entity ?? undefined };
  }

  private async targetOf(environmentId: string): Promise<DeploymentTarget> {
    const [target] = await this.deployments.getTargets([environmentId]);
    return target ?? { environmentId };
  }

  private async readable(id: string, credentials: BackstageCredentials) {
    const environment = await this.environments.getEnvironment(id);
    await this.authorizer.authorize('read', environment, credentials);
    return environment;
  }

  private async deployable(id: string, credentials: BackstageCredentials) {
    const environment = await this.environments.getEnvironment(id);
    await this.authorizer.authorize('deploy', environment, credentials);
    assertLive(environment);
    return environment;
  }

  private async readableDeployment(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<Deployment> {
    const deployment = await this.deployments.getDeployment(id);
    await this.readable(deployment.environmentId, credentials);
    return deployment;
  }

  private secretsOf(environment: Environment): EnvironmentSecrets {
    return this.secretsFor(this.typeOf(environment).cluster);
  }

  private async claimsOf(credentials: BackstageCredentials): Promise<string[]> {
    const { principal } = credentials as BackstageCredentials<any>;
    if (principal?.type !== 'user') {
      return [];
    }
    const info = await this.userInfo.getUserInfo(credentials);
    return info.ownershipEntityRefs;
  }
}

function assertLive(environment: Environment) {
  if (LIVE_NOT.includes(environment.status)) {
    throw new ConflictError(
      `Environment '${environment.name}' is ${environment.status}: nothing can be deployed to it`,
    );
  }
}

/** A user's entity ref, or a service's subject (`ci` for the CI token). */
function actorOf(credentials: BackstageCredentials): string {
  const { principal } = credentials as BackstageCredentials<any>;
  if (principal?.type === 'user') return principal.userEntityRef;
  if (principal?.type === 'service') return principal.subject;
  return 'unknown';
}

function normalizeComponentRef(ref: string): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, { defaultKind: 'component' }),
    );
  } catch (error) {
    throw new InputError(
      `componentRef: must be an entity reference such as component:default/orders (${
        (error as Error).message
      })`,
    );
  }
}

/**
 * The override layer with a request's changes: values replace, `null`
 * removes, `tag` retags the image that runs now. Checked as a layer, so that
 * a bad variable name or too many of them is a 400 naming the field.
 */
export function applyChanges(
  override: ConfigLayerValues,
  changes: Changes,
  runningImage: string | undefined,
): ConfigLayerValues {
  const next: ConfigLayerValues = {
    ...override,
    ...(override.env && { env: { ...override.env } }),
    ...(override.secretRefs && { secretRefs: { ...override.secretRefs } }),
    ...(override.resources && { resources: { ...override.resources } }),
  };
  if (changes.image !== undefined) {
    next.image = changes.image;
  }
  if (changes.tag !== undefined) {
    if (!runningImage) {
      throw invalidInput('deployment', [
        {
          field: 'tag',
          rule: 'needs an image to retag: nothing runs yet and the component names no image (give image instead)',
        },
      ]);
    }
    next.image = withImageTag(runningImage, changes.tag);
  }
  if (changes.replicas === null) delete next.replicas;
  else if (changes.replicas !== undefined) next.replicas = changes.replicas;
  for (const key of ['env', 'secretRefs'] as const) {
    const given = changes[key];
    if (!given) continue;
    const merged: Record<string, string> = { ...next[key] };
    for (const [name, value] of Object.entries(given)) {
      if (value === null) delete merged[name];
      else merged[name] = value;
    }
    if (Object.keys(merged).length > 0) next[key] = merged;
    else delete next[key];
  }
  if (changes.resources === null) {
    delete next.resources;
  } else if (changes.resources) {
    const merged: Record<string, string> = { ...next.resources };
    for (const kind of ['cpu', 'memory'] as const) {
      const value = changes.resources[kind];
      if (value === null) delete merged[kind];
      else if (value !== undefined) merged[kind] = value;
    }
    if (Object.keys(merged).length > 0) next.resources = merged;
    else delete next.resources;
  }
  const checked = parseWithIssues(configLayerValuesSchema, next);
  if (!checked.success) {
    throw invalidInput('deployment', checked.issues);
  }
  return checked.data;
}
