import { mockServices } from '@backstage/backend-test-utils';
import { ensureReadOnlyAccess } from '@internal/cluster-tools';
import {
  ApplyCounter,
  describeWithCluster,
  eventually,
  orchestratorKubeConfig,
  startApplyCounter,
} from '@internal/cluster-tools/testUtils';
import {
  PLATFORM_NAMESPACE,
  READER_SERVICE_ACCOUNT,
} from '@internal/backstage-plugin-environments-common';
import {
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
} from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { desiredObjects, WorkloadSettings } from './desiredObjects';
import { KubernetesProvisioner } from './KubernetesProvisioner';
import { RolloutObservation } from './rollout';
import { WORKLOAD_SECRET_NAME } from './secrets';
import {
  developmentEnvironment,
  developmentType,
  testDrivers,
} from './__testUtils__/fixtures';

jest.setTimeout(180_000);

/** The orchestrator's kubeconfig, through the apply counter. */
function throughCounter(orchestrator: KubeConfig, counter: ApplyCounter) {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    // Plain HTTP to the counter on localhost, which speaks TLS upstream.
    clusters: [{ name: 'counted', server: counter.url, skipTLSVerify: true }],
    users: [{ name: 'counted', token: orchestrator.getCurrentUser()!.token }],
    contexts: [{ name: 'counted', cluster: 'counted', user: 'counted' }],
    currentContext: 'counted',
  });
  return kubeConfig;
}

