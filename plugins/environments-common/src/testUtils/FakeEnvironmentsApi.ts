import { ResponseError } from '@backstage/errors';
import {
  EnvironmentsApi,
  EnvironmentsRequestOptions,
  EnvironmentTypeDescription,
  ListEnvironmentsFilter,
} from '../client';
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

  async getAuditTrail(): Promise<never> {
    throw new Error('FakeEnvironmentsApi does not implement getAuditTrail');
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
