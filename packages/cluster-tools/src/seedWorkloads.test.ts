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
});
