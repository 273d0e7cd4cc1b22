import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { DatabaseEnvironmentsStore } from '../database/DatabaseEnvironmentsStore';
import { postgresqlResourceDriver } from '@internal/backstage-plugin-environments-backend-module-postgresql';
import { EnvironmentWorkloadStatus, ResourceDrivers } from '../kubernetes';
import { EnvironmentType } from '@internal/backstage-plugin-environments-common';
import { developmentType } from '../kubernetes/__testUtils__/fixtures';
import { ReconcilerProvisioner } from './EnvironmentConvergence';
import {
  EnvironmentReconciler,
  EnvironmentReconcilerOptions,
} from './EnvironmentReconciler';
import { ReconcilerWorker } from './ReconcilerWorker';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const readyStatus: EnvironmentWorkloadStatus = {
  ready: true,
  conditions: [
    {
      kind: 'Deployment',
      name: 'orders-service',
      status: 'ready',
      reason: 'ReplicasAvailable',
      message: '1 of 1 replicas available',
    },
  ],
};

const pendingStatus: EnvironmentWorkloadStatus = {
  ready: false,
  conditions: [
    {
      kind: 'Deployment',
      name: 'orders-service',
      status: 'pending',
      reason: 'ReplicasUnavailable',
      message: '0 of 1 replicas available, 0 up to date',
    },
  ],
};

function fakeProvisioner() {
  return {
    apply: jest.fn(async (objects: unknown[], _options?: unknown) => ({
      results: [],
      writes: objects.length,
    })),
    readOrCreateCredentials: jest.fn(async () => ({ password: 'secret' })),
    teardown: jest.fn(async () => {}),
    status: jest.fn(
      async (
        _environment: { id: string },
        _options?: { cached?: boolean },
      ): Promise<EnvironmentWorkloadStatus> => readyStatus,
    ),
  } satisfies ReconcilerProvisioner;
}

let sequence = 0;
function newEnvironment() {
  sequence += 1;
  return {
    name: `development-${sequence}`,
    namespace: `orders-service-development-${sequence}`,
    componentRef: 'component:default/orders-service',
    ownerRef: 'group:default/team-orders',
    type: 'development',
    spec: {
      componentRef: 'component:default/orders-service',
      type: 'development',
      name: `development-${sequence}`,
      resources: [
        { type: 'postgresql' as const, name: 'orders-db', version: '15' },
      ],
    },
    createdBy: 'user:default/alice',
  };
}

