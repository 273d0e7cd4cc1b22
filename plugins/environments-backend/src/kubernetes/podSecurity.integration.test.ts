import { mockServices } from '@backstage/backend-test-utils';
import {
  describeWithCluster,
  eventually,
  orchestratorKubeConfig,
} from '@internal/cluster-tools/testUtils';
import { AuthorizationV1Api, CoreV1Api, V1Pod } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { desiredObjects, ResourceCredentials } from './desiredObjects';
import { KubernetesProvisioner } from './KubernetesProvisioner';
import { environmentSelector } from './labels';
import {
  developmentEnvironment,
  developmentType,
  testDrivers,
} from './__testUtils__/fixtures';

jest.setTimeout(180_000);

const API_GROUPS: Record<string, string> = {
  deployments: 'apps',
  statefulsets: 'apps',
  rolebindings: 'rbac.authorization.k8s.io',
};

// The tenancy of an environment namespace as the real API server holds it:
// Pod Security Admission (on by default in kube-apiserver, and not turned off
// in scripts/local-cluster) enforces the type's level, restricted here, and
// the owning team's role is the documented minimum.
describeWithCluster(
  'Pod Security and access in an environment namespace',
  kc => {
    const suffix = randomBytes(3).toString('hex');
    const environment = developmentEnvironment({
      id: `it-psa-${suffix}`,
      namespace: `it-psa-${suffix}`,
      spec: {
        componentRef: 'component:default/orders-service',
        type: 'development',
        name: 'development',
        resources: [
          { type: 'postgresql', name: 'orders-db' },
          { type: 'redis', name: 'sessions' },
        ],
      },
    });
    const { namespace } = environment;

    let core: CoreV1Api;
    let provisioner: KubernetesProvisioner;

    beforeAll(async () => {
      core = kc().makeApiClient(CoreV1Api);
      provisioner = KubernetesProvisioner.create({
        kubeConfig: await orchestratorKubeConfig(kc()),
        logger: mockServices.logger.mock(),
        drivers: testDrivers,
      });
    });

    afterAll(async () => {
      await core?.deleteNamespace({ name: namespace }).catch(() => {});
    });

    it('reaches ready with PostgreSQL and Redis under the restricted level', async () => {
      const credentials: ResourceCredentials = {};
      for (const name of ['orders-db', 'sessions']) {
        credentials[name] = await provisioner.readOrCreateCredentials(
          namespace,
          name,
        );
      }
      await provisioner.apply(
        desiredObjects({
          environment,
          type: developmentType,
          workload: { image: 'ghcr.io/acme/orders-service:1.4.2' },
          drivers: testDrivers,
          credentials,
        }),
      );

      const live = await core.readNamespace({ name: namespace });
      expect(live.metadata?.labels).toMatchObject({
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
      });
      const status = await eventually(
        'status ready',
        async () => {
          const s = await provisioner.status(environment);
          return s.ready ? s : undefined;
        },
        120_000,
      );
      expect(
        status.conditions.map(c => `${c.kind} ${c.name} ${c.status}`),
      ).toEqual([
        'Deployment orders-service ready',
        'StatefulSet orders-db ready',
        'StatefulSet sessions ready',
      ]);
      const { items } = await core.listNamespacedPod({
        namespace,
        labelSelector: environmentSelector(environment.id),
      });
      expect(items).toHaveLength(3);
    });

    // A pod that meets restricted, so that each case below breaks one rule.
    const compliant = (name: string): V1Pod => ({
      metadata: { name, namespace },
      spec: {
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 1000,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        containers: [
          {
            name: 'shell',
            image: 'busybox:1.36',
            securityContext: {
              allowPrivilegeEscalation: false,
              capabilities: { drop: ['ALL'] },
            },
          },
        ],
      },
    });
    const refusal = async (pod: V1Pod) => {
      try {
        await core.createNamespacedPod({ namespace, body: pod, dryRun: 'All' });
      } catch (error) {
        const { code, body } = error as { code?: number; body?: string };
        return { code, message: JSON.parse(body ?? '{}').message as string };
      }
      return undefined;
    };

    it('admits a pod that meets restricted', async () => {
      expect(await refusal(compliant('fine'))).toBeUndefined();
    });

    it.each<[string, (pod: V1Pod) => void, string]>([
      [
        'a privileged container',
        pod => {
          pod.spec!.containers[0].securityContext = {
            privileged: true,
            capabilities: { drop: ['ALL'] },
          };
        },
        'privileged (container "shell" must not set securityContext.privileged=true)',
      ],
      [
        'the host PID namespace',
        pod => {
          pod.spec!.hostPID = true;
        },
        'host namespaces (hostPID=true)',
      ],
      [
        'the host network',
        pod => {
          pod.spec!.hostNetwork = true;
        },
        'host namespaces (hostNetwork=true)',
      ],
      [
        "the node's root directory",
        pod => {
          pod.spec!.volumes = [{ name: 'root', hostPath: { path: '/' } }];
        },
        'restricted volume types',
      ],
      [
        'root',
        pod => {
          pod.spec!.securityContext!.runAsNonRoot = false;
          pod.spec!.securityContext!.runAsUser = 0;
        },
        'runAsNonRoot != true',
      ],
      [
        'added capabilities',
        pod => {
          pod.spec!.containers[0].securityContext!.capabilities = {
            add: ['SYS_ADMIN'],
            drop: ['ALL'],
          };
        },
        'unrestricted capabilities',
      ],
    ])('refuses a pod with %s', async (_what, change, rule) => {
      const pod = compliant('hostile');
      change(pod);

      const refused = await refusal(pod);

      expect(refused).toEqual({
        code: 403,
        message: expect.stringContaining(
          'violates PodSecurity "restricted:latest"',
        ),
      });
      expect(refused?.message).toContain(rule);
    });

    describe('the owning team', () => {
      const team = {
        user: 'jane',
        groups: ['team-orders', 'system:authenticated'],
      };
      const may = async (
        verb: string,
        resource: string,
        subresource?: string,
      ) => {
        const review = await kc()
          .makeApiClient(AuthorizationV1Api)
          .createSubjectAccessReview({
            body: {
              spec: {
                ...team,
                resourceAttributes: {
                  namespace,
                  verb,
                  resource,
                  ...(subresource && { subresource }),
                  group: API_GROUPS[resource] ?? '',
                },
              },
            },
          });
        return review.status?.allowed === true;
      };

      it('sees what runs there, its logs and events, and may restart a pod', async () => {
        expect(await may('list', 'pods')).toBe(true);
        expect(await may('get', 'pods', 'log')).toBe(true);
        expect(await may('list', 'events')).toBe(true);
        expect(await may('get', 'deployments')).toBe(true);
        expect(await may('delete', 'pods')).toBe(true);
      });

      it('may not read secrets, run pods, exec into them or change what the platform renders', async () => {
        expect(await may('get', 'secrets')).toBe(false);
        expect(await may('list', 'secrets')).toBe(false);
        expect(await may('create', 'pods')).toBe(false);
        expect(await may('create', 'pods', 'exec')).toBe(false);
        expect(await may('create', 'pods', 'portforward')).toBe(false);
        expect(await may('patch', 'deployments')).toBe(false);
        expect(await may('create', 'statefulsets')).toBe(false);
        expect(await may('delete', 'resourcequotas')).toBe(false);
        expect(await may('create', 'rolebindings')).toBe(false);
      });
    });

    it('tears down', async () => {
      await provisioner.teardown(environment);
      await expect(
        core.readNamespace({ name: namespace }),
      ).rejects.toMatchObject({ code: 404 });
    });
  },
);
