import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  ApplyCounter,
  describeWithCluster,
  eventually,
  orchestratorKubeConfig,
  startApplyCounter,
} from '@internal/cluster-tools/testUtils';
import { CoreV1Api } from '@kubernetes/client-node';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import environmentsModulePostgresql from '@internal/backstage-plugin-environments-backend-module-postgresql';
import { environmentsPlugin } from './plugin';
import {
  ApiServerGate,
  startApiServerGate,
} from './__testUtils__/apiServerGate';
import { SeededRandom, seededRandom } from './__testUtils__/seededRandom';

// Faults on purpose: a backend killed while it works holds its job leases until
// they expire (60 s), so convergence takes a minute or so after the last kill.
jest.setTimeout(240_000);

const USER = 'user:default/carol.diaz';
const COMPONENT = 'faults-api';
const ENVIRONMENTS = 12;
const KILLS = 3;
const PAUSE_MS = 7_000;
const MANAGED_BY = 'app.kubernetes.io/managed-by=idp-environments';

const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: COMPONENT,
    namespace: 'default',
    annotations: {
      'environments.idp.dev/image': 'registry.local/faults-api:1.0.0',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'storefront-team' },
};
const baseline = {
  quota: { cpu: '2', memory: '4Gi', pods: 20 },
  limits: {
    defaultCpu: '500m',
    defaultMemory: '512Mi',
    defaultRequestCpu: '100m',
    defaultRequestMemory: '128Mi',
  },
};

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** What the test asked of one environment, in order; the last intent wins. */
type Intent = {
  name: string;
  id: string;
  namespace: string;
  deleted: boolean;
  /** The memory of the last accepted change, if any. */
  memory?: string;
  /** Accepted spec changes, the request included: how often an object may be applied. */
  generations: number;
};

type Step =
  | { kind: 'create'; env: number; resources: boolean }
  | { kind: 'patch'; env: number; memory: string }
  | { kind: 'delete'; env: number };

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

