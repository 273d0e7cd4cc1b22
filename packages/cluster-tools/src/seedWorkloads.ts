import { KubernetesObject } from '@kubernetes/client-node';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  KUBERNETES_ID_LABEL,
  KUBERNETES_NAMESPACE_ANNOTATION,
} from '@internal/backstage-plugin-environments-common';
import { readerBindingObject } from './readOnlyAccess';

const SEED_MANAGED_BY = { 'app.kubernetes.io/managed-by': 'idp-platform-seed' };

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

/** Where a seed component runs: its `backstage.io/kubernetes-namespace`, else its system. */
export function seedNamespaceOf(component: CatalogComponent): string {
  return (
    component.metadata.annotations?.[KUBERNETES_NAMESPACE_ANNOTATION] ??
    component.spec.system ??
    'default'
  );
}

/**
 * A Deployment and a Service per component, in its namespace (one per system),
 * labelled for Backstage's Kubernetes plugin, and in each namespace the RoleBinding
 * that lets the portal's reader read it. Images are illustrative: kwok's simulated
 * nodes run pods without pulling anything.
 */
export function seedWorkloadObjects(
  components: CatalogComponent[],
): KubernetesObject[] {
  const namespaces = new Set<string>();
  const objects: KubernetesObject[] = [];
  for (const component of components) {
    const id = component.metadata.annotations![KUBERNETES_ID_LABEL];
    const namespace = seedNamespaceOf(component);
    const labels = {
      [KUBERNETES_ID_LABEL]: id,
      'app.kubernetes.io/name': id,
      'app.kubernetes.io/part-of': namespace,
      ...SEED_MANAGED_BY,
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
    ...[...namespaces].flatMap(name => [
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, labels: SEED_MANAGED_BY },
      },
      readerBindingObject(name, SEED_MANAGED_BY),
    ]),
    ...objects,
  ];
}