describe('EnvironmentReconciler', () => {
  let store: DatabaseEnvironmentsStore;
  let provisioner: ReturnType<typeof fakeProvisioner>;
  let now: Date;
  let knex: Knex;

  const reconcilerWith = (
    options: {
      maxAttempts?: number;
      ownerFor?: (e: { componentRef: string }) => Promise<string | undefined>;
      types?: Record<string, EnvironmentType>;
      workloadFor?: EnvironmentReconcilerOptions['workloadFor'];
      onReconcileGaveUp?: EnvironmentReconcilerOptions['onReconcileGaveUp'];
    } = {},
  ) =>
    new EnvironmentReconciler({
      store,
      provisionerFor: () => provisioner,
      types: { development: developmentType },
      owner: 'test-worker',
      logger: mockServices.logger.mock(),
      workloadFor: async e => ({
        image: `registry.acme.example/${e.componentRef.split('/')[1]}:latest`,
      }),
      drivers: ResourceDrivers.create([postgresqlResourceDriver]),
      clock: () => now,
      ...options,
    });

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    store = await DatabaseEnvironmentsStore.create({
      database: mockServices.database({ knex }),
    });
  });

  afterEach(async () => {
    await knex('environment_audit').del();
    await knex('environment_jobs').del();
    await knex('environments').del();
  });

  beforeEach(() => {
    provisioner = fakeProvisioner();
    // Ahead of the store's clock, so that every queued job is due.
    now = new Date(Date.now() + 1_000);
  });

  /** Processes jobs until none is due, as the worker would. */
  async function drain(reconciler: EnvironmentReconciler) {
    const processed = [];
    for (;;) {
      const result = await reconciler.processNextJob();
      if (result === 'idle') return processed;
      processed.push(result);
    }
  }

  it('reconciles a new environment to ready, with its conditions', async () => {
    const environment = await store.createEnvironment(newEnvironment());
    const reconciler = reconcilerWith();

    await expect(drain(reconciler)).resolves.toEqual([
      expect.objectContaining({
        environmentId: environment.id,
        kind: 'reconcile',
        outcome: 'succeeded',
      }),
    ]);

    expect(provisioner.readOrCreateCredentials).toHaveBeenCalledWith(
      environment.namespace,
      'orders-db',
    );
    const applied = provisioner.apply.mock.calls[0][0] as any[];
    const deployment = applied.find(o => o.kind === 'Deployment');
    expect(deployment.spec.template.spec.containers[0].image).toBe(
      'registry.acme.example/orders-service:latest',
    );
    expect(await store.getEnvironment(environment.id)).toMatchObject({
      status: 'ready',
      reason: undefined,
      observedGeneration: 1,
      conditions: [
        {
          kind: 'Deployment',
          name: 'orders-service',
          status: 'ready',
          reason: 'ReplicasAvailable',
          message: '1 of 1 replicas available',
          lastTransitionTime: now.toISOString(),
        },
      ],
    });
    const audit = await store.listAuditEvents(environment.id);
    expect(audit.at(-1)).toMatchObject({
      actor: 'system:environments-reconciler',
      action: 'provision',
      outcome: 'succeeded',
    });
  });

  it('runs the image of the environment’s spec until a deployment names one, then the deployment’s', async () => {
    const environment = await store.createEnvironment({
      ...newEnvironment(),
      spec: {
        ...newEnvironment().spec,
        image: 'registry.acme.example/orders:spec',
      },
    });
    const imageApplied = () => {
      const applied = provisioner.apply.mock.calls.at(-1)![0] as any[];
      return applied.find(o => o.kind === 'Deployment').spec.template.spec
        .containers[0].image;
    };
    await drain(reconcilerWith());
    expect(imageApplied()).toBe('registry.acme.example/orders:spec');

    await store.enqueueJob({
      environmentId: environment.id,
      kind: 'reconcile',
    });
    await drain(
      reconcilerWith({
        workloadFor: async () => ({
          image: 'registry.acme.example/orders:1.0.0',
          deploymentId: 'dep-1',
        }),
      }),
    );
    expect(imageApplied()).toBe('registry.acme.example/orders:1.0.0');
  });

  it('applies only the Deployment of a new deployment within five minutes of a whole reconcile, and everything after', async () => {
    const environment = await store.createEnvironment(newEnvironment());
    let deploymentId = 'dep-1';
    const reconciler = reconcilerWith({
      workloadFor: async () => ({
        image: `registry.acme.example/orders:${deploymentId}`,
        deploymentId,
      }),
    });
    const reconcile = async () => {
      await store.enqueueJob({
        environmentId: environment.id,
        kind: 'reconcile',
      });
      await drain(reconciler);
      const [objects, options] = provisioner.apply.mock.calls.at(-1)! as [
        Array<{ kind: string }>,
        { prune: boolean },
      ];
      return {
        kinds: objects.map(o => o.kind),
        prune: options.prune,
        cached: provisioner.status.mock.calls.at(-1)![1],
      };
    };
    await drain(reconciler);
    const whole = (provisioner.apply.mock.calls[0][0] as any[]).length;
    expect(whole).toBeGreaterThan(3);

    deploymentId = 'dep-2';
    await expect(reconcile()).resolves.toEqual({
      kinds: ['Deployment'],
      prune: false,
      cached: { cached: true },
    });
    // Nothing changed: nothing to compare.
    await expect(reconcile()).resolves.toMatchObject({
      kinds: [],
      prune: false,
    });

    // The window is over: every object is compared again, and pruned.
    now = new Date(now.getTime() + 5 * 60_000);
    deploymentId = 'dep-3';
    const after = await reconcile();
    expect(after.kinds).toHaveLength(whole);
    // Namespace first, so that one deleted behind our back comes back before
    // anything is written into it; then the Deployment.
    expect(after.kinds.slice(0, 2)).toEqual(['Namespace', 'Deployment']);
    expect(after).toMatchObject({ prune: true, cached: { cached: false } });

    // A failed apply forgets what was verified.
    provisioner.apply.mockRejectedValueOnce(new Error('connect ECONNREFUSED'));
    deploymentId = 'dep-4';
    await store.enqueueJob({
      environmentId: environment.id,
      kind: 'reconcile',
    });
    await drain(reconciler);
    now = new Date(now.getTime() + 60_000);
    await drain(reconciler);
    expect(provisioner.apply.mock.calls.at(-1)![0]).toHaveLength(whole);
  });

  it('changes nothing when an unchanged, ready environment is reconciled again', async () => {
    const environment = await store.createEnvironment(newEnvironment());
    const reconciler = reconcilerWith();
    await drain(reconciler);
    const before = await store.getEnvironment(environment.id);
    const auditBefore = await store.listAuditEvents(environment.id);
    const updateStatus = jest.spyOn(store, 'updateStatus');

    now = new Date(now.getTime() + 60_000);
    await store.enqueueJob({
      environmentId: environment.id,
      kind: 'reconcile',
    });
    await drain(reconciler);

    expect(await store.getEnvironment(environment.id)).toEqual(before);
    expect(await store.listAuditEvents(environment.id)).toEqual(auditBefore);
    await expect(
      Promise.all(updateStatus.mock.results.map(r => r.value)),
    ).resolves.toEqual([false]);
    updateStatus.mockRestore();
  });

  it('records provisioning when the workloads are not ready yet, and queues no follow-up job', async () => {
    provisioner.status.mockResolvedValue(pendingStatus);
    const environment = await store.createEnvironment(newEnvironment());
    const reconciler = reconcilerWith();

    await expect(drain(reconciler)).resolves.toEqual([
      expect.objectContaining({ kind: 'reconcile', outcome: 'succeeded' }),
    ]);

    expect(await store.getEnvironment(environment.id)).toMatchObject({
      status: 'provisioning',
      reason: 'Waiting for the workloads to become ready',
      observedGeneration: 0,
      conditions: [
        { kind: 'Deployment', name: 'orders-service', status: 'pending' },
      ],
    });
    expect(await store.listJobs(environment.id)).toEqual([
      expect.objectContaining({ kind: 'reconcile', state: 'succeeded' }),
    ]);
    // Read once in the job, once after it: nothing polls.
    expect(provisioner.status).toHaveBeenCalledTimes(2);
  });

  it('sees workloads that became ready while its job ran, right after the job', async () => {
    provisioner.status.mockResolvedValueOnce(pendingStatus);
    const environment = await store.createEnvironment(newEnvironment());

    await drain(reconcilerWith());

    expect(await store.getEnvironment(environment.id)).toMatchObject({
      status: 'ready',
      observedGeneration: 1,
    });
  });

  describe('refreshStatus', () => {
    /** An environment whose job ran while its workloads were not ready. */
    async function provisioningEnvironment() {
      provisioner.status.mockResolvedValue(pendingStatus);
      const environment = await store.createEnvironment(newEnvironment());
      await drain(reconcilerWith());
      provisioner.status.mockClear();
      return environment;
    }

    const provisionAudit = async (id: string) =>
      (await store.listAuditEvents(id)).filter(
        e => e.action === 'provision' && e.outcome === 'succeeded',
      );

    it('moves a provisioning environment to ready once its workloads are, with its generation and one audit event', async () => {
      const environment = await provisioningEnvironment();
      const reconciler = reconcilerWith();
      provisioner.status.mockResolvedValue(readyStatus);
      now = new Date(now.getTime() + 5_000);

      await expect(reconciler.refreshStatus(environment.id)).resolves.toBe(
        'updated',
      );
      await expect(reconciler.refreshStatus(environment.id)).resolves.toBe(
        'unchanged',
      );

      expect(await store.getEnvironment(environment.id)).toMatchObject({
        status: 'ready',
        reason: undefined,
        observedGeneration: 1,
        conditions: [
          {
            kind: 'Deployment',
            name: 'orders-service',
            status: 'ready',
            lastTransitionTime: now.toISOString(),
          },
        ],
      });
      expect(await provisionAudit(environment.id)).toEqual([
        expect.objectContaining({
          actor: 'system:environments-reconciler',
          message: `Namespace ${environment.namespace} is ready (generation 1)`,
        }),
      ]);
      expect(provisioner.apply).toHaveBeenCalledTimes(1);
    });

    it('writes nothing while the workloads stay as they were', async () => {
      const environment = await provisioningEnvironment();
      const before = await store.getEnvironment(environment.id);
      const updateStatus = jest.spyOn(store, 'updateStatus');
      now = new Date(now.getTime() + 5_000);

      await expect(
        reconcilerWith().refreshStatus(environment.id),
      ).resolves.toBe('unchanged');

      expect(await store.getEnvironment(environment.id)).toEqual(before);
      await expect(
        Promise.all(updateStatus.mock.results.map(r => r.value)),
      ).resolves.toEqual([false]);
      updateStatus.mockRestore();
    });

    it('records the transition once when two refreshes race', async () => {
      const environment = await provisioningEnvironment();
      provisioner.status.mockResolvedValue(readyStatus);

      await Promise.all([
        reconcilerWith().refreshStatus(environment.id),
        reconcilerWith().refreshStatus(environment.id),
      ]);

      expect(await provisionAudit(environment.id)).toHaveLength(1);
    });

    it('keeps a ready environment ready when a workload falters, and says which in its conditions', async () => {
      const environment = await store.createEnvironment(newEnvironment());
      await drain(reconcilerWith());
      provisioner.status.mockResolvedValue(pendingStatus);

      await expect(
        reconcilerWith().refreshStatus(environment.id),
      ).resolves.toBe('updated');

      expect(await store.getEnvironment(environment.id)).toMatchObject({
        status: 'ready',
        observedGeneration: 1,
        conditions: [
          { kind: 'Deployment', name: 'orders-service', status: 'pending' },
        ],
      });
      expect(await provisionAudit(environment.id)).toHaveLength(1);
    });

    it('leaves alone an environment whose latest generation is not applied yet', async () => {
      const environment = await store.createEnvironment(newEnvironment());
      const reconciler = reconcilerWith();
      await drain(reconciler);
      // A spec change queues a job; until it runs, the cluster shows the
      // previous generation.
      await store.updateSpec({
        id: environment.id,
        spec: {
          ...newEnvironment().spec,
          name: environment.name,
          image: 'x:2',
        },
        actor: 'user:default/alice',
      });
      provisioner.status.mockClear();

      await expect(reconciler.refreshStatus(environment.id)).resolves.toBe(
        'skipped',
      );
      expect(provisioner.status).not.toHaveBeenCalled();
      expect(await store.getEnvironment(environment.id)).toMatchObject({
        generation: 2,
        observedGeneration: 1,
      });
    });

    it('leaves alone environments that are requested, being deleted or deleted, and unknown ones', async () => {
      const requested = await store.createEnvironment(newEnvironment());
      const reconciler = reconcilerWith();
      // Not yet picked up by a job.
      await expect(reconciler.refreshStatus(requested.id)).resolves.toBe(
        'skipped',
      );
      await drain(reconciler);
      await store.markDeleting({ id: requested.id, actor: 'user:default/bob' });
      await expect(reconciler.refreshStatus(requested.id)).resolves.toBe(
        'skipped',
      );
      await drain(reconciler);
      expect((await store.getEnvironment(requested.id)).status).toBe('deleted');
      await expect(reconciler.refreshStatus(requested.id)).resolves.toBe(
        'skipped',
      );
      await expect(
        reconciler.refreshStatus('00000000-0000-4000-8000-000000000000'),
      ).resolves.toBe('skipped');
      expect(provisioner.status).toHaveBeenCalledTimes(1);
    });

    it('refreshWaitingStatuses refreshes every environment that waits for its workloads', async () => {
      const first = await provisioningEnvironment();
      const second = await provisioningEnvironment();
      const settled = await store.createEnvironment(newEnvironment());
      provisioner.status.mockResolvedValue(readyStatus);
      await drain(reconcilerWith());
      provisioner.status.mockClear();

      await expect(reconcilerWith().refreshWaitingStatuses()).resolves.toBe(2);

      expect(provisioner.status.mock.calls.map(([e]) => e.id).sort()).toEqual(
        [first.id, second.id].sort(),
      );
      expect((await store.getEnvironment(first.id)).status).toBe('ready');
      expect((await store.getEnvironment(second.id)).status).toBe('ready');
      expect((await store.getEnvironment(settled.id)).status).toBe('ready');
    });
  });

  it('tears an environment down, marks it deleted and frees its name', async () => {
    const request = newEnvironment();
    const environment = await store.createEnvironment(request);
    const reconciler = reconcilerWith();
    await drain(reconciler);

    await store.markDeleting({ id: environment.id, actor: 'user:default/bob' });
    await expect(drain(reconciler)).resolves.toEqual([
      expect.objectContaining({ kind: 'teardown', outcome: 'succeeded' }),
    ]);

    expect(provisioner.teardown).toHaveBeenCalledWith(
      expect.objectContaining({
        id: environment.id,
        namespace: environment.namespace,
      }),
      { signal: expect.any(AbortSignal) },
    );
    expect(await store.getEnvironment(environment.id)).toMatchObject({
      status: 'deleted',
      deletedAt: expect.any(Date),
    });
    expect((await store.listAuditEvents(environment.id)).at(-1)).toMatchObject({
      actor: 'system:environments-reconciler',
      action: 'delete',
      outcome: 'succeeded',
    });
    await expect(store.createEnvironment(request)).resolves.toMatchObject({
      name: request.name,
      namespace: request.namespace,
    });
  });

  it('retries with backoff and a reason, then fails once attempts are exhausted', async () => {
    provisioner.apply.mockRejectedValue(new Error('connect ECONNREFUSED'));
    const environment = await store.createEnvironment(newEnvironment());
    const onReconcileGaveUp = jest.fn(async () => {});
    const reconciler = reconcilerWith({ maxAttempts: 3, onReconcileGaveUp });

    await expect(reconciler.processNextJob()).resolves.toMatchObject({
      outcome: 'retrying',
    });
    const [job] = await store.listJobs(environment.id);
    expect(job).toMatchObject({
      state: 'pending',
      attempts: 1,
      lastError: 'connect ECONNREFUSED',
      runAfter: new Date(now.getTime() + 1_000),
    });
    expect(await store.getEnvironment(environment.id)).toMatchObject({
      status: 'provisioning',
      reason:
        'Provisioning failed: connect ECONNREFUSED; retrying (attempt 1 of 3)',
    });
    // Not due before its backoff has passed.
    await expect(reconciler.processNextJob()).resolves.toBe('idle');

    now = new Date(now.getTime() + 1_000);
    await expect(reconciler.processNextJob()).resolves.toMatchObject({
      outcome: 'retrying',
    });
    expect((await store.listJobs(environment.id))[0]).toMatchObject({
      attempts: 2,
      runAfter: new Date(now.getTime() + 2_000),
    });

    now = new Date(now.getTime() + 2_000);
    await expect(reconciler.processNextJob()).resolves.toMatchObject({
      outcome: 'failed',
    });
    expect((await store.listJobs(environment.id))[0]).toMatchObject({
      state: 'failed',
      attempts: 3,
    });
    expect(await store.getEnvironment(environment.id)).toMatchObject({
      status: 'failed',
      reason:
        'Provisioning failed: connect ECONNREFUSED; gave up after 3 attempts',
    });
    // Told once, when it gave up: what it rolled out will not roll out now.
    expect(onReconcileGaveUp.mock.calls).toEqual([
      [
        environment.id,
        'Provisioning failed: connect ECONNREFUSED; gave up after 3 attempts',
      ],
    ]);
    expect((await store.listAuditEvents(environment.id)).at(-1)).toMatchObject({
      actor: 'system:environments-reconciler',
      action: 'provision',
      outcome: 'failed',
    });
  });

  it('skips a reconcile job of an environment being deleted', async () => {
    const environment = await store.createEnvironment(newEnvironment());
    const reconciler = reconcilerWith();
    const [job] = await store.listJobs(environment.id);
    // Claimed by a worker that then stalls while a deletion comes in.
    await store.claimNextJob({ owner: 'stalled', leaseMs: 500, now });
    await store.markDeleting({ id: environment.id, actor: 'user:default/bob' });
    provisioner.teardown.mockImplementation(async () => {
      throw new Error('not now');
    });

    now = new Date(now.getTime() + 1_000);
    const processed = await drain(reconciler);

    expect(processed).toContainEqual({
      jobId: job.id,
      environmentId: environment.id,
      kind: 'reconcile',
      outcome: 'succeeded',
    });
    expect(provisioner.apply).not.toHaveBeenCalled();
    const environmentNow = await store.getEnvironment(environment.id);
    expect(environmentNow.status).toBe('deleting');
    expect(environmentNow.reason).toMatch(
      /^Teardown failed: not now; retrying \(attempt 1\)$/,
    );
  });

  it('starts the deletion of expired environments', async () => {
    const environment = await store.createEnvironment({
      ...newEnvironment(),
      expiresAt: new Date(Date.now() - 1_000),
    });
    const worker = new ReconcilerWorker({
      reconciler: reconcilerWith(),
      store,
      logger: mockServices.logger.mock(),
      pollIntervalMs: 10,
    });

    await expect(worker.expireEnvironments()).resolves.toEqual([
      environment.id,
    ]);
    expect(await store.getEnvironment(environment.id)).toMatchObject({
      status: 'deleting',
    });
    expect((await store.listJobs(environment.id)).at(-1)).toMatchObject({
      kind: 'teardown',
      state: 'pending',
    });
    expect((await store.listAuditEvents(environment.id)).at(-1)).toMatchObject({
      actor: 'system:expiry',
    });

    worker.start();
    const deadline = Date.now() + 10_000;
    while (
      (await store.getEnvironment(environment.id)).status !== 'deleted' &&
      Date.now() < deadline
    ) {
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    await worker.stop();
    expect((await store.getEnvironment(environment.id)).status).toBe('deleted');
  });
  it('retries a teardown until it completes, with a backoff capped at 30 s, and never fails it', async () => {
    const environment = await store.createEnvironment(newEnvironment());
    await drain(reconcilerWith({ maxAttempts: 3 }));
    await store.markDeleting({ id: environment.id, actor: 'user:default/bob' });
    provisioner.teardown.mockRejectedValue(
      new Error(
        'Namespace orders-service-development was not deleted within 120 s',
      ),
    );
    const reconciler = reconcilerWith({ maxAttempts: 3 });

    const waits: number[] = [];
    for (let attempt = 1; attempt <= 10; attempt++) {
      const processed = await reconciler.processNextJob();
      expect(processed).toMatchObject({
        kind: 'teardown',
        outcome: 'retrying',
      });
      const { retryAt } = processed as { retryAt: Date };
      waits.push(retryAt.getTime() - now.getTime());
      now = retryAt;
    }
    expect(waits).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000,
      30_000,
    ]);
    expect(await store.getEnvironment(environment.id)).toMatchObject({
      status: 'deleting',
      reason: expect.stringMatching(/retrying \(attempt 10\)$/),
    });

    provisioner.teardown.mockResolvedValue();
    await expect(reconciler.processNextJob()).resolves.toMatchObject({
      kind: 'teardown',
      outcome: 'succeeded',
    });
    expect((await store.getEnvironment(environment.id)).status).toBe('deleted');
  });

  it('prunes what the spec no longer holds, as part of each apply', async () => {
    await store.createEnvironment(newEnvironment());
    await drain(reconcilerWith());
    expect(provisioner.apply).toHaveBeenCalledWith(expect.any(Array), {
      prune: true,
      signal: expect.any(AbortSignal),
    });
  });

  it("follows the component's owner in the catalog, with an audit event and the new team's RoleBinding", async () => {
    const environment = await store.createEnvironment(newEnvironment());
    await drain(reconcilerWith());
    const reconciler = reconcilerWith({
      ownerFor: async () => 'group:default/team-payments',
    });

    await expect(reconciler.followComponentOwners()).resolves.toEqual([
      environment.id,
    ]);
    await drain(reconciler);

    expect((await store.getEnvironment(environment.id)).ownerRef).toBe(
      'group:default/team-payments',
    );
    const objects = provisioner.apply.mock.calls.at(-1)![0] as Array<{
      kind: string;
      subjects?: Array<{ name: string }>;
    }>;
    const binding = objects.find(
      o =>
        o.kind === 'RoleBinding' && o.subjects?.[0]?.name === 'team-payments',
    );
    expect(binding).toBeDefined();
    expect((await store.listAuditEvents(environment.id)).at(-1)).toMatchObject({
      action: 'change-owner',
      outcome: 'succeeded',
      message: expect.stringContaining('team-payments'),
    });
    // Once followed, there is nothing more to follow.
    await expect(reconciler.followComponentOwners()).resolves.toEqual([]);
  });

  it('keeps the owner when the component is gone from the catalog', async () => {
    const environment = await store.createEnvironment(newEnvironment());
    await drain(reconcilerWith({ ownerFor: async () => undefined }));
    expect((await store.getEnvironment(environment.id)).ownerRef).toBe(
      'group:default/team-orders',
    );
  });

  it("says which object lacks what once nothing progressed for the type's progressDeadline", async () => {
    provisioner.status.mockResolvedValue(pendingStatus);
    const environment = await store.createEnvironment(newEnvironment());
    const reconciler = reconcilerWith({
      types: {
        development: { ...developmentType, progressDeadline: '5m' },
      },
    });
    await drain(reconciler);

    now = new Date(now.getTime() + 4 * 60_000);
    await reconciler.refreshStatus(environment.id);
    expect((await store.getEnvironment(environment.id)).reason).toBe(
      'Waiting for the workloads to become ready',
    );

    now = new Date(now.getTime() + 2 * 60_000);
    await expect(reconciler.refreshStatus(environment.id)).resolves.toBe(
      'updated',
    );
    expect(await store.getEnvironment(environment.id)).toMatchObject({
      status: 'provisioning',
      reason:
        'No progress for 5m: Deployment orders-service is pending (0 of 1 replicas available, 0 up to date)',
    });
  });
});
