import path from 'node:path';
import { readDeployableComponents, seedWorkloadObjects } from './seedWorkloads';

const catalogDir = path.resolve(__dirname, '../../../catalog');

describe('seed workloads', () => {
  it('runs every seed service and website, in a namespace per system', () => {
    const objects = seedWorkloadObjects(readDeployableComponents(catalogDir));
    const deployments = objects.filter(o => o.kind === 'Deployment');
    expect(
      deployments.map(d => `${d.metadata!.namespace}/${d.metadata!.name}`),
    ).toEqual(
      expect.arrayContaining([
        'storefront/orders-service',
        'payments/payments-service',
        'storefront/storefront-web',
      ]),
    );
    // A library has nothing to run.
    expect(deployments.map(d => d.metadata!.name)).not.toContain(
      'design-system',
    );
    for (const deployment of deployments) {
      const template = (deployment as any).spec.template.metadata.labels;
      expect(template['backstage.io/kubernetes-id']).toBe(
        deployment.metadata!.name,
      );
    }
    expect(
      objects
        .filter(o => o.kind === 'Namespace')
        .map(n => n.metadata!.name)
        .sort(),
    ).toEqual(['payments', 'storefront']);
  });

  it("binds the portal's reader in each seed namespace, where the components' Kubernetes tab reads", () => {
    const components = readDeployableComponents(catalogDir);
    const objects = seedWorkloadObjects(components);
    const bindings = objects.filter(o => o.kind === 'RoleBinding') as any[];
    expect(bindings.map(b => b.metadata.namespace).sort()).toEqual([
      'payments',
      'storefront',
    ]);
    for (const binding of bindings) {
      expect(binding).toMatchObject({
        metadata: { name: 'backstage-reader' },
        roleRef: { kind: 'ClusterRole', name: 'idp-backstage-reader' },
        subjects: [
          {
            kind: 'ServiceAccount',
            name: 'backstage-reader',
            namespace: 'idp-system',
          },
        ],
      });
      // After its namespace, which it needs.
      const index = objects.indexOf(binding);
      expect(objects.slice(0, index)).toContainEqual(
        expect.objectContaining({
          kind: 'Namespace',
          metadata: expect.objectContaining({
            name: binding.metadata.namespace,
          }),
        }),
      );
    }
    // The tab lists in the component's namespace only: a cluster-wide list is refused.
    for (const deployment of objects.filter(o => o.kind === 'Deployment')) {
      const component = components.find(
        c =>
          c.metadata.annotations!['backstage.io/kubernetes-id'] ===
          deployment.metadata!.name,
      )!;
      expect(
        component.metadata.annotations!['backstage.io/kubernetes-namespace'],
      ).toBe(deployment.metadata!.namespace);
    }
  });
});
