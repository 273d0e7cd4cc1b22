import { ResponseError } from '@backstage/errors';
import {
  EnvironmentsApi,
  EnvironmentsRequestOptions,
  EnvironmentTypeDescription,
  ListEnvironmentsFilter,
} from '../client';
import {
  ApprovalDecisionRequest,
  CiDeployRequest,
  DEFAULT_PROMOTION_PATH,
  Deployment,
  DeploymentConfig,
  DeploymentState,
  DeployRequest,
  diffConfigs,
  EnvironmentSecret,
  formatConfigChanges,
  imageVersion,
  PromoteRequest,
  resolveDeploymentConfig,
  RollbackRequest,
  upstreamOf,
  WhatRunsWhere,
  withImageTag,
} from '../deployments';
import { sha256Hex } from '../sha256';
import { environmentNamespace } from '../names';
import { EnvironmentRequest } from '../request';
import { Environment, StatusTransition } from '../types';
import { fakeEnvironmentTypes } from './fakeEnvironmentTypes';

/**
 * One change {@link FakeEnvironmentsApi} applies to an environment each time
 * it is read.
 *
 * @public
 */
export type FakeEnvironmentStep = Partial<
  Pick<Environment, 'status' | 'reason' | 'conditions'>
>;

/**
 * How a {@link FakeEnvironmentsApi} names and describes what it creates.
 *
 * @public
 */
export type FakeEnvironmentsApiOptions = {
  /** The id of the n-th environment it creates, from 1; default `env-<n>`. */
  newId?: (sequence: number) => string;
  /** The types `listTypes` answers with; default {@link fakeEnvironmentTypes}. */
  types?: EnvironmentTypeDescription[];
};

/** When everything in the fake happens, so that tests can compare it. */
const FAKE_TIME = '2026-11-21T09:00:00.000Z';

async function failure(
  status: number,
  name: string,
  message: string,
): Promise<ResponseError> {
  return ResponseError.fromResponse(
    Response.json(
      { error: { name, message }, response: { statusCode: status } },
      { status },
    ),
  );
}

/**
 * The environments backend in memory, for tests of its callers, with the
 * API's behaviour where they depend on it: failures thrown as the client
 * throws them (`ResponseError` with the backend's status and message), 404
 * for unknown ids and for components it cannot see yet, 409 for a taken
 * name, idempotent deletes, deleted environments left out of listings, and
 * the status history recorded as each status is entered. Each read of an
 * environment moves it one step along its script, so that tests decide how it
 * progresses.
 *
 * @public
 */
export class FakeEnvironmentsApi implements EnvironmentsApi {
  /** The environments by id, deleted ones included; tests may change them. */
  readonly environments = new Map<string, Environment>();
  /** Every call, with the token it carried. */
  readonly calls: { method: string; token?: string }[] = [];
  /** What a new environment goes through, one step per read. */
  provisioning: FakeEnvironmentStep[] = [
    { status: 'requested' },
    { status: 'provisioning' },
    { status: 'ready' },
  ];
  /** What a deleted environment goes through, one step per read. */
  teardown: FakeEnvironmentStep[] = [
    { status: 'deleting' },
    { status: 'deleted' },
  ];
  /** How many create calls answer 404 before the component is found. */
  componentHiddenFor = 0;
  /** The types `listTypes` answers with. */
  types: EnvironmentTypeDescription[];
  /** Every deployment by id; tests may change their states. */
  readonly deployments = new Map<string, Deployment>();
  /** The state a new deployment that needs no approval gets. */
  rolloutOutcome: Extract<
    DeploymentState,
    'rolling-out' | 'succeeded' | 'failed'
  > = 'succeeded';
  /** Environment types whose deployments wait for approval. */
  readonly typesRequiringApproval = new Set<string>();
  /** The secrets' values by environment id and key, for tests to check what was set. */
  readonly secretValues = new Map<string, Map<string, string>>();
  /** Environments pinned by a rollback, by id: the rollback's id. */
  readonly pins = new Map<string, string>();

  readonly #scripts = new Map<string, FakeEnvironmentStep[]>();
  readonly #history = new Map<string, StatusTransition[]>();
  readonly #newId: (sequence: number) => string;
  #sequence = 0;

