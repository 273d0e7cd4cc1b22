/* eslint-disable jest/no-export -- not a test file: the backend the deployment flow tests share */
import {
  coreServices,
  createServiceFactory,
  LoggerService,
  RootLoggerService,
} from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import {
  eventually,
  orchestratorKubeConfig,
} from '@internal/cluster-tools/testUtils';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { Knex } from 'knex';
import request from 'supertest';
import { environmentsPlugin } from '../plugin';

/*
 * The whole environments backend as the deployment flow tests drive it: the
 * real plugin on a real database (one of TestDatabases), provisioning into
 * the local cluster as the orchestrator's own ServiceAccount, with the real
 * scheduler, a catalog fake holding the test's components, users whose
 * groups the test names, and a root logger that keeps every line, so that a
 * test can say what was and was not logged. Every answer of the API is kept
 * too, for the same reason.
 */

/** The admin group of these tests: `environments.adminGroups`, the approvers of production. */
export const PLATFORM_TEAM = 'group:default/platform-team';

/** One logged line, with the metadata of its logger's children merged in. */
export type LogLine = {
  level: string;
  message: string;
  meta: Record<string, unknown>;
};

/** Everything of a value, errors and their stacks included, as text to search. */
function asText(value: unknown): string {
  return JSON.stringify(value, (_key, v) => {
    if (v instanceof Error) {
      return { ...v, name: v.name, message: v.message, stack: v.stack };
    }
    if (Buffer.isBuffer(v)) return v.toString('utf8');
    if (v?.type === 'Buffer' && Array.isArray(v.data)) {
      return Buffer.from(v.data).toString('utf8');
    }
    return v;
  });
}

/** A root logger that records every line at every level, children included. */
class RecordingLogger implements RootLoggerService {
  constructor(
    readonly lines: LogLine[],
    private readonly meta: Record<string, unknown> = {},
  ) {}

  private log(level: string, message: string, meta?: Error | object) {
    const line = {
      level,
      message,
      meta: {
        ...this.meta,
        ...(meta instanceof Error ? { error: meta } : meta),
      },
    };
    this.lines.push(line);
    // To see what the backend did when a flow test fails.
    if (process.env.IDP_TEST_LOGS) {
      process.stderr.write(`${asText(line)}\n`);
    }
  }
  error(message: string, meta?: Error | object) {
    this.log('error', message, meta);
  }
  warn(message: string, meta?: Error | object) {
    this.log('warn', message, meta);
  }
  info(message: string, meta?: Error | object) {
    this.log('info', message, meta);
  }
  debug(message: string, meta?: Error | object) {
    this.log('debug', message, meta);
  }
  child(meta: object): LoggerService {
    return new RecordingLogger(this.lines, { ...this.meta, ...meta });
  }
}

/** The orchestrator's own access, as `cluster-tools connect` writes it to app-config. */
function clusterConfig(orchestrator: KubeConfig) {
  const cluster = orchestrator.getCurrentCluster()!;
  return {
    name: 'local',
    url: cluster.server,
    serviceAccountToken: orchestrator.getCurrentUser()!.token,
    ...(cluster.caData && { caData: cluster.caData }),
    ...(cluster.skipTLSVerify && { skipTLSVerify: true }),
  };
}

const baseline = (workload: object) => ({
  quota: { cpu: '4', memory: '8Gi', pods: 20 },
  limits: {
    defaultCpu: '500m',
    defaultMemory: '512Mi',
    defaultRequestCpu: '50m',
    defaultRequestMemory: '64Mi',
  },
  workload,
});

/**
 * The types of the default promotion path, each with its own baseline
 * workload, so that a test can tell which environment's layer a value came
 * from: `TIER` and the replicas differ. Production needs approval.
 */
export const flowTypes = {
  development: {
    description: 'Day to day',
    cluster: 'local',
    baseline: baseline({ replicas: 1, env: { TIER: 'development' } }),
    bounds: { cpu: '4', memory: '8Gi', replicas: 3 },
  },
  staging: {
    description: 'Before production',
    cluster: 'local',
    baseline: baseline({
      replicas: 2,
      env: { TIER: 'staging', LOG_LEVEL: 'info' },
    }),
    bounds: { cpu: '4', memory: '8Gi', replicas: 3 },
  },
  production: {
    description: 'Customers',
    cluster: 'local',
    requiresApproval: true,
    baseline: baseline({ replicas: 1, env: { TIER: 'production' } }),
    bounds: { cpu: '4', memory: '8Gi', replicas: 3 },
  },
};

/** A component with the deployment annotations; `name` must be unique to its test. */
export function flowComponent(
  name: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'environments.idp.dev/image': `registry.local/${name}:1.0.0`,
        'environments.idp.dev/port': '8080',
        ...annotations,
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-flows' },
  };
}

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** An answer of the API, as the tests read it. */
export type Answer = {
  status: number;
  body: any;
  text: string;
  headers: Record<string, string>;
};

