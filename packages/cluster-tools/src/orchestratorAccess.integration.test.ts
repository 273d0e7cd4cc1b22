import {
  AppsV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  RbacAuthorizationV1Api,
  RbacV1Subject,
  V1RoleBinding,
} from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import {
  ENVIRONMENT_OWNER_ROLE,
  MANAGED_BY_ENVIRONMENTS,
  MANAGED_BY_LABEL,
  ORCHESTRATOR_NAMESPACE_ROLE,
  ORCHESTRATOR_SERVICE_ACCOUNT,
} from '@internal/backstage-plugin-environments-common';
import { ensureOrchestratorAccess } from './orchestratorAccess';
import { kubeConfigForAccess } from './serviceAccountAccess';
import { describeWithCluster, eventually } from './testUtils';

jest.setTimeout(120_000);

const forbidden = { code: 403 };
/** Nothing the orchestrator must not do is really attempted: if allowed, it would change nothing. */
const dryRun = 'All';

function roleBinding(
  namespace: string,
  name: string,
  role: string,
  subject: RbacV1Subject,
): V1RoleBinding {
  return {
    metadata: { name, namespace },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: role,
    },
    subjects: [subject],
  };
}

const orchestratorSubject: RbacV1Subject = {
  kind: 'ServiceAccount',
  name: ORCHESTRATOR_SERVICE_ACCOUNT,
  namespace: 'idp-system',
};
const teamSubject: RbacV1Subject = {
  apiGroup: 'rbac.authorization.k8s.io',
  kind: 'Group',
  name: 'team-orders',
};

