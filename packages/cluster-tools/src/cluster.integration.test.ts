import {
  AppsV1Api,
  CoreV1Api,
  KubernetesObject,
  V1Pod,
  Watch,
} from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { applyAll } from './apply';
import {
  MANAGED_BY_ENVIRONMENTS,
  MANAGED_BY_LABEL,
  READER_CLUSTER_ROLE,
} from '@internal/backstage-plugin-environments-common';
import { ensureReadOnlyAccess, readerBindingObject } from './readOnlyAccess';
import { kubeConfigForAccess } from './serviceAccountAccess';
import {
  describeWithCluster,
  eventually,
  orchestratorKubeConfig,
} from './testUtils';

jest.setTimeout(120_000);

describeWithCluster('the local control plane', kc => {
  const namespace = `it-${randomBytes(3).toString('hex')}`;
  const labels = { app: 'echo', 'backstage.io/kubernetes-id': 'echo' };
  let core: CoreV1Api;

  beforeAll(() => {
    core = kc().makeApiClient(CoreV1Api);
  });

  afterAll(async () => {
    await core?.deleteNamespace({ name: namespace }).catch(() => {});
  });

  const echoDeployment = (replicas: number) =>
    ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'echo', namespace, labels },
      spec: {
        replicas,
        selector: { matchLabels: { app: 'echo' } },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              { name: 'echo', image: 'registry.acme.example/echo:1.0.0' },
            ],
          },
        },
      },
    } as KubernetesObject);

  const runningPods = async (expected: number) => {
    const { items } = await core.listNamespacedPod({
      namespace,
      labelSelector: 'app=echo',
    });
    const running = items.filter(p => p.status?.phase === 'Running');
    return running.length === expected ? running : undefined;
  };

  it('runs a Deployment and Service: pods reach Running', async () => {
    await applyAll(kc(), [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
      echoDeployment(2),
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'echo', namespace, labels },
        spec: {
          selector: { app: 'echo' },
          ports: [{ port: 80, targetPort: 8080 }],
        },
      } as any,
    ]);
    const pods = await eventually('2 pods Running', () => runningPods(2));
    expect(pods.every(p => p.spec?.nodeName)).toBe(true);
    const service = await core.readNamespacedService({
      name: 'echo',
      namespace,
    });
    expect(service.spec?.clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it("serves the pods' logs", async () => {
    const [pod] = (await runningPods(2))!;
    const log = await core.readNamespacedPodLog({
      name: pod.metadata!.name!,
      namespace,
    });
    expect(log).toContain('simulated container started');
  });

  it('delivers watch events as the Deployment scales', async () => {
    const added: string[] = [];
    const watch = new Watch(kc());
    const request = await watch.watch(
      `/api/v1/namespaces/${namespace}/pods`,
      { labelSelector: 'app=echo' },
      (phase: string, pod: V1Pod) => {
        if (phase === 'ADDED') added.push(pod.metadata!.name!);
      },
      () => {},
    );
    try {
      // The initial list arrives as ADDED events for the 2 existing pods.
      await eventually('initial events', async () =>
        added.length >= 2 ? true : undefined,
      );
      await applyAll(kc(), [echoDeployment(3)]);
      await eventually('an ADDED event for the third pod', async () =>
        added.length >= 3 ? true : undefined,
      );
      await eventually('3 pods Running', () => runningPods(3));
    } finally {
      request.abort();
    }
  });

  it('gives the portal read-only access: it can read pods and logs, not change anything', async () => {
    const access = await ensureReadOnlyAccess(kc());
    const reader = kubeConfigForAccess(access, 'reader');
    const readerCore = reader.makeApiClient(CoreV1Api);
    // Bound in this namespace, as `seed` binds it in the seed workloads' ones.
    await applyAll(kc(), [readerBindingObject(namespace)]);
    const { items } = await eventually('the binding in effect', () =>
      readerCore.listNamespacedPod({ namespace }),
    );
    expect(items.length).toBe(3);
    await expect(
      readerCore.readNamespacedPodLog({
        name: items[0].metadata!.name!,
        namespace,
      }),
    ).resolves.toContain('simulated container');
    await expect(
      readerCore.deleteNamespacedPod({
        name: items[0].metadata!.name!,
        namespace,
      }),
    ).rejects.toMatchObject({ code: 403 });
    await expect(
      reader.makeApiClient(AppsV1Api).createNamespacedDeployment({
        namespace,
        body: {
          metadata: { name: 'nope' },
          spec: { selector: {}, template: {} },
        } as any,
      }),
    ).rejects.toMatchObject({ code: 403 });
  });

  it("reads only the namespaces that bind it: not kube-system's pods or ConfigMaps, nothing cluster-wide", async () => {
    // A cluster connected before the reader lost its cluster-wide binding.
    await applyAll(kc(), [
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: READER_CLUSTER_ROLE },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: READER_CLUSTER_ROLE,
        },
        subjects: [
          {
            kind: 'ServiceAccount',
            name: 'backstage-reader',
            namespace: 'idp-system',
          },
        ],
      } as KubernetesObject,
    ]);
    const readerCore = kubeConfigForAccess(
      await ensureReadOnlyAccess(kc()),
      'reader',
    ).makeApiClient(CoreV1Api);
    // RBAC takes the removal of a binding into account within milliseconds.
    await eventually('the cluster-wide binding gone', () =>
      readerCore.listConfigMapForAllNamespaces().then(
        () => undefined,
        (error: { code?: number }) => (error.code === 403 ? true : undefined),
      ),
    );

    for (const read of [
      () => readerCore.listNamespacedConfigMap({ namespace: 'kube-system' }),
      () =>
        readerCore.readNamespacedConfigMap({
          name: 'kube-root-ca.crt',
          namespace: 'kube-system',
        }),
      () => readerCore.listNamespacedEvent({ namespace: 'kube-system' }),
      () => readerCore.listConfigMapForAllNamespaces(),
      () => readerCore.listSecretForAllNamespaces(),
      () => readerCore.listNamespace(),
    ]) {
      await expect(read()).rejects.toMatchObject({ code: 403 });
    }
    // What the Kubernetes tab lists by label across namespaces stays readable.
    await expect(
      readerCore.listPodForAllNamespaces({
        labelSelector: 'backstage.io/kubernetes-id=echo',
      }),
    ).resolves.toMatchObject({ items: expect.any(Array) });
    // Still bound where it is meant to read.
    await expect(
      readerCore.listNamespacedPod({ namespace }),
    ).resolves.toMatchObject({ items: expect.any(Array) });
  });

  it('reads an environment namespace once the orchestrator has bound it there', async () => {
    const envNamespace = `it-env-${randomBytes(3).toString('hex')}`;
    const readerCore = kubeConfigForAccess(
      await ensureReadOnlyAccess(kc()),
      'reader',
    ).makeApiClient(CoreV1Api);
    const orchestrator = await orchestratorKubeConfig(kc());
    try {
      await applyAll(kc(), [
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: {
            name: envNamespace,
            labels: { [MANAGED_BY_LABEL]: MANAGED_BY_ENVIRONMENTS },
          },
        },
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'echo', namespace: envNamespace, labels },
          spec: {
            containers: [
              { name: 'echo', image: 'registry.acme.example/echo:1.0.0' },
            ],
          },
        } as KubernetesObject,
      ]);
      await expect(
        readerCore.listNamespacedConfigMap({ namespace: envNamespace }),
      ).rejects.toMatchObject({ code: 403 });

      // As the orchestrator renders it in every environment namespace: it
      // may bind the reader's role, which it does not hold itself.
      await applyAll(orchestrator, [
        readerBindingObject(envNamespace, {
          [MANAGED_BY_LABEL]: MANAGED_BY_ENVIRONMENTS,
        }),
      ]);
      const { items } = await eventually('the binding in effect', () =>
        readerCore.listNamespacedPod({
          namespace: envNamespace,
          labelSelector: 'backstage.io/kubernetes-id=echo',
        }),
      );
      expect(items.map(p => p.metadata?.name)).toEqual(['echo']);
      await eventually('ConfigMaps readable there', () =>
        readerCore.listNamespacedConfigMap({ namespace: envNamespace }),
      );
    } finally {
      await core.deleteNamespace({ name: envNamespace }).catch(() => {});
    }
  });

  it('deleting the namespace leaves nothing behind', async () => {
    await core.deleteNamespace({ name: namespace });
    await eventually(
      'namespace gone',
      async () => {
        try {
          await core.readNamespace({ name: namespace });
          return undefined;
        } catch (error) {
          return (error as { code?: number }).code === 404 ? true : undefined;
        }
      },
      90_000,
    );
    const pods = await core.listPodForAllNamespaces({
      labelSelector: 'app=echo',
    });
    expect(pods.items.filter(p => p.metadata?.namespace === namespace)).toEqual(
      [],
    );
  });
});
