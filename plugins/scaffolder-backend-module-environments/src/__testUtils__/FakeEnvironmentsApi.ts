import { ResponseError } from '@backstage/errors';
import {
  Environment,
  EnvironmentRequest,
  EnvironmentsApi,
  EnvironmentsRequestOptions,
  EnvironmentTypeDescription,
  environmentNamespace,
  ListEnvironmentsFilter,
} from '@internal/backstage-plugin-environments-common';

const baseline = {
  quota: { cpu: '2', memory: '4Gi' },
  limits: {
    defaultCpu: '500m',
    defaultMemory: '512Mi',
    defaultRequestCpu: '100m',
    defaultRequestMemory: '128Mi',
  },
};

/** The types the fake backend offers, as `GET /types` describes them. */
export const environmentTypes: EnvironmentTypeDescription[] = [
  {
    name: 'development',
    description: 'Day-to-day work',
    cluster: 'local',
    ephemeral: false,
    requiresApproval: false,
    baseline,
    bounds: { cpu: '4', memory: '8Gi' },
    allowed: true,
  },
  {
    name: 'preview',
    description: 'Short-lived',
    cluster: 'local',
    ephemeral: true,
    ttl: { default: '4h', max: '3d' },
    requiresApproval: false,
    baseline,
    bounds: { cpu: '2', memory: '4Gi' },
    allowed: true,
  },
  {
    name: 'staging',
    description: 'Release candidates',
    cluster: 'local',
    ephemeral: false,
    requiresApproval: false,
    baseline,
    bounds: { cpu: '8', memory: '16Gi' },
    allowed: true,
  },
];

/** One change the fake applies to an environment each time it is read. */
export type Step = Partial<
  Pick<Environment, 'status' | 'reason' | 'conditions'>
>;

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
 * The environments backend in memory, with the API's behaviour where the
 * actions depend on it: 404 for components it cannot see yet and for unknown
 * ids, 409 for a taken name, idempotent deletes, deleted environments left
 * out of listings. Each read of an environment moves it one step along its
 * script, so that tests decide how it progresses.
 */
export class FakeEnvironmentsApi implements EnvironmentsApi {
  readonly environments = new Map<string, Environment>();
  /** Every call, with the token it carried. */
  readonly calls: { method: string; token?: string }[] = [];
  /** What a new environment goes through, one step per read. */
  provisioning: Step[] = [
    { status: 'requested' },
    { status: 'provisioning' },
    { status: 'ready' },
  ];
  /** What a deleted environment goes through, one step per read. */
  teardown: Step[] = [{ status: 'deleting' }, { status: 'deleted' }];
  /** How many create calls answer 404 before the component is found. */
  componentHiddenFor = 0;

  readonly #scripts = new Map<string, Step[]>();
  #nextId = 1;

  callsTo(method: string) {
    return this.calls.filter(call => call.method === method);
  }

  /** Sets what an environment goes through from now on, one step per read. */
  progress(id: string, steps: Step[]) {
    this.#scripts.set(id, [...steps]);
  }

  /** Adds an environment as if an earlier request had created it. */
  add(environment: Partial<Environment> & Pick<Environment, 'name' | 'type'>) {
    const added = this.#build({
      componentRef: 'component:default/orders-service',
      ...environment,
    });
    this.environments.set(added.id, added);
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
          (!filter.componentRef || e.componentRef === filter.componentRef),
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
    this.#scripts.set(created.id, [...this.provisioning]);
    return created;
  }

  async getEnvironment(id: string, options?: EnvironmentsRequestOptions) {
    this.#record('getEnvironment', options);
    const environment = await this.#find(id);
    const step = this.#scripts.get(id)?.shift();
    if (step) {
      Object.assign(environment, step);
    }
    return { ...environment };
  }

  async deleteEnvironment(id: string, options?: EnvironmentsRequestOptions) {
    this.#record('deleteEnvironment', options);
    const environment = await this.#find(id);
    if (environment.status !== 'deleting' && environment.status !== 'deleted') {
      environment.status = 'deleting';
      this.#scripts.set(id, [...this.teardown]);
    }
    return { ...environment };
  }

  async listTypes(options?: EnvironmentsRequestOptions) {
    this.#record('listTypes', options);
    return { items: environmentTypes };
  }

  async updateEnvironment(): Promise<Environment> {
    throw new Error('not used by the actions');
  }

  async extendEnvironment(): Promise<Environment> {
    throw new Error('not used by the actions');
  }

  async getAuditTrail(): Promise<never> {
    throw new Error('not used by the actions');
  }

  #record(method: string, options?: EnvironmentsRequestOptions) {
    this.calls.push({ method, token: options?.token });
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
    const componentName = fields.componentRef.split('/').pop()!;
    return {
      id: `env-${this.#nextId++}`,
      namespace: environmentNamespace(componentName, fields.name),
      ownerRef: 'group:default/team-orders',
      status: 'requested',
      conditions: [],
      spec: {
        componentRef: fields.componentRef,
        type: fields.type,
        name: fields.name,
        resources: [],
      },
      createdBy: 'user:default/mock',
      createdAt: '2026-11-21T09:00:00.000Z',
      updatedAt: '2026-11-21T09:00:00.000Z',
      ...fields,
    };
  }
}