  constructor(options: FakeEnvironmentsApiOptions = {}) {
    this.#newId = options.newId ?? (sequence => `env-${sequence}`);
    this.types = options.types ?? fakeEnvironmentTypes;
  }

  /** The calls of one method, in order. */
  callsTo(method: string) {
    return this.calls.filter(call => call.method === method);
  }

  /** Sets what an environment goes through from now on, one step per read. */
  progress(id: string, steps: FakeEnvironmentStep[]) {
    this.#scripts.set(id, [...steps]);
  }

  /**
   * Adds an environment as if an earlier request had created it, or replaces
   * the one with its id: what is left out is filled in for the component
   * `component:default/orders-service`.
   */
  add(
    environment: Partial<Environment> & Pick<Environment, 'name' | 'type'>,
  ): Environment {
    const added = this.#build({
      componentRef: 'component:default/orders-service',
      ...environment,
    });
    this.environments.set(added.id, added);
    this.#recordStatus(added);
    return added;
  }

  async listEnvironments(
    filter: ListEnvironmentsFilter = {},
    options?: EnvironmentsRequestOptions,
  ) {
    this.#record('listEnvironments', options);
    return {
      items: [...this.environments.values()].filter(
        e =>
          e.status !== 'deleted' &&
          (!filter.componentRef || e.componentRef === filter.componentRef) &&
          (!filter.ownerRef || e.ownerRef === filter.ownerRef) &&
          (!filter.type || e.type === filter.type) &&
          (!filter.status || e.status === filter.status),
      ),
    };
  }

  async createEnvironment(
    request: EnvironmentRequest,
    options?: EnvironmentsRequestOptions,
  ) {
    this.#record('createEnvironment', options);
    if (this.componentHiddenFor > 0) {
      this.componentHiddenFor -= 1;
      throw await failure(
        404,
        'NotFoundError',
        `Component '${request.componentRef}' was not found in the catalog`,
      );
    }
    const name = request.name ?? request.type;
    const taken = [...this.environments.values()].some(
      e =>
        e.componentRef === request.componentRef &&
        e.name === name &&
        e.status !== 'deleted',
    );
    if (taken) {
      throw await failure(
        409,
        'ConflictError',
        `Component ${request.componentRef} already has an environment named '${name}'`,
      );
    }
    const created = this.#build({
      componentRef: request.componentRef,
      name,
      type: request.type,
    });
    this.environments.set(created.id, created);
    this.#recordStatus(created);
    this.#scripts.set(created.id, [...this.provisioning]);
    return { ...created };
  }

  async getEnvironment(id: string, options?: EnvironmentsRequestOptions) {
    this.#record('getEnvironment', options);
    const environment = await this.#find(id);
    const step = this.#scripts.get(id)?.shift();
    if (step) {
      Object.assign(environment, step);
      this.#recordStatus(environment);
    }
    return { ...environment };
  }

  async deleteEnvironment(id: string, options?: EnvironmentsRequestOptions) {
    this.#record('deleteEnvironment', options);
    const environment = await this.#find(id);
    if (environment.status !== 'deleting' && environment.status !== 'deleted') {
      environment.status = 'deleting';
      this.#recordStatus(environment);
      this.#scripts.set(id, [...this.teardown]);
    }
    return { ...environment };
  }

  async getStatusHistory(id: string, options?: EnvironmentsRequestOptions) {
    this.#record('getStatusHistory', options);
    await this.#find(id);
    return { items: [...(this.#history.get(id) ?? [])] };
  }

  async listTypes(options?: EnvironmentsRequestOptions) {
    this.#record('listTypes', options);
    return { items: this.types };
  }

  async updateEnvironment(): Promise<Environment> {
    throw new Error('FakeEnvironmentsApi does not implement updateEnvironment');
  }

  async extendEnvironment(): Promise<Environment> {
    throw new Error('FakeEnvironmentsApi does not implement extendEnvironment');
  }

  async reconcileEnvironment(): Promise<Environment> {
    throw new Error(
      'FakeEnvironmentsApi does not implement reconcileEnvironment',
    );
  }

  async approveEnvironment(): Promise<Environment> {
    throw new Error(
      'FakeEnvironmentsApi does not implement approveEnvironment',
    );
  }

  async rejectEnvironment(): Promise<Environment> {
    throw new Error('FakeEnvironmentsApi does not implement rejectEnvironment');
  }

  async listEnvironmentApprovals(options?: EnvironmentsRequestOptions) {
    this.#record('listEnvironmentApprovals', options);
    return { items: [] };
  }

  async getAuditTrail(): Promise<never> {
    throw new Error('FakeEnvironmentsApi does not implement getAuditTrail');
  }

  async getConfiguration(
    environmentId: string,
    options?: EnvironmentsRequestOptions,
  ) {
    this.#record('getConfiguration', options);
    const environment = await this.#find(environmentId);
    const current = this.#current(environmentId);
    if (current) {
      const { config, origins, layers } = current;
      return { config, origins, layers };
    }
    return this.#resolve({
      baseline: {},
      component: {},
      override: environment.spec.image ? { image: environment.spec.image } : {},
    });
  }

  async listDeployments(
    environmentId: string,
    page: { limit?: number; pageToken?: string } = {},
    options?: EnvironmentsRequestOptions,
  ) {
    this.#record('listDeployments', options);
    await this.#find(environmentId);
    const all = this.#deploymentsOf(environmentId).reverse();
    const start = page.pageToken ? Number(page.pageToken) : 0;
    const end = start + (page.limit ?? 100);
    return {
      items: all.slice(start, end),
      ...(end < all.length && { nextPageToken: String(end) }),
    };
  }

  async deploy(
    environmentId: string,
    request: DeployRequest,
    options?: EnvironmentsRequestOptions,
  ) {
    this.#record('deploy', options);
    const environment = await this.#live(environmentId);
    const source = request.source ?? 'api';
    if (
      (source === 'ci' || source === 'webhook') &&
      this.pins.has(environmentId)
    ) {
      throw await failure(
        409,
        'PinnedEnvironmentError',
        `Environment '${environmentId}' is pinned by rollback ${this.pins.get(
          environmentId,
        )}; only a deployment made by hand rolls it forward`,
      );
    }
    const current = this.#current(environmentId);
    const override = {
      ...(current?.layers.override ??
        (environment.spec.image ? { image: environment.spec.image } : {})),
    };
    const runningImage = current?.config.image ?? environment.spec.image;
    if (request.image) override.image = request.image;
    if (request.tag) {
      if (!runningImage) {
        throw await failure(
          400,
          'InputError',
          'tag: needs an image to retag: the environment runs none',
        );
      }
      override.image = withImageTag(runningImage, request.tag);
    }
    if (request.replicas === null) delete override.replicas;
    else if (request.replicas !== undefined)
      override.replicas = request.replicas;
    for (const key of ['env', 'secretRefs'] as const) {
      const merged: Record<string, string> = { ...override[key] };
      for (const [name, value] of Object.entries(request[key] ?? {})) {
        if (value === null) delete merged[name];
        else merged[name] = value;
      }
      override[key] = merged;
    }
    const resolved = await this.#resolve({
      baseline: {},
      component: {},
      override,
    });
    if (!source.match(/^(ci|webhook)$/)) this.pins.delete(environmentId);
    return this.#create(environment, {
      kind: 'deploy',
      resolved,
      source,
      message: request.message,
      commit: request.commit,
      createdBy: 'user:default/mock',
    });
  }

  async rollback(
    environmentId: string,
    request: RollbackRequest,
    options?: EnvironmentsRequestOptions,
  ) {
    this.#record('rollback', options);
    const environment = await this.#live(environmentId);
    const target = this.deployments.get(request.deploymentId);
    if (!target || target.environmentId !== environmentId) {
      throw await failure(
        404,
        'NotFoundError',
        `Deployment '${request.deploymentId}' not found in environment '${environmentId}'`,
      );
    }
    const succeeded =
      target.state === 'succeeded' ||
      (target.state === 'superseded' &&
        target.finishedAt !== undefined &&
        target.reason === undefined);
    if (!succeeded) {
      throw await failure(
        409,
        'ConflictError',
        `Deployment '${target.id}' never succeeded: only a deployment that succeeded can be rolled back to`,
      );
    }
    const { config, origins, layers } = target;
    const rollback = this.#create(environment, {
      kind: 'rollback',
      resolved: { config, origins, layers },
      source: request.source ?? 'api',
      message: request.reason,
      rollbackOf: target.id,
      createdBy: 'user:default/mock',
    });
    this.pins.set(environmentId, rollback.id);
    return rollback;
  }

  async promote(
    environmentId: string,
    request: PromoteRequest,
    options?: EnvironmentsRequestOptions,
  ) {
    this.#record('promote', options);
    const environment = await this.#live(environmentId);
    const upstreamName = upstreamOf(DEFAULT_PROMOTION_PATH, environment.name);
    const upstream = [...this.environments.values()].find(
      e =>
        e.componentRef === environment.componentRef &&
        e.name === upstreamName &&
        e.status !== 'deleted',
    );
    const source = request.deploymentId
      ? this.deployments.get(request.deploymentId)
      : upstream && this.#current(upstream.id);
    if (!source || source.environmentId !== upstream?.id) {
      throw await failure(
        400,
        'InputError',
        `deploymentId: must be a deployment of the environment before ${
          environment.name
        } in the promotion path ${DEFAULT_PROMOTION_PATH.join(' → ')}`,
      );
    }
    if (source.state !== 'succeeded') {
      throw await failure(
        409,
        'ConflictError',
        'A version can only be promoted from an environment where it succeeded',
      );
    }
    if (this.pins.has(environmentId)) {
      throw await failure(
        409,
        'PinnedEnvironmentError',
        `Environment '${environmentId}' is pinned by rollback ${this.pins.get(
          environmentId,
        )}; only a deployment made by hand rolls it forward`,
      );
    }
    const current = this.#current(environmentId);
    const resolved = await this.#resolve({
      baseline: {},
      component: source.layers.component,
      override: {
        ...current?.layers.override,
        image: source.config.image,
      },
    });
    return this.#create(environment, {
      kind: 'promotion',
      resolved,
      source: request.source ?? 'api',
      message: request.message,
      promotedFrom: {
        deploymentId: source.id,
        environmentId: source.environmentId,
        environmentName: source.environmentName,
      },
      createdBy: 'user:default/mock',
    });
  }

  async getDeployment(id: string, options?: EnvironmentsRequestOptions) {
    this.#record('getDeployment', options);
    return { ...(await this.#findDeployment(id)) };
  }

  async diffDeployments(
    fromId: string,
    toId: string,
    options?: EnvironmentsRequestOptions,
  ) {
    this.#record('diffDeployments', options);
    const from = await this.#findDeployment(fromId);
    const to = await this.#findDeployment(toId);
    const changes = diffConfigs(from.config, to.config);
    return {
      from: fromId,
      to: toId,
      changes,
      text: formatConfigChanges(changes),
    };
  }

  async approveDeployment(
    id: string,
    decision: ApprovalDecisionRequest,
    options?: EnvironmentsRequestOptions,
  ) {
    this.#record('approveDeployment', options);
    return this.#decide(id, 'approved', decision.comment);
  }

  async rejectDeployment(
    id: string,
    decision: ApprovalDecisionRequest,
    options?: EnvironmentsRequestOptions,
  ) {
    this.#record('rejectDeployment', options);
    return this.#decide(id, 'rejected', decision.comment);
  }

  async listPendingApprovals(options?: EnvironmentsRequestOptions) {
    this.#record('listPendingApprovals', options);
    return {
      items: [...this.deployments.values()].filter(
        d => d.state === 'pending-approval',
      ),
    };
  }

  async getWhatRunsWhere(
    componentRef: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<WhatRunsWhere> {
    this.#record('getWhatRunsWhere', options);
    const path = DEFAULT_PROMOTION_PATH;
    const rank = (name: string) =>
      path.includes(name) ? path.indexOf(name) : path.length;
    const environments = [...this.environments.values()]
      .filter(e => e.componentRef === componentRef && e.status !== 'deleted')
      .sort(
        (a, b) => rank(a.name) - rank(b.name) || (a.name < b.name ? -1 : 1),
      );
    return {
      componentRef,
      promotionPath: path,
      environments: environments.map(environment => {
        const current = this.#current(environment.id);
        const pending = this.#deploymentsOf(environment.id)
          .reverse()
          .find(d => d.state === 'pending-approval');
        const upstreamName = upstreamOf(path, environment.name);
        const upstream = environments.find(e => e.name === upstreamName);
        const upstreamCurrent = upstream && this.#current(upstream.id);
        const pin = this.pins.get(environment.id);
        const pinnedBy = pin ? this.deployments.get(pin) : undefined;
        return {
          environmentId: environment.id,
          environmentName: environment.name,
          type: environment.type,
          ...(current && { current }),
          ...(pending && { pending }),
          ...(pinnedBy && {
            pin: {
              deploymentId: pinnedBy.id,
              reason: pinnedBy.message,
              by: pinnedBy.createdBy,
              at: pinnedBy.createdAt,
            },
          }),
          ...(upstreamName && { upstream: upstreamName }),
          ...(upstreamCurrent?.state === 'succeeded' &&
            upstreamCurrent.config.image !== current?.config.image && {
              promotable: upstreamCurrent,
            }),
        };
      }),
    };
  }

  async ciDeploy(
    request: CiDeployRequest,
    options?: EnvironmentsRequestOptions,
  ) {
    this.#record('ciDeploy', options);
    const environment = [...this.environments.values()].find(
      e =>
        e.componentRef === request.componentRef &&
        e.name === request.environment &&
        e.status !== 'deleted',
    );
    if (!environment) {
      throw await failure(
        404,
        'NotFoundError',
        `Component '${request.componentRef}' has no environment named '${request.environment}'`,
      );
    }
    this.calls.pop();
    return this.deploy(
      environment.id,
      {
        image: request.image,
        commit: request.commit,
        message: request.message,
        source: 'ci',
      },
      options,
    );
  }

  async listSecrets(
    environmentId: string,
    options?: EnvironmentsRequestOptions,
  ) {
    this.#record('listSecrets', options);
    await this.#find(environmentId);
    const items: EnvironmentSecret[] = [
      ...(this.secretValues.get(environmentId)?.keys() ?? []),
    ]
      .sort()
      .map(key => ({ key, updatedAt: FAKE_TIME }));
    return { items };
  }

  async setSecret(
    environmentId: string,
    key: string,
    value: string,
    options?: EnvironmentsRequestOptions,
  ) {
    this.#record('setSecret', options);
    await this.#live(environmentId);
    const secrets = this.secretValues.get(environmentId) ?? new Map();
    secrets.set(key, value);
    this.secretValues.set(environmentId, secrets);
  }

  async deleteSecret(
    environmentId: string,
    key: string,
    options?: EnvironmentsRequestOptions,
  ) {
    this.#record('deleteSecret', options);
    await this.#live(environmentId);
    this.secretValues.get(environmentId)?.delete(key);
  }

  #deploymentsOf(environmentId: string): Deployment[] {
    return [...this.deployments.values()]
      .filter(d => d.environmentId === environmentId)
      .sort((a, b) => a.sequence - b.sequence);
  }

  /** The newest deployment that rolled out, or rolls out now. */
  #current(environmentId: string): Deployment | undefined {
    return this.#deploymentsOf(environmentId)
      .reverse()
      .find(d => ['rolling-out', 'succeeded', 'failed'].includes(d.state));
  }

  async #resolve(layers: Deployment['layers']) {
    const result = resolveDeploymentConfig(layers);
    if (!result.ok) {
      throw await failure(
        400,
        'InputError',
        result.issues.map(i => `${i.field}: ${i.rule}`).join('\n'),
      );
    }
    return result.resolved;
  }

  #create(
    environment: Environment,
    fields: Pick<
      Deployment,
      'kind' | 'source' | 'createdBy' | 'rollbackOf' | 'promotedFrom'
    > & {
      resolved: { config: DeploymentConfig } & Pick<
        Deployment,
        'origins' | 'layers'
      >;
      message?: string;
      commit?: Deployment['commit'];
    },
  ): Deployment {
    const history = this.#deploymentsOf(environment.id);
    const current = this.#current(environment.id);
    const needsApproval = this.typesRequiringApproval.has(environment.type);
    const version = imageVersion(fields.resolved.config.image);
    const deployment: Deployment = {
      id: `deployment-${this.deployments.size + 1}`,
      environmentId: environment.id,
      environmentName: environment.name,
      type: environment.type,
      componentRef: environment.componentRef,
      sequence: history.length + 1,
      kind: fields.kind,
      state: needsApproval ? 'pending-approval' : this.rolloutOutcome,
      version,
      config: fields.resolved.config,
      origins: fields.resolved.origins,
      layers: fields.resolved.layers,
      contentHash: sha256Hex(JSON.stringify(fields.resolved.config)),
      message: fields.message ?? `Deployed ${version}`,
      source: fields.source,
      ...(fields.commit && { commit: fields.commit }),
      ...(fields.rollbackOf && { rollbackOf: fields.rollbackOf }),
      ...(fields.promotedFrom && { promotedFrom: fields.promotedFrom }),
      ...(current && !needsApproval && { replaces: current.id }),
      ...(needsApproval && {
        approval: { groups: ['group:default/admins'], expiresAt: FAKE_TIME },
      }),
      createdBy: fields.createdBy,
      createdAt: FAKE_TIME,
      ...(!needsApproval && { startedAt: FAKE_TIME }),
      ...(!needsApproval &&
        this.rolloutOutcome !== 'rolling-out' && { finishedAt: FAKE_TIME }),
      ...(!needsApproval &&
        this.rolloutOutcome === 'failed' && { reason: 'the rollout failed' }),
      updatedAt: FAKE_TIME,
    };
    if (current && !needsApproval) {
      current.state = fields.kind === 'rollback' ? 'rolled-back' : 'superseded';
    }
    this.deployments.set(deployment.id, deployment);
    return { ...deployment };
  }

  async #decide(
    id: string,
    outcome: 'approved' | 'rejected',
    comment: string,
  ): Promise<Deployment> {
    const deployment = await this.#findDeployment(id);
    if (deployment.state !== 'pending-approval' || !deployment.approval) {
      throw await failure(
        409,
        'ConflictError',
        `Deployment '${id}' is ${deployment.state}, not pending approval`,
      );
    }
    deployment.approval = {
      ...deployment.approval,
      decision: { outcome, by: 'user:default/mock', at: FAKE_TIME, comment },
    };
    if (outcome === 'rejected') {
      deployment.state = 'rejected';
    } else {
      const current = this.#current(deployment.environmentId);
      if (current) {
        current.state =
          deployment.kind === 'rollback' ? 'rolled-back' : 'superseded';
        deployment.replaces = current.id;
      }
      deployment.state = this.rolloutOutcome;
      deployment.startedAt = FAKE_TIME;
      if (this.rolloutOutcome !== 'rolling-out') {
        deployment.finishedAt = FAKE_TIME;
      }
    }
    return { ...deployment };
  }

  async #findDeployment(id: string): Promise<Deployment> {
    const deployment = this.deployments.get(id);
    if (!deployment) {
      throw await failure(404, 'NotFoundError', `Deployment '${id}' not found`);
    }
    return deployment;
  }

  /** An environment that is not being deleted: deployments to it are refused otherwise. */
  async #live(id: string): Promise<Environment> {
    const environment = await this.#find(id);
    if (environment.status === 'deleting' || environment.status === 'deleted') {
      throw await failure(
        409,
        'ConflictError',
        `Environment '${id}' is ${environment.status}: nothing can be deployed to it`,
      );
    }
    return environment;
  }

  #record(method: string, options?: EnvironmentsRequestOptions) {
    this.calls.push({ method, token: options?.token });
  }

  /** Records a transition when the environment entered a status, as the store does. */
  #recordStatus(environment: Environment) {
    const history = this.#history.get(environment.id) ?? [];
    if (history[history.length - 1]?.status !== environment.status) {
      history.push({
        status: environment.status,
        ...(environment.reason !== undefined && { reason: environment.reason }),
        at: environment.updatedAt,
      });
    }
    this.#history.set(environment.id, history);
  }

  async #find(id: string) {
    const environment = this.environments.get(id);
    if (!environment) {
      throw await failure(
        404,
        'NotFoundError',
        `Environment '${id}' not found`,
      );
    }
    return environment;
  }

  #build(
    fields: Partial<Environment> &
      Pick<Environment, 'name' | 'type' | 'componentRef'>,
  ): Environment {
    this.#sequence += 1;
    return {
      id: this.#newId(this.#sequence),
      namespace: environmentNamespace(fields.componentRef, fields.name),
      ownerRef: 'group:default/team-orders',
      status: 'requested',
      conditions: [],
      spec: {
        componentRef: fields.componentRef,
        type: fields.type,
        name: fields.name,
        resources: [],
      },
      version: 1,
      createdBy: 'user:default/mock',
      createdAt: FAKE_TIME,
      updatedAt: FAKE_TIME,
      ...fields,
    };
  }
}
