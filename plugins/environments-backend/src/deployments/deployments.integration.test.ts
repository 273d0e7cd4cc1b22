import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  imageVersion,
  resolveDeploymentConfig,
} from '@internal/backstage-plugin-environments-common';
import {
  describeWithCluster,
  eventually,
  orchestratorKubeConfig,
} from '@internal/cluster-tools/testUtils';
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
} from '@kubernetes/client-node';
import { Knex } from 'knex';
import { createHash, randomBytes } from 'node:crypto';
import { DatabaseDeploymentsStore } from '../database/DatabaseDeploymentsStore';
import { DatabaseEnvironmentsStore } from '../database/DatabaseEnvironmentsStore';
import {
  EnvironmentClusters,
  KubernetesProvisioner,
  WorkloadSettings,
} from '../kubernetes';
import {
  developmentType,
  testDrivers,
} from '../kubernetes/__testUtils__/fixtures';
import {
  canonicalJson,
  Deployment,
  DeploymentState,
  Environment,
} from '../model';
import {
  deploymentWorkload,
  EnvironmentReconciler,
  scheduleReconciliation,
} from '../reconciler';
import { EnvironmentChangePublisher } from '../service/EnvironmentChangePublisher';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const ALICE = 'user:default/alice';
const IMAGE = 'registry.acme.example/orders-service';
/** The local cluster fails every pull from this registry (ImagePullBackOff). */
const UNPULLABLE = 'registry.invalid/orders-service';

/** Milliseconds from createDeployment to the recorded outcome, for the report. */
const latencies: Array<{ what: string; ms: number }> = [];