export type DeploymentsBackend = Awaited<
  ReturnType<typeof startDeploymentsBackend>
>;

/**
 * Starts the backend. `users` maps each user entity ref to the groups it is
 * a member of (its ownership refs besides itself).
 */
export async function startDeploymentsBackend(options: {
  databases: TestDatabases;
  databaseId: TestDatabaseId;
  admin: KubeConfig;
  components: Entity[];
  users: Record<string, string[]>;
  /** Merged over the `environments` config. */
  environments?: object;
}) {
  const knex: Knex = await options.databases.init(options.databaseId);
  // The notifications backend's, apart: both plugins keep knex_migrations.
  const notificationsKnex: Knex = await options.databases.init(
    options.databaseId,
  );
  const orchestrator = await orchestratorKubeConfig(options.admin);
  const logs: LogLine[] = [];
  const answers: Array<{ method: Method; path: string } & Answer> = [];
  const config = {
    app: { baseUrl: 'http://localhost:3000' },
    environments: {
      clusters: [clusterConfig(orchestrator)],
      adminGroups: [PLATFORM_TEAM],
      reconciler: { pollInterval: { seconds: 2 } },
      types: flowTypes,
      ...options.environments,
    },
  };

  // The notifications backend finds an approver group's members in the catalog.
  const groups = new Map<string, string[]>();
  for (const [user, memberOf] of Object.entries(options.users)) {
    for (const group of memberOf) {
      groups.set(group, [...(groups.get(group) ?? []), user]);
    }
  }
  const groupEntities: Entity[] = [...groups].map(([ref, members]) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: ref.replace(/^group:default\//, ''),
      namespace: 'default',
    },
    spec: { type: 'team', children: [] },
    relations: members.map(targetRef => ({ type: 'hasMember', targetRef })),
  }));

  const backend = await startTestBackend({
    features: [
      environmentsPlugin,
      // Approvals notify through it; its tables are in the database scanned too.
      notificationsPlugin,
      createServiceFactory({
        service: coreServices.database,
        deps: { plugin: coreServices.pluginMetadata },
        factory: ({ plugin }) => ({
          getClient: async () =>
            plugin.getId() === 'environments' ? knex : notificationsKnex,
        }),
      }),
      mockServices.rootConfig.factory({ data: config }),
      createServiceFactory({
        service: coreServices.rootLogger,
        deps: {},
        factory: () => new RecordingLogger(logs),
      }),
      schedulerServiceFactory,
      catalogServiceMock.factory({
        entities: [...options.components, ...groupEntities],
      }),
      createServiceFactory({
        service: coreServices.userInfo,
        deps: {},
        factory: () => ({
          getUserInfo: async credentials => {
            const principal = credentials.principal as {
              userEntityRef?: string;
            };
            const user = principal.userEntityRef ?? 'user:default/unknown';
            return {
              userEntityRef: user,
              ownershipEntityRefs: [user, ...(options.users[user] ?? [])],
            };
          },
        }),
      }),
    ],
  });

  /** Calls the environments API (or another plugin's, by `/api/...`) as `user`; every answer is kept. */
  async function call(
    user: string,
    method: Method,
    path: string,
    body?: object,
  ): Promise<Answer> {
    let test = request(backend.server)
      [method](path.startsWith('/api/') ? path : `/api/environments${path}`)
      .set('Authorization', mockCredentials.user.header(user));
    if (body) test = test.send(body);
    const response = await test;
    const answer: Answer = {
      status: response.status,
      body: response.body,
      text: response.text,
      headers: response.headers as Record<string, string>,
    };
    answers.push({ method, path, ...answer });
    return answer;
  }

  /** Like `call`, but fails with the answer unless it has `status`. */
  async function expectStatus(
    status: number,
    user: string,
    method: Method,
    path: string,
    body?: object,
  ): Promise<any> {
    const answer = await call(user, method, path, body);
    if (answer.status !== status) {
      throw new Error(
        `${method.toUpperCase()} ${path} answered ${
          answer.status
        }, not ${status}: ${answer.text}`,
      );
    }
    return answer.body;
  }

  const created: Array<{ id: string; namespace: string }> = [];

  /**
   * Requests an environment (its type is its name) and waits until it is
   * ready; `approver` approves it when its type makes it wait for approval.
   */
  async function createEnvironment(
    user: string,
    componentRef: string,
    name: keyof typeof flowTypes,
    { approver }: { approver?: string } = {},
  ): Promise<{ id: string; namespace: string }> {
    const environment = await expectStatus(202, user, 'post', '/environments', {
      componentRef,
      type: name,
      name,
    });
    created.push({ id: environment.id, namespace: environment.namespace });
    // A type that requires approval keeps it `requested`, nothing provisioned.
    if (environment.approval && !environment.approval.decision) {
      if (!approver) {
        throw new Error(
          `environment ${name} waits for approval; name an approver`,
        );
      }
      await expectStatus(
        200,
        approver,
        'post',
        `/environments/${environment.id}/approve`,
        { comment: 'Approved by the flow test' },
      );
    }
    await waitForEnvironment(user, environment.id, 'ready');
    return { id: environment.id, namespace: environment.namespace };
  }

  async function waitForEnvironment(user: string, id: string, status: string) {
    let last: any;
    try {
      return await eventually(
        `environment ${id} ${status}`,
        async () => {
          last = await expectStatus(200, user, 'get', `/environments/${id}`);
          if (last.status === 'failed' && status !== 'failed') {
            throw new Error(`failed: ${last.reason}`);
          }
          return last.status === status ? last : undefined;
        },
        90_000,
      );
    } catch (error) {
      throw new Error(`${error}; last seen: ${JSON.stringify(last)}`);
    }
  }

  /** Waits until a deployment is in `state`; fails at once when it ends in another final state. */
  async function waitForDeployment(
    user: string,
    id: string,
    state: string,
    timeoutMs = 60_000,
  ) {
    let last: any;
    const final = ['succeeded', 'failed', 'superseded', 'rolled-back'];
    try {
      return await eventually(
        `deployment ${id} ${state}`,
        async () => {
          last = await expectStatus(200, user, 'get', `/deployments/${id}`);
          if (last.state !== state && final.includes(last.state)) {
            throw new Error(`ended ${last.state}: ${last.reason}`);
          }
          return last.state === state ? last : undefined;
        },
        timeoutMs,
      );
    } catch (error) {
      throw new Error(`${error}; last seen: ${JSON.stringify(last)}`);
    }
  }

  const core = options.admin.makeApiClient(CoreV1Api);
  const apps = options.admin.makeApiClient(AppsV1Api);

  const namespaceExists = (name: string) =>
    core.readNamespace({ name }).then(
      () => true,
      (error: any) => (error.code === 404 ? false : Promise.reject(error)),
    );

  /** The component's Kubernetes Deployment in a namespace, read with the admin kubeconfig. */
  const workload = (namespace: string, name: string) =>
    apps.readNamespacedDeployment({ name, namespace });

  /**
   * Deletes every environment this backend created through the API, waits
   * until each is `deleted`, and returns the namespaces still in the cluster
   * (none, unless a teardown is broken).
   */
  async function deleteEnvironments(user: string): Promise<string[]> {
    for (const { id } of created) {
      await call(user, 'delete', `/environments/${id}`);
    }
    for (const { id } of created) {
      await waitForEnvironment(user, id, 'deleted');
    }
    const left: string[] = [];
    for (const { namespace } of created) {
      if (await namespaceExists(namespace)) left.push(namespace);
    }
    return left;
  }

  /** Every row of every table of this test's databases (the environments' and the notifications'), as text. */
  async function everyRow(): Promise<Array<{ table: string; row: string }>> {
    const rows: Array<{ table: string; row: string }> = [];
    for (const db of [knex, notificationsKnex]) {
      const tables: string[] =
        db.client.config.client === 'pg'
          ? (
              await db('information_schema.tables')
                .select('table_name')
                .whereRaw('table_schema = current_schema()')
            ).map((t: { table_name: string }) => t.table_name)
          : (
              await db('sqlite_master').select('name').where('type', 'table')
            ).map((t: { name: string }) => t.name);
      for (const table of tables) {
        for (const row of await db(table).select()) {
          rows.push({ table, row: asText(row) });
        }
      }
    }
    return rows;
  }

  async function stop() {
    await backend.stop();
  }

  return {
    /** The port the backend listens on, on every interface: for callers outside the test, such as Gitea's webhooks. */
    port: backend.server.port(),
    knex,
    logs,
    answers,
    call,
    expectStatus,
    createEnvironment,
    waitForEnvironment,
    waitForDeployment,
    deleteEnvironments,
    namespaceExists,
    workload,
    core,
    everyRow,
    /** A log line as text, every field of its metadata included. */
    logText: (line: LogLine) => asText(line),
    stop,
  };
}

/** Removes whatever a failed test left of a component's environments in the cluster. */
export async function removeLeftovers(admin: KubeConfig, components: string[]) {
  const core = admin.makeApiClient(CoreV1Api);
  for (const component of components) {
    const left = await core.listNamespace({
      labelSelector: `environments.idp.dev/component=${component}`,
    });
    await Promise.all(
      left.items.map(ns =>
        core
          .deleteNamespace({ name: ns.metadata!.name! })
          .catch(() => undefined),
      ),
    );
  }
}
