import { mockServices } from '@backstage/backend-test-utils';
import {
  describeWithCluster,
  eventually,
  orchestratorKubeConfig,
} from '@internal/cluster-tools/testUtils';
import {
  AppsV1Api,
  CoreV1Api,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { desiredObjects } from './desiredObjects';
import {
  AdmissionRefusedError,
  KubernetesProvisioner,
} from './KubernetesProvisioner';
import {
  developmentEnvironment,
  developmentType,
  testDrivers,
} from './__testUtils__/fixtures';

jest.setTimeout(180_000);

// Kubernetes admission stays the last line behind the platform's policies
// (issue 16, part 5): a change is sent as a server-side dry run first, so an
// object the cluster refuses refuses the whole change before anything of it
// is written. The refusal here comes from a ValidatingAdmissionPolicy, which
// the API server evaluates itself, as it would a webhook's answer.
describeWithCluster('Admission refusals on the local control plane', kc => {
  const suffix = randomBytes(3).toString('hex');
  const environment = developmentEnvironment({
    id: `adm-${suffix}`,
    namespace: `adm-orders-${suffix}`,
    spec: {
      componentRef: 'component:default/orders-service',
      type: 'development',
      name: 'development',
      resources: [],
    },
  });
  const { namespace } = environment;
  const policyName = `idp-test-no-evil-${suffix}`;
  const refusal = 'images from evil.example.com are refused by this cluster';

  let core: CoreV1Api;
  let apps: AppsV1Api;
  let admin: KubernetesObjectApi;
  let provisioner: KubernetesProvisioner;

  const desired = (image: string, tier = 'development') =>
    desiredObjects({
      environment,
      type: {
        ...developmentType,
        baseline: {
          ...developmentType.baseline,
          labels: { 'platform.example.com/tier': tier },
        },
      },
      workload: { image },
      drivers: testDrivers,
      credentials: {},
    });

  beforeAll(async () => {
    core = kc().makeApiClient(CoreV1Api);
    apps = kc().makeApiClient(AppsV1Api);
    admin = KubernetesObjectApi.makeApiClient(kc());
    provisioner = KubernetesProvisioner.create({
      kubeConfig: await orchestratorKubeConfig(kc()),
      logger: mockServices.logger.mock(),
      drivers: testDrivers,
    });
    await provisioner.apply(desired('ghcr.io/acme/orders-service:1.0.0'));
    await admin.create({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: policyName },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [
            {
              apiGroups: ['apps'],
              apiVersions: ['v1'],
              operations: ['CREATE', 'UPDATE'],
              resources: ['deployments'],
            },
          ],
        },
        validations: [
          {
            expression:
              "object.spec.template.spec.containers.all(c, !c.image.startsWith('evil.example.com/'))",
            message: refusal,
          },
        ],
      },
    } as any);
    await admin.create({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: policyName },
      spec: {
        policyName,
        validationActions: ['Deny'],
        matchResources: {
          namespaceSelector: {
            matchLabels: { 'kubernetes.io/metadata.name': namespace },
          },
        },
      },
    } as any);
  });

  afterAll(async () => {
    for (const kind of [
      'ValidatingAdmissionPolicyBinding',
      'ValidatingAdmissionPolicy',
    ]) {
      await admin
        .delete({
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind,
          metadata: { name: policyName },
        })
        .catch(() => {});
    }
    await core?.deleteNamespace({ name: namespace }).catch(() => {});
  });

  it('refuses the whole change with the admission message, and applies nothing of it', async () => {
    // The API server picks a new policy up within a moment: until it
    // refuses a probe of the cluster admin, the change would go through.
    await eventually(
      'the admission policy is in force',
      async () =>
        admin
          .create(
            {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              metadata: { name: 'probe', namespace },
              spec: {
                selector: { matchLabels: { app: 'probe' } },
                template: {
                  metadata: { labels: { app: 'probe' } },
                  spec: {
                    containers: [
                      { name: 'probe', image: 'evil.example.com/probe:1' },
                    ],
                  },
                },
              },
            } as any,
            undefined,
            'All',
          )
          .then(
            () => undefined,
            () => true,
          ),
      30_000,
    );
    const error = await provisioner
      .apply(desired('evil.example.com/orders-service:6.6.6', 'changed'))
      .catch(e => e);
    expect(error).toBeInstanceOf(AdmissionRefusedError);
    expect(error.message).toContain(
      `Kubernetes refused Deployment orders-service in namespace ${namespace} in a server-side dry run, so nothing of this change was applied`,
    );
    expect(error.message).toContain(refusal);

    // The Namespace comes before the Deployment in the apply order: with
    // the dry run first it kept its labels.
    const live = await core.readNamespace({ name: namespace });
    expect(live.metadata?.labels?.['platform.example.com/tier']).toBe(
      'development',
    );
    const deployment = await apps.readNamespacedDeployment({
      name: 'orders-service',
      namespace,
    });
    expect(deployment.spec?.template.spec?.containers[0].image).toBe(
      'ghcr.io/acme/orders-service:1.0.0',
    );
  });

  it('applies the same change with an image the cluster admits', async () => {
    const outcome = await provisioner.apply(
      desired('ghcr.io/acme/orders-service:1.1.0', 'changed'),
    );
    expect(outcome.writes).toBe(2);
    const live = await core.readNamespace({ name: namespace });
    expect(live.metadata?.labels?.['platform.example.com/tier']).toBe(
      'changed',
    );
  });
});