describeWithCluster('the environments orchestrator ServiceAccount', kc => {
  const namespace = `it-env-${randomBytes(3).toString('hex')}`;
  let orchestrator: KubeConfig;
  let core: CoreV1Api;
  let rbac: RbacAuthorizationV1Api;

  beforeAll(async () => {
    orchestrator = kubeConfigForAccess(
      await ensureOrchestratorAccess(kc()),
      'orchestrator',
    );
    core = orchestrator.makeApiClient(CoreV1Api);
    rbac = orchestrator.makeApiClient(RbacAuthorizationV1Api);
  });

  afterAll(async () => {
    await kc()
      .makeApiClient(CoreV1Api)
      .deleteNamespace({ name: namespace })
      .catch(() => {});
  });

  it('creates an environment namespace, binds itself and the owning team in it, writes a secret there, and deletes it', async () => {
    await core.createNamespace({
      body: {
        metadata: {
          name: namespace,
          labels: { [MANAGED_BY_LABEL]: MANAGED_BY_ENVIRONMENTS },
        },
      },
    });
    // Before binding itself its namespace role, it holds nothing inside.
    await expect(
      core.listNamespacedSecret({ namespace }),
    ).rejects.toMatchObject(forbidden);

    await rbac.createNamespacedRoleBinding({
      namespace,
      body: roleBinding(
        namespace,
        'orchestrator',
        ORCHESTRATOR_NAMESPACE_ROLE,
        orchestratorSubject,
      ),
    });
    await rbac.createNamespacedRoleBinding({
      namespace,
      body: roleBinding(
        namespace,
        'environment-owner',
        ENVIRONMENT_OWNER_ROLE,
        teamSubject,
      ),
    });
    const secret = await eventually('the namespace role in effect', () =>
      core.createNamespacedSecret({
        namespace,
        body: { metadata: { name: 'db' }, stringData: { password: 'p' } },
      }),
    );
    expect(secret.metadata?.name).toBe('db');
    await expect(
      core.readNamespacedSecret({ name: 'db', namespace }),
    ).resolves.toMatchObject({ data: { password: 'cA==' } });

    await core.deleteNamespace({ name: namespace });
  });

  it('lists workloads and pods across namespaces, as its status watch does, but reads no secret outside its namespaces', async () => {
    await expect(
      orchestrator.makeApiClient(AppsV1Api).listDeploymentForAllNamespaces({
        labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY_ENVIRONMENTS}`,
      }),
    ).resolves.toBeDefined();
    await expect(
      core.listPodForAllNamespaces({
        labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY_ENVIRONMENTS}`,
      }),
    ).resolves.toBeDefined();

    await expect(
      core.listNamespacedSecret({ namespace: 'kube-system' }),
    ).rejects.toMatchObject(forbidden);
    await expect(
      core.readNamespacedSecret({
        name: `${ORCHESTRATOR_SERVICE_ACCOUNT}-token`,
        namespace: 'idp-system',
      }),
    ).rejects.toMatchObject(forbidden);
    await expect(core.listSecretForAllNamespaces()).rejects.toMatchObject(
      forbidden,
    );
  });

  it('cannot delete nodes, create cluster role bindings or bind cluster-admin', async () => {
    const [node] = (await kc().makeApiClient(CoreV1Api).listNode()).items;
    await expect(
      core.deleteNode({ name: node.metadata!.name!, dryRun }),
    ).rejects.toMatchObject(forbidden);
    await expect(
      rbac.createClusterRoleBinding({
        dryRun,
        body: {
          metadata: { name: 'it-orchestrator-admin' },
          roleRef: {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'ClusterRole',
            name: 'cluster-admin',
          },
          subjects: [orchestratorSubject],
        },
      }),
    ).rejects.toMatchObject(forbidden);

    const envNamespace = `${namespace}-b`;
    await core.createNamespace({
      body: {
        metadata: {
          name: envNamespace,
          labels: { [MANAGED_BY_LABEL]: MANAGED_BY_ENVIRONMENTS },
        },
      },
    });
    try {
      // Not even in a namespace of its own: RBAC's escalation check.
      await expect(
        rbac.createNamespacedRoleBinding({
          namespace: envNamespace,
          dryRun,
          body: roleBinding(
            envNamespace,
            'admin',
            'cluster-admin',
            orchestratorSubject,
          ),
        }),
      ).rejects.toMatchObject(forbidden);
    } finally {
      await core.deleteNamespace({ name: envNamespace });
    }
  });

  it('cannot step outside environment namespaces: no binding in, labelling or deleting kube-system, no unlabelled namespace', async () => {
    const attempts: Array<[string, () => Promise<unknown>]> = [
      [
        'bind itself edit in kube-system',
        () =>
          rbac.createNamespacedRoleBinding({
            namespace: 'kube-system',
            dryRun,
            body: roleBinding('kube-system', 'x', 'edit', orchestratorSubject),
          }),
      ],
      [
        'delete kube-system',
        () => core.deleteNamespace({ name: 'kube-system', dryRun }),
      ],
      [
        'label kube-system as an environment namespace',
        () =>
          core.patchNamespace({
            name: 'kube-system',
            dryRun,
            body: [
              {
                op: 'add',
                path: `/metadata/labels/${MANAGED_BY_LABEL.replace('/', '~1')}`,
                value: MANAGED_BY_ENVIRONMENTS,
              },
            ],
          }),
      ],
      [
        'create a namespace that is not an environment',
        () =>
          core.createNamespace({
            dryRun,
            body: { metadata: { name: `${namespace}-plain` } },
          }),
      ],
    ];
    for (const [what, attempt] of attempts) {
      // The admission policy takes effect a moment after `connect` creates it.
      const error = await eventually(`denied: ${what}`, async () =>
        attempt().then(
          () => undefined,
          e => e,
        ),
      );
      expect({ what, code: error.code }).toEqual({ what, code: 403 });
    }
  });

  it('holds no rights on secrets or configuration in kube-system, by its own review', async () => {
    const review = await orchestrator
      .makeApiClient(AuthorizationV1Api)
      .createSelfSubjectRulesReview({
        body: { spec: { namespace: 'kube-system' } },
      });
    const verbsOn = (resource: string) =>
      review.status!.resourceRules.flatMap(r =>
        r.resources?.includes(resource) || r.resources?.includes('*')
          ? r.verbs
          : [],
      );
    expect(verbsOn('secrets')).toEqual([]);
    expect(verbsOn('configmaps')).toEqual([]);
    expect(verbsOn('pods').sort()).toEqual(['list', 'watch']);
  });
});