// The provisioner acts as the orchestrator's ServiceAccount, as in
// production; the admin kubeconfig (kc) only inspects. The pods are kwok's:
// Running and Ready at once, except those of an image from a .invalid
// registry, which wait in ImagePullBackOff (scripts/local-cluster).
describeWithCluster('Deployments on the local control plane', kc => {
  const suffix = randomBytes(3).toString('hex');
  const environment = developmentEnvironment({
    id: `it-dep-${suffix}`,
    namespace: `it-dep-orders-${suffix}`,
  });
  // No database: only the component's workload is of interest here.
  environment.spec = { ...environment.spec, resources: [] };
  const { namespace } = environment;

  let core: CoreV1Api;
  let orchestrator: KubeConfig;
  let counter: ApplyCounter;
  let provisioner: KubernetesProvisioner;
  let counted: KubernetesProvisioner;
  const logger = mockServices.logger.mock();

  const desired = (workload: WorkloadSettings) =>
    desiredObjects({
      environment,
      type: developmentType,
      workload,
      drivers: testDrivers,
    });
  const observe = () => provisioner.observeRollout(environment);
  const observed = (
    what: string,
    accept: (observation: RolloutObservation) => boolean,
    timeoutMs?: number,
  ) =>
    eventually(
      what,
      async () => {
        const observation = await observe();
        return accept(observation) ? observation : undefined;
      },
      timeoutMs,
    );

  const v1: WorkloadSettings = {
    image: 'ghcr.io/acme/orders-service:1.0.0',
    replicas: 2,
    env: { LOG_LEVEL: 'info' },
    deploymentId: `dep-1-${suffix}`,
  };
  const v2: WorkloadSettings = {
    ...v1,
    image: 'ghcr.io/acme/orders-service:2.0.0',
    resources: { cpu: '250m', memory: '256Mi' },
    deploymentId: `dep-2-${suffix}`,
  };

  beforeAll(async () => {
    core = kc().makeApiClient(CoreV1Api);
    orchestrator = await orchestratorKubeConfig(kc());
    const current = orchestrator.getCurrentCluster()!;
    counter = await startApplyCounter({
      url: current.server,
      caData: current.caData,
      skipTLSVerify: current.skipTLSVerify,
    });
    provisioner = KubernetesProvisioner.create({
      kubeConfig: orchestrator,
      logger,
      drivers: testDrivers,
    });
    counted = KubernetesProvisioner.create({
      kubeConfig: throughCounter(orchestrator, counter),
      logger,
      drivers: testDrivers,
    });
  });

  afterAll(async () => {
    await core?.deleteNamespace({ name: namespace }).catch(() => {});
    await counter?.close();
  });

  it('says absent before the first deployment', async () => {
    await provisioner.apply(desired(v1).filter(o => o.kind === 'Namespace'));
    expect(await observe()).toEqual({ phase: 'absent' });
  });

  it('observes v1 and then v2 roll out to complete, each with its deployment id', async () => {
    await provisioner.apply(desired(v1), { prune: true });
    await observed(
      'v1 complete',
      o => o.phase === 'complete' && o.deploymentId === v1.deploymentId,
    );

    await provisioner.apply(desired(v2), { prune: true });
    // At once, the live template is v2's: callers follow it from here.
    const first = await observe();
    expect(first).toMatchObject({ deploymentId: v2.deploymentId });
    const done = await observed('v2 complete', o => o.phase === 'complete');
    expect(done).toEqual({ phase: 'complete', deploymentId: v2.deploymentId });

    const { items } = await core.listNamespacedPod({ namespace });
    const running = items.filter(p => !p.metadata?.deletionTimestamp);
    expect(running.length).toBeGreaterThanOrEqual(2);
    const current = running.filter(
      p =>
        p.metadata?.annotations?.['environments.idp.dev/deployment-id'] ===
        v2.deploymentId,
    );
    expect(current).toHaveLength(2);
    expect(current[0].spec?.containers[0]).toMatchObject({
      image: v2.image,
      env: [{ name: 'LOG_LEVEL', value: 'info' }],
      resources: { limits: { cpu: '250m', memory: '256Mi' } },
    });
  });

  it('writes nothing when the same deployment is applied again, and only the Deployment for a new one', async () => {
    const before = counter.appliesIn(namespace);
    const again = await counted.apply(desired(v2), { prune: true });
    expect(again.writes).toBe(0);
    expect(counter.appliesIn(namespace)).toEqual(before);

    const v3 = { ...v2, deploymentId: `dep-3-${suffix}` };
    const next = await counted.apply(desired(v3), { prune: true });
    expect(next.results.filter(r => r.action !== 'unchanged')).toEqual([
      {
        kind: 'Deployment',
        name: 'orders-service',
        namespace,
        action: 'updated',
      },
    ]);
    const after = counter.appliesIn(namespace);
    const changed = Object.keys(after).filter(
      path => after[path] !== (before[path] ?? 0),
    );
    expect(changed).toEqual([
      `/apis/apps/v1/namespaces/${namespace}/deployments/orders-service`,
    ]);
    await observed(
      'v3 complete',
      o => o.phase === 'complete' && o.deploymentId === v3.deploymentId,
    );
  });

  it('observes an image that cannot be pulled as failed with ImagePullBackOff within seconds', async () => {
    const broken = {
      ...v2,
      image: 'registry.invalid/acme/orders:broken',
      deploymentId: `dep-broken-${suffix}`,
    };
    const started = Date.now();
    await provisioner.apply(desired(broken), { prune: true });
    const failed = await observed(
      'ImagePullBackOff',
      o =>
        o.phase === 'failed' &&
        o.deploymentId === broken.deploymentId &&
        o.reason === 'ImagePullBackOff',
      15_000,
    );
    const seconds = (Date.now() - started) / 1000;
    expect(seconds).toBeLessThan(15);
    const { message } = failed as { message: string };
    expect(message).toMatch(
      /^Pod orders-service-[\w-]+: container orders-service is waiting with ImagePullBackOff: Back-off pulling image "registry\.invalid\/acme\/orders:broken": ErrImagePull: failed to pull image "registry\.invalid\/acme\/orders:broken": .*not found/,
    );
    expect(message).toContain('Kubernetes cannot pull the container image');

    // The rollout keeps the old pods (maxUnavailable): the environment still serves v2.
    const { items } = await core.listNamespacedPod({ namespace });
    expect(
      items.filter(
        p =>
          p.metadata?.annotations?.['environments.idp.dev/deployment-id'] !==
            broken.deploymentId && p.status?.phase === 'Running',
      ).length,
    ).toBeGreaterThan(0);
  });

  it("observes pods the quota has no room for as failed, with Kubernetes' message", async () => {
    // The type's quota allows limits.cpu 2 in all; one pod asking for 3 is refused.
    const tooBig = {
      ...v2,
      replicas: 1,
      resources: { cpu: '3' },
      deploymentId: `dep-quota-${suffix}`,
    };
    await provisioner.apply(desired(tooBig), { prune: true });
    const failed = await observed(
      'ReplicaFailure',
      o => o.phase === 'failed' && o.deploymentId === tooBig.deploymentId,
      30_000,
    );
    expect(failed).toMatchObject({ reason: 'FailedCreate' });
    const { message } = failed as { message: string };
    expect(message).toMatch(
      /^Kubernetes cannot create the pods: .*exceeded quota: environment-quota/,
    );
    expect(message).toContain(
      "The namespace's ResourceQuota (environment-quota)",
    );
  });

  it('observes a deployment scaled to 0 replicas as complete', async () => {
    const none = { ...v2, replicas: 0, deploymentId: `dep-zero-${suffix}` };
    await provisioner.apply(desired(none), { prune: true });
    await observed(
      '0 replicas complete',
      o => o.phase === 'complete' && o.deploymentId === none.deploymentId,
    );
    const { items } = await core.listNamespacedPod({ namespace });
    expect(items.filter(p => !p.metadata?.deletionTimestamp)).toEqual([]);
  });

  it('writes, lists and deletes secrets, never returning a value', async () => {
    expect(await provisioner.listSecrets(environment)).toEqual([]);
    await provisioner.writeSecret(environment, 'db-password', 'hunter2-first');
    await provisioner.writeSecret(environment, 'api-token', 'tok-123');
    await provisioner.writeSecret(environment, 'db-password', 'hunter2-second');

    const keys = await provisioner.listSecrets(environment);
    expect(keys.map(k => k.key)).toEqual(['api-token', 'db-password']);
    for (const { updatedAt } of keys) {
      expect(Date.now() - Date.parse(updatedAt)).toBeLessThan(60_000);
    }
    expect(JSON.stringify(keys)).not.toMatch(/hunter2|tok-123/);

    const secret = await core.readNamespacedSecret({
      name: WORKLOAD_SECRET_NAME,
      namespace,
    });
    expect(Buffer.from(secret.data!['db-password'], 'base64').toString()).toBe(
      'hunter2-second',
    );
    expect(secret.metadata?.labels).toMatchObject({
      'environments.idp.dev/id': environment.id,
    });

    await provisioner.deleteSecret(environment, 'api-token');
    await provisioner.deleteSecret(environment, 'never-set');
    expect(
      (await provisioner.listSecrets(environment)).map(k => k.key),
    ).toEqual(['db-password']);

    const logged = JSON.stringify([
      logger.info.mock.calls,
      logger.warn.mock.calls,
      logger.error.mock.calls,
      logger.debug.mock.calls,
    ]);
    expect(logged).toContain('db-password');
    expect(logged).not.toMatch(/hunter2|tok-123/);
  });

  it('keeps the workload Secret through a reconcile with prune', async () => {
    const outcome = await provisioner.apply(desired(v2), { prune: true });
    expect(outcome.results).not.toContainEqual(
      expect.objectContaining({ kind: 'Secret', action: 'deleted' }),
    );
    const secret = await core.readNamespacedSecret({
      name: WORKLOAD_SECRET_NAME,
      namespace,
    });
    expect(Object.keys(secret.data ?? {})).toEqual(['db-password']);
  });

  it('runs a deployment with a secret reference, the value from the workload Secret', async () => {
    const withSecret = {
      ...v2,
      secretRefs: { DB_PASSWORD: 'db-password' },
      deploymentId: `dep-secret-${suffix}`,
    };
    await provisioner.apply(desired(withSecret), { prune: true });
    await observed(
      'with a secret, complete',
      o => o.phase === 'complete' && o.deploymentId === withSecret.deploymentId,
    );
    const { items } = await core.listNamespacedPod({ namespace });
    const pod = items.find(
      p =>
        p.metadata?.annotations?.['environments.idp.dev/deployment-id'] ===
        withSecret.deploymentId,
    );
    expect(pod?.spec?.containers[0].env).toContainEqual({
      name: 'DB_PASSWORD',
      valueFrom: {
        secretKeyRef: { name: WORKLOAD_SECRET_NAME, key: 'db-password' },
      },
    });
  });

  it('says no value in the errors it throws', async () => {
    const value = `never-in-an-error-${randomBytes(8).toString('hex')}`;
    // More than a Secret may hold (1 MiB): the API server refuses it.
    const tooLarge = value.repeat(Math.ceil((1024 * 1024 + 1) / value.length));
    const refused = await provisioner
      .writeSecret(environment, 'too-large', tooLarge)
      .then(
        () => undefined,
        error => error as Error,
      );
    expect(refused).toBeDefined();
    expect(String(refused)).toMatch(/Failed to set secret too-large/);
    expect(String(refused)).not.toContain(value);
    expect(JSON.stringify(refused)).not.toContain(value);

    const elsewhere = await provisioner
      .writeSecret(
        { id: environment.id, namespace: `it-absent-${suffix}` },
        'db-password',
        value,
      )
      .then(
        () => undefined,
        error => error as Error,
      );
    expect(elsewhere?.name).toBe('ConflictError');
    expect(String(elsewhere)).not.toContain(value);
    expect(JSON.stringify(logger.info.mock.calls)).not.toContain(value);
  });

  it("lets neither the owning team nor the portal's reader read the workload Secret", async () => {
    await ensureReadOnlyAccess(kc());
    const authorization = kc().makeApiClient(AuthorizationV1Api);
    const may = async (
      subject: { user: string; groups?: string[] },
      verb: string,
      resource: string,
    ) => {
      const review = await authorization.createSubjectAccessReview({
        body: {
          spec: {
            ...subject,
            resourceAttributes: {
              namespace,
              verb,
              resource,
              ...(resource === 'secrets' && { name: WORKLOAD_SECRET_NAME }),
            },
          },
        },
      });
      return review.status?.allowed ?? false;
    };
    const owner = { user: 'someone', groups: ['team-orders'] };
    const reader = {
      user: `system:serviceaccount:${PLATFORM_NAMESPACE}:${READER_SERVICE_ACCOUNT}`,
      groups: ['system:serviceaccounts'],
    };
    // Both are bound in the namespace (the owner to ENVIRONMENT_OWNER_ROLE)...
    expect(await may(owner, 'get', 'pods')).toBe(true);
    expect(await may(reader, 'get', 'pods')).toBe(true);
    // ...and neither reads secrets.
    for (const subject of [owner, reader]) {
      for (const verb of ['get', 'list', 'watch']) {
        expect(await may(subject, verb, 'secrets')).toBe(false);
      }
    }
  });

  it('deletes the workload Secret with the namespace on teardown', async () => {
    await provisioner.teardown(environment);
    await expect(
      core.readNamespacedSecret({ name: WORKLOAD_SECRET_NAME, namespace }),
    ).rejects.toMatchObject({ code: 404 });
  });
});
