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
  describeWithCluster,
  eventually,
  orchestratorKubeConfig,
  startApplyCounter,
} from '@internal/cluster-tools/testUtils';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { Knex } from 'knex';
import request from 'supertest';
import environmentsModulePostgresql from '@internal/backstage-plugin-environments-backend-module-postgresql';
import { environmentsPlugin } from './plugin';

jest.setTimeout(180_000);

const USER = 'user:default/carol.diaz';
const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout-api',
    namespace: 'default',
    annotations: {
      'environments.idp.dev/image': 'registry.local/checkout-api:1.2.3',
      'environments.idp.dev/replicas': '2',
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

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

describeWithCluster('environments against the local control plane', kc => {
  let knex: Knex;
  let config: object;
  // The cluster entry of `config`, by reference: a test may point it elsewhere.
  let cluster: ReturnType<typeof clusterConfig>;
  const backends: Array<{ stop(): Promise<void> }> = [];

  beforeAll(async () => {
    const orchestrator = await orchestratorKubeConfig(kc());
    cluster = clusterConfig(orchestrator);
    config = {
      environments: {
        clusters: [cluster],
        expiry: { frequency: { seconds: 1 } },
        types: {
          development: {
            description: 'Day to day',
            cluster: 'local',
            baseline,
            bounds: { cpu: '4', memory: '8Gi' },
          },
          preview: {
            description: 'Short-lived',
            cluster: 'local',
            ephemeral: true,
            ttl: { default: '4h', max: '3d' },
            baseline,
            bounds: { cpu: '2', memory: '4Gi' },
          },
        },
      },
    };
  });

  beforeEach(async () => {
    knex = await databases.init('POSTGRES_15');
  });

  afterEach(async () => {
    await Promise.all(backends.splice(0).map(b => b.stop()));
  });

  afterAll(async () => {
    // A failed test must not leave namespaces that clash with the next run.
    const core = kc().makeApiClient(CoreV1Api);
    const left = await core.listNamespace({
      labelSelector: 'environments.idp.dev/component=checkout-api',
    });
    await Promise.all(
      left.items.map(ns =>
        core
          .deleteNamespace({ name: ns.metadata!.name! })
          .catch(() => undefined),
      ),
    );
  });

  async function startReplica() {
    const backend = await startTestBackend({
      features: [
        environmentsPlugin,
        environmentsModulePostgresql,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({ data: config }),
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
    backends.push(backend);
    const call = (
      method: 'get' | 'post' | 'delete',
      path: string,
      body?: object,
    ) => {
      const test = request(backend.server)
        [method](`/api/environments${path}`)
        .set('Authorization', mockCredentials.user.header(USER));
      return body ? test.send(body) : test;
    };
    return { backend, call };
  }

  type Call = Awaited<ReturnType<typeof startReplica>>['call'];

  const statusOf = async (call: Call, id: string) =>
    (await call('get', `/environments/${id}`)).body;

  const until = async (
    call: Call,
    id: string,
    status: string,
    timeoutMs = 60_000,
  ) => {
    let last: unknown;
    try {
      return await eventually(
        `environment ${id} ${status}`,
        async () => {
          const environment = await statusOf(call, id);
          last = environment;
          if (environment.status === 'failed') {
            throw new Error(`failed: ${environment.reason}`);
          }
          return environment.status === status ? environment : undefined;
        },
        timeoutMs,
      );
    } catch (error) {
      throw new Error(`${error}; last seen: ${JSON.stringify(last)}`);
    }
  };

  const namespaceExists = async (name: string) =>
    kc()
      .makeApiClient(CoreV1Api)
      .readNamespace({ name })
      .then(
        () => true,
        (error: any) => (error.code === 404 ? false : Promise.reject(error)),
      );

  it('provisions a requested environment to ready, labelled, with running pods, and tears it down completely', async () => {
    const { call } = await startReplica();
    const requestedAt = Date.now();
    const created = await call('post', '/environments', {
      componentRef: 'component:checkout-api',
      type: 'development',
      name: 'it-ready',
      resources: [{ type: 'postgresql', name: 'checkout-db' }],
    });
    expect(created.status).toBe(202);
    const { id, namespace } = created.body;

    const ready = await until(call, id, 'ready');
    // eslint-disable-next-line no-console
    console.log(`request → ready: ${Date.now() - requestedAt} ms`);
    expect(ready.conditions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'Deployment',
          name: 'checkout-api',
          status: 'ready',
        }),
        expect.objectContaining({
          kind: 'StatefulSet',
          name: 'checkout-db',
          status: 'ready',
        }),
      ]),
    );

    const core = kc().makeApiClient(CoreV1Api);
    const apps = kc().makeApiClient(AppsV1Api);
    const selector = `environments.idp.dev/id=${id}`;
    const ns = await core.readNamespace({ name: namespace });
    expect(ns.metadata?.labels).toMatchObject({
      'environments.idp.dev/id': id,
      'app.kubernetes.io/managed-by': 'idp-environments',
    });
    for (const list of [
      core.listNamespacedResourceQuota({ namespace, labelSelector: selector }),
      core.listNamespacedLimitRange({ namespace, labelSelector: selector }),
      core.listNamespacedServiceAccount({ namespace, labelSelector: selector }),
      core.listNamespacedSecret({ namespace, labelSelector: selector }),
      core.listNamespacedService({ namespace, labelSelector: selector }),
      core.listNamespacedConfigMap({ namespace, labelSelector: selector }),
    ]) {
      expect((await list).items.length).toBeGreaterThan(0);
    }
    const deployment = await apps.readNamespacedDeployment({
      name: 'checkout-api',
      namespace,
    });
    expect(deployment.spec?.replicas).toBe(2);
    expect(deployment.spec?.template.spec?.containers[0].image).toBe(
      'registry.local/checkout-api:1.2.3',
    );
    const pods = await core.listNamespacedPod({
      namespace,
      labelSelector: selector,
    });
    expect(pods.items.map(p => p.status?.phase)).toEqual([
      'Running',
      'Running',
      'Running',
    ]);

    expect((await call('delete', `/environments/${id}`)).status).toBe(202);
    await eventually('environment deleted', async () =>
      (await statusOf(call, id)).status === 'deleted' ? true : undefined,
    );
    expect(await namespaceExists(namespace)).toBe(false);
    const audit = (await call('get', `/environments/${id}/audit`)).body.items;
    expect(
      audit.map(
        (e: { action: string; outcome: string; actor: string }) =>
          `${e.action} ${e.outcome} by ${e.actor}`,
      ),
    ).toEqual([
      `create succeeded by ${USER}`,
      'provision succeeded by system:environments-reconciler',
      `delete initiated by ${USER}`,
      'delete succeeded by system:environments-reconciler',
    ]);
  });

  it('resumes provisioning after the backend is stopped mid-way, in a new backend', async () => {
    const first = await startReplica();
    const created = await first.call('post', '/environments', {
      componentRef: 'component:checkout-api',
      type: 'development',
      name: 'it-restart',
    });
    const { id, namespace } = created.body;
    // Stopped before the environment is ready: what is stored must carry on.
    await first.backend.stop();
    backends.splice(backends.indexOf(first.backend), 1);

    const second = await startReplica();
    await until(second.call, id, 'ready');
    expect(await namespaceExists(namespace)).toBe(true);

    await second.call('delete', `/environments/${id}`);
    await until(second.call, id, 'deleted');
  });

  it('runs each job once with two replicas on one database', async () => {
    // Both replicas reach the cluster through a counter of server-side applies: a job
    // that ran twice would apply its objects twice, which no failure count shows.
    const counter = await startApplyCounter(cluster);
    backends.push({ stop: () => counter.close() });
    const direct = { ...cluster };
    // Plain HTTP to the counter, which verifies the API server's certificate itself.
    Object.assign(cluster, { url: counter.url, skipTLSVerify: true });
    const one = await startReplica();
    const two = await startReplica();
    delete cluster.skipTLSVerify;
    Object.assign(cluster, direct);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const replica = i % 2 ? one : two;
      const created = await replica.call('post', '/environments', {
        componentRef: 'component:checkout-api',
        type: 'development',
        name: `it-replicas-${i}`,
      });
      expect(created.status).toBe(202);
      ids.push(created.body.id);
    }
    for (const id of ids) {
      await until(one.call, id, 'ready');
    }
    for (const id of ids) {
      const jobs = await knex('environment_jobs').where('environment_id', id);
      expect(jobs.every(job => job.attempts === 0)).toBe(true);
      const provisions = await knex('environment_audit').where({
        environment_id: id,
        action: 'provision',
      });
      expect(provisions).toHaveLength(1);
    }
    const namespaces = await Promise.all(
      ids.map(async id => (await statusOf(one.call, id)).namespace),
    );
    const applies = namespaces.map(namespace => counter.appliesIn(namespace));
    const once = (paths: string[]) =>
      Object.fromEntries(paths.map(path => [path, 1]));
    namespaces.forEach((namespace, i) => {
      const applied = Object.keys(applies[i]);
      // Namespace, baseline, access and workload: each applied once, and read once
      // (a job that ran again after the first would find them as wanted, and read them).
      expect(applied.length).toBeGreaterThan(3);
      expect(applies[i]).toEqual(once(applied));
      const reads = counter.readsIn(namespace);
      expect(
        Object.fromEntries(applied.map(path => [path, reads[path]])),
      ).toEqual(once(applied));
      // Every environment is the same request: the same objects.
      expect(applied.length).toBe(Object.keys(applies[0]).length);
    });
    await Promise.all(ids.map(id => two.call('delete', `/environments/${id}`)));
    for (const id of ids) {
      await until(one.call, id, 'deleted');
    }
  });

  it('leaves no namespace and no pod of an environment deleted right after it was requested or changed', async () => {
    const one = await startReplica();
    const two = await startReplica();
    const core = kc().makeApiClient(CoreV1Api);
    const ids: string[] = [];
    const namespaces: string[] = [];
    const cases = [
      { changed: false, whileApplying: false },
      { changed: true, whileApplying: false },
      { changed: false, whileApplying: true },
      { changed: true, whileApplying: true },
    ];
    // And a burst, created and deleted at once, as a script would.
    const burst = await Promise.all(
      [0, 1, 2, 3, 4, 5].map(i =>
        one.call('post', '/environments', {
          componentRef: 'component:checkout-api',
          type: 'development',
          name: `it-fence-burst-${i}`,
        }),
      ),
    );
    await Promise.all(
      burst.map(created => {
        expect(created.status).toBe(202);
        ids.push(created.body.id);
        namespaces.push(created.body.namespace);
        return two.call('delete', `/environments/${created.body.id}`);
      }),
    );
    for (const [i, { changed, whileApplying }] of cases.entries()) {
      const created = await one.call('post', '/environments', {
        componentRef: 'component:checkout-api',
        type: 'development',
        name: `it-fence-${i}`,
      });
      expect(created.status).toBe(202);
      const { id, namespace } = created.body;
      ids.push(id);
      namespaces.push(namespace);
      const patched =
        changed &&
        (await request(two.backend.server)
          .patch(`/api/environments/environments/${id}`)
          .set('Authorization', mockCredentials.user.header(USER))
          .send({ overrides: { memory: '1Gi' } }));
      expect(patched ? patched.status : 'not changed').toBe(
        changed ? 202 : 'not changed',
      );
      if (whileApplying) {
        // Its reconcile has begun writing to the cluster.
        const deadline = Date.now() + 10_000;
        while (
          (await statusOf(one.call, id)).status === 'requested' &&
          Date.now() < deadline
        ) {
          await new Promise(resolve => setTimeout(resolve, 10));
        }
      }
      // At once, while a replica may be applying: a terminal intent.
      expect((await two.call('delete', `/environments/${id}`)).status).toBe(
        202,
      );
      // A reconcile asked for now only finishes the teardown.
      const reconciled = await one.call(
        'post',
        `/environments/${id}/reconcile`,
      );
      expect(reconciled.status).toBe(202);
      expect(reconciled.body.status).toBe('deleting');
    }
    for (const id of ids) {
      await until(one.call, id, 'deleted', 120_000);
    }
    // Longer than any apply that could still be under way.
    await new Promise(resolve => setTimeout(resolve, 5_000));
    for (const [i, namespace] of namespaces.entries()) {
      expect(await namespaceExists(namespace)).toBe(false);
      const selector = `environments.idp.dev/id=${ids[i]}`;
      expect(
        (await core.listNamespace({ labelSelector: selector })).items,
      ).toEqual([]);
      expect(
        (await core.listPodForAllNamespaces({ labelSelector: selector })).items,
      ).toEqual([]);
    }
  });

  it('tears an ephemeral environment down once its time to live has passed', async () => {
    const { call } = await startReplica();
    const created = await call('post', '/environments', {
      componentRef: 'component:checkout-api',
      type: 'preview',
      name: 'it-expiry',
      ttl: '1h',
    });
    const { id, namespace } = created.body;
    await until(call, id, 'ready');

    // An hour is long to wait; move the expiry into the past instead.
    await knex('environments')
      .where('id', id)
      .update({ expires_at: new Date(Date.now() - 1000) });

    await until(call, id, 'deleted');
    expect(await namespaceExists(namespace)).toBe(false);
    const audit = (await call('get', `/environments/${id}/audit`)).body.items;
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'delete', actor: 'system:expiry' }),
      ]),
    );
  });

  it('leaves an unchanged environment untouched when reconciled again', async () => {
    const { call } = await startReplica();
    const created = await call('post', '/environments', {
      componentRef: 'component:checkout-api',
      type: 'development',
      name: 'it-idle',
    });
    const { id, namespace } = created.body;
    await until(call, id, 'ready');
    const apps = kc().makeApiClient(AppsV1Api);
    const before = await apps.readNamespacedDeployment({
      name: 'checkout-api',
      namespace,
    });

    expect((await call('post', `/environments/${id}/reconcile`)).status).toBe(
      202,
    );
    await eventually('reconcile job done', async () => {
      const pending = await knex('environment_jobs')
        .where('environment_id', id)
        .whereIn('state', ['pending', 'running']);
      return pending.length === 0 ? true : undefined;
    });

    const after = await apps.readNamespacedDeployment({
      name: 'checkout-api',
      namespace,
    });
    expect(after.metadata?.resourceVersion).toBe(
      before.metadata?.resourceVersion,
    );
    await call('delete', `/environments/${id}`);
    await until(call, id, 'deleted');
  });
});