describeWithCluster('environments under faults', kc => {
  let knex: Knex;
  let counter: ApplyCounter;
  // Between every backend and the API server: the outage the test causes.
  let outage: ApiServerGate;
  let cluster: { name: string; url: string; serviceAccountToken?: string };
  const replicas: Replica[] = [];
  const dead: Replica[] = [];

  type Call = (
    method: 'get' | 'post' | 'patch' | 'delete',
    path: string,
    body?: object,
  ) => request.Test;
  type Replica = {
    name: string;
    backend: { server: Parameters<typeof request>[0]; stop(): Promise<void> };
    call: Call;
    gate: ApiServerGate;
    db: Knex;
  };

  beforeAll(async () => {
    const orchestrator = await orchestratorKubeConfig(kc());
    const current = orchestrator.getCurrentCluster()!;
    counter = await startApplyCounter({
      url: current.server,
      caData: current.caData,
      skipTLSVerify: current.skipTLSVerify,
    });
    outage = await startApiServerGate(counter.url);
    cluster = {
      name: 'local',
      url: outage.url,
      serviceAccountToken: orchestrator.getCurrentUser()!.token,
    };
    knex = await databases.init('POSTGRES_15');
  });

  afterAll(async () => {
    // The killed backends only need their timers stopped; their database and
    // cluster connections are gone already.
    await Promise.all(
      [...replicas, ...dead].map(r =>
        Promise.race([r.backend.stop().catch(() => undefined), sleep(10_000)]),
      ),
    );
    await outage?.close();
    await counter?.close();
    // A failed run must not leave namespaces that clash with the next one.
    const core = kc().makeApiClient(CoreV1Api);
    const left = await core.listNamespace({
      labelSelector: `environments.idp.dev/component=${COMPONENT}`,
    });
    await Promise.all(
      left.items.map(ns =>
        core
          .deleteNamespace({ name: ns.metadata!.name! })
          .catch(() => undefined),
      ),
    );
  });

  /** A connection of its own to the test's database, named so that it can be cut. */
  function databaseConnection(applicationName: string): Knex {
    const connection = knex.client.config.connection;
    // Once cut, its pool's complaints are the fault itself, not news.
    const quiet = () => {};
    return knexFactory({
      log: { warn: quiet, error: quiet, debug: quiet, deprecate: quiet },
      client: 'pg',
      connection:
        typeof connection === 'string'
          ? { connectionString: connection, application_name: applicationName }
          : { ...connection, application_name: applicationName },
      pool: { min: 0, max: 10 },
    });
  }

  async function startReplica(): Promise<Replica> {
    const name = `faults-backend-${replicas.length + dead.length}-${
      process.pid
    }`;
    // Its own way to the API server and the database, which a kill cuts.
    const gate = await startApiServerGate(outage.url);
    const db = databaseConnection(name);
    const backend = await startTestBackend({
      features: [
        environmentsPlugin,
        environmentsModulePostgresql,
        mockServices.database.factory({ knex: db }),
        mockServices.rootConfig.factory({
          data: {
            environments: {
              clusters: [{ ...cluster, url: gate.url, skipTLSVerify: true }],
              // Picks up the jobs of a killed backend soon after their leases expire.
              reconciler: { pollInterval: { seconds: 2 } },
              types: {
                development: {
                  description: 'Day to day',
                  cluster: 'local',
                  baseline,
                  bounds: { cpu: '4', memory: '8Gi' },
                },
              },
            },
          },
        }),
        schedulerServiceFactory,
        catalogServiceMock.factory({ entities: [component] }),
        createServiceFactory({
          service: coreServices.userInfo,
          deps: {},
          factory: () => ({
            getUserInfo: async () => ({
              userEntityRef: USER,
              ownershipEntityRefs: [USER, 'group:default/storefront-team'],
            }),
          }),
        }),
      ],
    });
    const call: Call = (method, path, body) => {
      const test = request(backend.server)
        [method](`/api/environments${path}`)
        .set('Authorization', mockCredentials.user.header(USER));
      return body ? test.send(body) : test;
    };
    const replica = { name, backend, call, gate, db };
    replicas.push(replica);
    return replica;
  }

  /**
   * As SIGKILL would: at once, its connections to the API server and the
   * database end (what was sent has been sent), and it writes nothing more.
   * It is not stopped, so no shutdown hook waits for its jobs.
   */
  async function kill(replica: Replica): Promise<number> {
    const running = await knex('environment_jobs')
      .where({ state: 'running' })
      .count({ count: '*' });
    replicas.splice(replicas.indexOf(replica), 1);
    dead.push(replica);
    await replica.gate.close();
    const destroyed = replica.db.destroy().catch(() => undefined);
    await knex.raw(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ?',
      [replica.name],
    );
    await destroyed;
    return Number(running[0].count);
  }

  /** How many environments are in each status, e.g. `provisioning 3, ready 2`. */
  async function statusCounts(): Promise<string> {
    const { rows } = await knex.raw<{
      rows: Array<{ status: string; count: string }>;
    }>(
      'SELECT status, count(*) AS count FROM environments GROUP BY status ORDER BY status',
    );
    return rows.map(row => `${row.status} ${row.count}`).join(', ');
  }

  /** The burst: a fate per environment, then a few later changes and deletes. */
  function burst(random: SeededRandom): Step[] {
    const steps: Step[] = [];
    // Among them at least one deleted at once, before anything was provisioned.
    const immediateDelete = random.int(0, ENVIRONMENTS - 1);
    const kept: number[] = [];
    for (let env = 0; env < ENVIRONMENTS; env++) {
      steps.push({ kind: 'create', env, resources: random.next() < 0.25 });
      const r = env === immediateDelete ? 0 : random.next();
      if (r >= 0.15 && r < 0.6) {
        steps.push({ kind: 'patch', env, memory: '1Gi' });
      }
      if (r < 0.3) {
        steps.push({ kind: 'delete', env });
      } else {
        kept.push(env);
      }
    }
    const [changed, ...deleted] = random
      .distinct(3, 0, kept.length - 1)
      .map(i => kept[i]);
    steps.push({ kind: 'patch', env: changed, memory: '2Gi' });
    for (const env of deleted) steps.push({ kind: 'delete', env });
    return steps;
  }

  /** Sends one step of the burst, and records its intent. */
  async function send(call: Call, step: Step, intents: Intent[]) {
    const intent = intents[step.env];
    let response: request.Response;
    if (step.kind === 'create') {
      response = await call('post', '/environments', {
        componentRef: `component:${COMPONENT}`,
        type: 'development',
        name: `fault-${step.env}`,
        ...(step.resources && {
          resources: [{ type: 'postgresql', name: 'db' }],
        }),
      });
      intents[step.env] = {
        name: `fault-${step.env}`,
        id: response.body.id,
        namespace: response.body.namespace,
        deleted: false,
        generations: 1,
      };
    } else if (step.kind === 'patch') {
      response = await call('patch', `/environments/${intent.id}`, {
        overrides: { memory: step.memory },
      });
      intent.memory = step.memory;
      intent.generations += 1;
    } else {
      response = await call('delete', `/environments/${intent.id}`);
      intent.deleted = true;
    }
    if (response.status !== 202) {
      throw new Error(
        `${step.kind} fault-${step.env} answered ${
          response.status
        }: ${JSON.stringify(response.body)}`,
      );
    }
  }

  /** Waits until the environment is as its last intent says, its latest spec converged. */
  async function converged(call: Call, intent: Intent): Promise<void> {
    const want = intent.deleted ? 'deleted' : 'ready';
    let last: unknown;
    try {
      await eventually(
        `${intent.name} ${want}`,
        async () => {
          const environment = (await call('get', `/environments/${intent.id}`))
            .body;
          last = environment;
          if (environment.status !== want) return undefined;
          const row = await knex('environments').where('id', intent.id).first();
          return intent.deleted || row.observed_generation === row.generation
            ? true
            : undefined;
        },
        180_000,
      );
    } catch (error) {
      throw new Error(`${error}; last seen: ${JSON.stringify(last)}`);
    }
  }

  /** What is wrong with an environment's objects in the cluster, if anything. */
  async function objectProblems(intent: Intent): Promise<string[]> {
    const core = kc().makeApiClient(CoreV1Api);
    const selector = `environments.idp.dev/id=${intent.id}`;
    const namespaces = (await core.listNamespace({ labelSelector: selector }))
      .items;
    if (intent.deleted) {
      return namespaces.map(
        ns => `${intent.name}: namespace ${ns.metadata?.name} left`,
      );
    }
    if (namespaces.length !== 1) {
      return [`${intent.name}: ${namespaces.length} namespaces`];
    }
    const namespace = intent.namespace;
    const problems: string[] = [];
    const quotas = await core.listNamespacedResourceQuota({
      namespace,
      labelSelector: selector,
    });
    const memory = intent.memory ?? baseline.quota.memory;
    if (!quotas.items.some(q => q.spec?.hard?.['limits.memory'] === memory)) {
      problems.push(`${intent.name}: no quota of ${memory}`);
    }
    const services = await core.listNamespacedService({
      namespace,
      labelSelector: selector,
    });
    if (services.items.length === 0) {
      problems.push(`${intent.name}: no Service`);
    }
    return problems;
  }

  it('converges after backends are killed and the API server paused during a burst', async () => {
    const random = seededRandom(
      Number(process.env.IDP_FAULTS_SEED ?? Date.now() % 2 ** 31),
    );
    const log: string[] = [`seed ${random.seed} (IDP_FAULTS_SEED)`];
    const startedAt = Date.now();
    const elapsed = () => `${((Date.now() - startedAt) / 1000).toFixed(1)} s`;
    const steps = burst(random);
    // The faults, at random points of the burst: the API server paused during
    // the requests (while the first are provisioning), kills after random steps.
    const pauseAt = random.int(3, ENVIRONMENTS);
    const killsAfter = random.distinct(KILLS, 1, steps.length - 1);
    const pause = async () => {
      log.push(
        `${elapsed()}: API server paused for ${PAUSE_MS} ms (${await statusCounts()})`,
      );
      outage.pause();
      await sleep(PAUSE_MS);
      outage.resume();
      log.push(`${elapsed()}: API server resumed`);
    };

    const intents: Intent[] = [];
    let current = await startReplica();
    let pauseEnds: Promise<void> = Promise.resolve();
    for (const [index, step] of steps.entries()) {
      if (index === pauseAt) {
        pauseEnds = pause();
      }
      await send(current.call, step, intents);
      if (killsAfter.includes(index)) {
        // Not in the middle of the outage: a new backend's watches would wait it out.
        await pauseEnds;
        await sleep(random.int(0, 1500));
        const victim = current.name;
        const running = await kill(current);
        log.push(
          `${elapsed()}: killed ${victim} after step ${index + 1}/${
            steps.length
          } (${step.kind} fault-${step.env}), ${running} jobs running`,
        );
        current = await startReplica();
      } else {
        await sleep(random.int(0, 200));
      }
    }
    await pauseEnds;
    const burstDone = Date.now();
    log.push(`${elapsed()}: burst of ${steps.length} requests done`);

    try {
      for (const intent of intents) {
        await converged(current.call, intent);
      }
    } finally {
      // eslint-disable-next-line no-console
      console.log(`Faults injected:\n  ${log.join('\n  ')}`);
    }
    const ready = intents.filter(i => !i.deleted);
    // eslint-disable-next-line no-console
    console.log(
      `Converged ${((Date.now() - burstDone) / 1000).toFixed(
        1,
      )} s after the burst: ${ready.length} ready, ${
        intents.length - ready.length
      } deleted`,
    );

    // No namespace of this test's environments without a live environment.
    const live = new Set(ready.map(i => i.id));
    const ours = new Set(intents.map(i => i.id));
    const namespaces = await kc()
      .makeApiClient(CoreV1Api)
      .listNamespace({
        labelSelector: `${MANAGED_BY},environments.idp.dev/component=${COMPONENT}`,
      });
    const orphans = namespaces.items
      .map(ns => ({
        name: ns.metadata!.name!,
        id: ns.metadata!.labels?.['environments.idp.dev/id'] ?? '',
      }))
      .filter(ns => ours.has(ns.id) && !live.has(ns.id));
    expect(orphans).toEqual([]);
    // Each live environment's objects exist, with its latest change; none of a deleted one.
    const problems = (await Promise.all(intents.map(objectProblems))).flat();
    expect(problems).toEqual([]);

    // No object applied more often than its environment's spec changed, nor
    // twice with the same content: a job run again after a kill, or retried
    // after the outage, finds what it applied before and writes nothing. An
    // apply the API server refused (a retry after it is fine) applied nothing.
    const accepted = intents.flatMap(intent =>
      Object.entries(counter.contentsIn(intent.namespace)).map(
        ([path, all]) => ({
          intent,
          path,
          digests: all.filter(a => a.status < 300).map(a => a.digest),
        }),
      ),
    );
    const refused = intents.flatMap(intent =>
      Object.entries(counter.contentsIn(intent.namespace)).flatMap(
        ([path, all]) =>
          all
            .filter(a => a.status >= 300)
            .map(a => `${path}: ${a.status} ${a.message ?? ''}`),
      ),
    );
    const overApplied = accepted
      .filter(a => a.digests.length > a.intent.generations)
      .map(a => `${a.path}: ${a.digests.length} applies`);
    const reapplied = accepted
      .filter(a => new Set(a.digests).size < a.digests.length)
      .map(a => `${a.path}: ${a.digests.length} applies`);
    const applies = accepted.map(a => a.digests.length);
    // eslint-disable-next-line no-console
    console.log(
      `${applies.reduce((a, b) => a + b, 0)} server-side applies to ${
        applies.length
      } objects (and ${refused.length} refused${
        refused.length ? `: ${refused.slice(0, 5).join('; ')}` : ''
      }); ${overApplied.length} applied more often than their spec changed, ${
        reapplied.length
      } twice with the same content`,
    );
    expect(applies.length).toBeGreaterThan(0);
    expect(overApplied).toEqual([]);
    expect(reapplied).toEqual([]);
  });
});