function percentile(measured: typeof latencies, p: number) {
  const values = measured.map(m => m.ms);
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

/**
 * One backend replica as `scheduleReconciliation` builds it (reconciler,
 * worker, status watch, rollout tracker), on its own store objects over the
 * shared database, provisioning as the orchestrator's ServiceAccount. Its
 * lifecycle hooks are kept, to start and stop it like the backend does.
 */
async function startReplica(options: { knex: Knex; orchestrator: KubeConfig }) {
  const database = mockServices.database({ knex: options.knex });
  const logger = mockServices.logger.mock();
  // As in plugin.ts: the environments' changes wake this replica's worker;
  // the events service that would tell the other replica is left out, so
  // that it learns of the other's work only from its cluster and its sweep.
  const publisher = EnvironmentChangePublisher.create({
    events: { publish: async () => {}, subscribe: async () => {} },
    signals: { publish: async () => {} },
    logger,
  });
  const store = publisher.publishing(
    await DatabaseEnvironmentsStore.create({ database }),
  );
  const deployments = await DatabaseDeploymentsStore.create({ database });
  const lifecycle = mockServices.lifecycle.mock();
  await scheduleReconciliation({
    store,
    deployments,
    clusters: EnvironmentClusters.fromConnections(
      [{ name: developmentType.cluster, kubeConfig: options.orchestrator }],
      { logger, drivers: testDrivers },
    ),
    drivers: testDrivers,
    catalog: catalogServiceMock(),
    auth: mockServices.auth(),
    scheduler: mockServices.scheduler.mock(),
    lifecycle,
    logger,
    changes: publisher,
    settings: {
      types: { development: developmentType },
      reconciler: { concurrency: 8, pollInterval: { seconds: 10 } },
      expiry: { frequency: { minutes: 5 } },
    },
  });
  const hooks = (method: 'addStartupHook' | 'addShutdownHook') =>
    (lifecycle[method] as jest.Mock).mock.calls.map(
      ([hook]) => hook as () => Promise<void>,
    );
  for (const hook of hooks('addStartupHook')) await hook();
  return {
    store,
    deployments,
    async stop() {
      for (const hook of hooks('addShutdownHook')) await hook();
    },
  };
}

type Replica = Awaited<ReturnType<typeof startReplica>>;

// Deployments rolled out into the local cluster by the real reconciler and
// followed by the real rollout tracker, on both databases: what runs, what
// is recorded, and that it is recorded once, whichever replica sees it and
// whether or not a backend stopped mid-rollout.
describeWithCluster('deployments roll out on the local control plane', kc => {
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let orchestrator: KubeConfig;
  const namespaces: string[] = [];

  beforeAll(async () => {
    core = kc().makeApiClient(CoreV1Api);
    apps = kc().makeApiClient(AppsV1Api);
    orchestrator = await orchestratorKubeConfig(kc());
  });

  afterAll(async () => {
    for (const name of namespaces) {
      await core?.deleteNamespace({ name }).catch(() => {});
    }
    if (latencies.length > 0) {
      process.stdout.write(
        `createDeployment → outcome recorded over ${
          latencies.length
        } rollouts: p50 ${percentile(latencies, 0.5)} ms, p95 ${percentile(
          latencies,
          0.95,
        )} ms, max ${percentile(latencies, 1)} ms\n${latencies
          .map(m => `  ${m.what}: ${m.ms} ms`)
          .join('\n')}\n`,
      );
    }
  });

  describe.each(databases.eachSupportedId())('with %s', databaseId => {
    let knex: Knex;
    let replica: Replica;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      // The first create applies the migrations.
      await DatabaseEnvironmentsStore.create({
        database: mockServices.database({ knex }),
      });
    });

    afterEach(async () => {
      await replica?.stop();
    });

    async function createEnvironment(store: Replica['store']) {
      const suffix = randomBytes(3).toString('hex');
      const namespace = `it-deploy-${suffix}`;
      namespaces.push(namespace);
      const environment = await store.createEnvironment({
        name: `it-${suffix}`,
        namespace,
        componentRef: 'component:default/orders-service',
        ownerRef: 'group:default/team-orders',
        type: 'development',
        spec: {
          componentRef: 'component:default/orders-service',
          type: 'development',
          name: `it-${suffix}`,
          resources: [],
          image: `${IMAGE}:spec`,
        },
        createdBy: ALICE,
      });
      return environment;
    }

    async function environmentStatus(
      store: Replica['store'],
      id: string,
      status: Environment['status'],
    ) {
      return eventually(`environment ${id} ${status}`, async () => {
        const environment = await store.getEnvironment(id);
        return environment.status === status ? environment : undefined;
      });
    }

    /**
     * A deployment by hand through the store port, as the service stores
     * one: a new image (and env) as the environment's override, or a
     * rollback to an earlier deployment's configuration, with its reason.
     */
    function deploy(
      deployments: DatabaseDeploymentsStore,
      environment: Environment,
      what:
        | { image: string; env?: Record<string, string> }
        | { rollbackOf: Deployment; reason: string },
    ) {
      let resolved: Deployment['resolved'];
      if ('rollbackOf' in what) {
        resolved = what.rollbackOf.resolved;
      } else {
        const resolution = resolveDeploymentConfig({
          baseline: {},
          component: {},
          override: what,
        });
        if (!resolution.ok) throw new Error(JSON.stringify(resolution.issues));
        resolved = resolution.resolved;
      }
      const rollback = 'rollbackOf' in what ? what : undefined;
      const version = imageVersion(resolved.config.image);
      const message = rollback?.reason ?? `Deployed ${version}`;
      return deployments.createDeployment({
        environmentId: environment.id,
        environmentName: environment.name,
        type: environment.type,
        componentRef: environment.componentRef,
        kind: rollback ? 'rollback' : 'deploy',
        version,
        resolved,
        contentHash: createHash('sha256')
          .update(canonicalJson(resolved.config))
          .digest('hex'),
        message,
        source: 'api',
        createdBy: ALICE,
        ...(rollback && { rollbackOf: rollback.rollbackOf.id }),
        pin: rollback ? 'set' : 'clear',
        audit: {
          actor: ALICE,
          action: rollback ? 'rollback' : 'deploy',
          outcome: 'succeeded',
          message,
        },
      });
    }

    /**
     * The deployment once it is in one of `states`. `measured`: the time
     * from its creation to its outcome counts in the reported latency
     * (deployments into a ready environment, followed all along).
     */
    async function stateOf(
      deployments: DatabaseDeploymentsStore,
      id: string,
      states: DeploymentState[],
      options: { timeoutMs?: number; measured?: boolean } = {},
    ) {
      const deployment = await eventually(
        `deployment ${id} ${states.join(' or ')}`,
        async () => {
          const found = await deployments.getDeployment(id);
          return states.includes(found.state) ? found : undefined;
        },
        options.timeoutMs ?? 30_000,
      );
      if (options.measured && deployment.finishedAt) {
        latencies.push({
          what: `${databaseId} ${deployment.environmentName} ${deployment.version}`,
          ms: deployment.finishedAt.getTime() - deployment.createdAt.getTime(),
        });
      }
      return deployment;
    }

    /** The container of the component's Deployment, as the cluster has it. */
    async function container(namespace: string) {
      const workload = await apps.readNamespacedDeployment({
        namespace,
        name: 'orders-service',
      });
      return workload.spec?.template.spec?.containers[0];
    }

    async function rolloutAudit(environmentId: string) {
      return (await replica.store.listAuditEvents(environmentId)).filter(
        e => e.action === 'rollout',
      );
    }

    it('rolls out v1, then v2, which supersedes it and runs with its image and env; an unpullable image fails; a rollback runs v1 again and pins', async () => {
      replica = await startReplica({ knex, orchestrator });
      const { store, deployments } = replica;
      const created = await createEnvironment(store);
      const environment = await environmentStatus(store, created.id, 'ready');
      // Before any deployment, the environment runs the spec's image.
      expect((await container(environment.namespace))?.image).toBe(
        `${IMAGE}:spec`,
      );

      const v1 = await deploy(deployments, environment, {
        image: `${IMAGE}:1.0.0`,
        env: { LOG_LEVEL: 'info' },
      });
      await expect(
        stateOf(deployments, v1.id, ['succeeded', 'failed'], {
          measured: true,
        }),
      ).resolves.toMatchObject({ state: 'succeeded' });

      const v2 = await deploy(deployments, environment, {
        image: `${IMAGE}:2.0.0`,
        env: { LOG_LEVEL: 'debug', FEATURE_X: 'on' },
      });
      await expect(
        stateOf(deployments, v2.id, ['succeeded', 'failed'], {
          measured: true,
        }),
      ).resolves.toMatchObject({ state: 'succeeded', replaces: v1.id });
      expect((await deployments.getDeployment(v1.id)).state).toBe('superseded');
      const running = await container(environment.namespace);
      expect(running?.image).toBe(`${IMAGE}:2.0.0`);
      expect(running?.env).toEqual(
        expect.arrayContaining([
          { name: 'LOG_LEVEL', value: 'debug' },
          { name: 'FEATURE_X', value: 'on' },
        ]),
      );

      const broken = await deploy(deployments, environment, {
        image: `${UNPULLABLE}:3.0.0`,
      });
      const failed = await stateOf(
        deployments,
        broken.id,
        ['succeeded', 'failed'],
        { timeoutMs: 60_000 },
      );
      expect(failed.state).toBe('failed');
      // A first ErrImagePull is waited out; the ImagePullBackOff after it ends
      // the rollout.
      expect(failed.reason).toMatch(/^ImagePullBackOff: /);
      expect(failed.reason).toContain(`${UNPULLABLE}:3.0.0`);

      const rollback = await deploy(deployments, environment, {
        rollbackOf: v1,
        reason: 'v3 cannot pull its image',
      });
      await expect(
        stateOf(deployments, rollback.id, ['succeeded', 'failed'], {
          measured: true,
        }),
      ).resolves.toMatchObject({ state: 'succeeded', rollbackOf: v1.id });
      // A failed deployment stays failed: the rollback replaces it.
      expect(rollback.replaces).toBe(broken.id);
      expect((await deployments.getDeployment(broken.id)).state).toBe('failed');
      const rolledBack = await container(environment.namespace);
      expect(rolledBack?.image).toBe(`${IMAGE}:1.0.0`);
      expect(rolledBack?.env).toEqual(
        expect.arrayContaining([{ name: 'LOG_LEVEL', value: 'info' }]),
      );
      expect(rolledBack?.env).not.toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'FEATURE_X' }),
        ]),
      );
      const [target] = await deployments.getTargets([environment.id]);
      expect(target).toMatchObject({
        current: { id: rollback.id },
        pin: { deploymentId: rollback.id, reason: 'v3 cannot pull its image' },
      });
      // One outcome each: v1, v2, the failed one and the rollback.
      expect(await rolloutAudit(environment.id)).toHaveLength(4);
    });

    it('finishes a rollout a stopped backend left after the apply, once, when the next one starts', async () => {
      replica = await startReplica({ knex, orchestrator });
      const created = await createEnvironment(replica.store);
      const environment = await environmentStatus(
        replica.store,
        created.id,
        'ready',
      );
      const v1 = await deploy(replica.deployments, environment, {
        image: `${IMAGE}:1.0.0`,
      });
      await stateOf(replica.deployments, v1.id, ['succeeded']);
      await replica.stop();

      // The reconcile of a backend that is stopped right after: it applies,
      // and nothing follows the rollout.
      const v2 = await deploy(replica.deployments, environment, {
        image: `${IMAGE}:2.0.0`,
      });
      const provisioner = KubernetesProvisioner.create({
        kubeConfig: orchestrator,
        logger: mockServices.logger.mock(),
        drivers: testDrivers,
      });
      const stopped = new EnvironmentReconciler({
        store: replica.store,
        provisionerFor: () => provisioner,
        types: { development: developmentType },
        owner: 'it-stopped-backend',
        logger: mockServices.logger.mock(),
        workloadFor: deploymentWorkload({
          deployments: replica.deployments,
          fallback: async (): Promise<WorkloadSettings> => ({
            image: `${IMAGE}:fallback`,
          }),
        }),
        drivers: testDrivers,
      });
      await expect(stopped.processNextJob()).resolves.toMatchObject({
        environmentId: environment.id,
        outcome: 'succeeded',
      });
      expect((await container(environment.namespace))?.image).toBe(
        `${IMAGE}:2.0.0`,
      );
      expect((await replica.deployments.getDeployment(v2.id)).state).toBe(
        'rolling-out',
      );

      replica = await startReplica({ knex, orchestrator });

      await expect(
        stateOf(replica.deployments, v2.id, ['succeeded', 'failed']),
      ).resolves.toMatchObject({ state: 'succeeded' });
      // v1's outcome and v2's, each once.
      expect(await rolloutAudit(environment.id)).toHaveLength(2);
    });

    it('rolls out and records each of 10 deployments once with two replicas, and leaves nothing in the cluster after teardown', async () => {
      replica = await startReplica({ knex, orchestrator });
      const other = await startReplica({ knex, orchestrator });
      try {
        const replicas = [replica, other];
        const environments = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            createEnvironment(replicas[i % 2].store),
          ),
        );
        for (const environment of environments) {
          await environmentStatus(replica.store, environment.id, 'ready');
        }

        // All at once, half through each replica.
        const created = await Promise.all(
          environments.map((environment, i) =>
            deploy(replicas[i % 2].deployments, environment, {
              image: `${IMAGE}:1.${i}.0`,
            }),
          ),
        );
        const outcomes = await Promise.all(
          created.map(d =>
            stateOf(replica.deployments, d.id, ['succeeded', 'failed'], {
              measured: true,
            }),
          ),
        );

        expect(outcomes.map(d => d.state)).toEqual(Array(10).fill('succeeded'));
        for (const [i, environment] of environments.entries()) {
          expect((await container(environment.namespace))?.image).toBe(
            `${IMAGE}:1.${i}.0`,
          );
          expect(await rolloutAudit(environment.id)).toHaveLength(1);
        }

        for (const environment of environments) {
          await replica.store.markDeleting({
            id: environment.id,
            actor: ALICE,
          });
        }
        const cluster = core;
        for (const environment of environments) {
          await environmentStatus(replica.store, environment.id, 'deleted');
          await eventually(`namespace ${environment.namespace} gone`, () =>
            cluster.readNamespace({ name: environment.namespace }).then(
              () => undefined,
              error =>
                error instanceof ApiException && error.code === 404
                  ? true
                  : undefined,
            ),
          );
        }
      } finally {
        await other.stop();
      }
    });
  });
});
