import { KubernetesObject } from '@kubernetes/client-node';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KUBERNETES_ID_LABEL } from '@internal/backstage-plugin-environments-common';

type CatalogComponent = {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { type: string; system?: string; lifecycle?: string };
};

/** Components of the seed catalog that run somewhere: they carry a kubernetes-id. */
export function readDeployableComponents(
  catalogDir: string,
): CatalogComponent[] {
  const dir = path.join(catalogDir, 'components');
  return fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.yaml'))
    .sort()
    .flatMap(f =>
      parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map(
        d => d.toJS() as CatalogComponent,
      ),
    )
    .filter(
      e =>
        e?.kind === 'Component' &&
        e.metadata.annotations?.[KUBERNETES_ID_LABEL],
    );
}

/**
 * A Deployment and a Service per component, in a namespace per system, labelled for
 * Backstage's Kubernetes plugin. Images are illustrative: kwok's simulated nodes run
 * pods without pulling anything.
 */
export function seedWorkloadObjects(
  components: CatalogComponent[],
): KubernetesObject[] {
  const namespaces = new Set<string>();
  const objects: KubernetesObject[] = [];
  for (const component of components) {
    const id = component.metadata.annotations![KUBERNETES_ID_LABEL];
    const namespace = component.spec.system ?? 'default';
    const labels = {
      [KUBERNETES_ID_LABEL]: id,
      'app.kubernetes.io/name': id,
      'app.kubernetes.io/part-of': namespace,
      'app.kubernetes.io/managed-by': 'idp-platform-seed',
    };
    namespaces.add(namespace);
    objects.push(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: id, namespace, labels },
        spec: {
          replicas: 2,
          selector: { matchLabels: { 'app.kubernetes.io/name': id } },
          template: {
            metadata: { labels },
            spec: {
              containers: [
                {
                  name: id,
                  image: `registry.acme.example/${namespace}/${id}:1.4.2`,
                  ports: [{ name: 'http', containerPort: 8080 }],
                  resources: {
                    requests: { cpu: '100m', memory: '128Mi' },
                    limits: { cpu: '500m', memory: '256Mi' },
                  },
                },
              ],
            },
          },
        },
      } as KubernetesObject,
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: id, namespace, labels },
        spec: {
          selector: { 'app.kubernetes.io/name': id },
          ports: [{ name: 'http', port: 80, targetPort: 'http' }],
        },
      } as KubernetesObject,
    );
  }
  return [
    ...[...namespaces].map(name => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        labels: { 'app.kubernetes.io/managed-by': 'idp-platform-seed' },
      },
    })),
    ...objects,
  ];
}
