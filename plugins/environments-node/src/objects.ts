import {
  V1EnvFromSource,
  V1ObjectMeta,
  V1StatefulSet,
} from '@kubernetes/client-node';
import {
  ObservedObjects,
  resourceCredentialsSecretName,
  ResourceReadiness,
  ResourceRenderContext,
  ResourceRequest,
} from './driver';
import { workloadConditions } from './workloadConditions';

/**
 * The metadata of an object a driver renders: its name, the environment's
 * namespace, and the environment's labels with the driver's own.
 *
 * @public
 */
export function objectMetadata(
  context: Pick<ResourceRenderContext<ResourceRequest>, 'namespace' | 'labels'>,
  name: string,
  extraLabels: Record<string, string> = {},
): V1ObjectMeta & { labels: Record<string, string> } {
  return {
    name,
    namespace: context.namespace,
    labels: { ...context.labels, ...extraLabels },
  };
}

/**
 * The base64 of a text, as a Secret's `data` holds it.
 *
 * @public
 */
export function base64(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64');
}

/**
 * The `envFrom` entry that gives the component's containers every key of a
 * resource's credentials Secret, prefixed with the resource's name:
 * `orders-db` gives `ORDERS_DB_URL`, `ORDERS_DB_PASSWORD` and so on.
 *
 * @public
 */
export function credentialsEnvFrom(resourceName: string): V1EnvFromSource[] {
  return [
    {
      prefix: `${resourceName.toUpperCase().replace(/-/g, '_')}_`,
      secretRef: { name: resourceCredentialsSecretName(resourceName) },
    },
  ];
}

/**
 * The readiness of the observed StatefulSets that carry `labels`: ready once
 * every replica is available at the current generation, otherwise pending,
 * or failed when a pod's container cannot start (the pod says why).
 *
 * @public
 */
export function statefulSetReadiness(
  { objects, pods }: ObservedObjects,
  labels: Record<string, string>,
): ResourceReadiness[] {
  const statefulSets = objects.filter(
    (object): object is V1StatefulSet =>
      object.kind === 'StatefulSet' &&
      Object.entries(labels).every(
        ([key, value]) => object.metadata?.labels?.[key] === value,
      ),
  );
  return workloadConditions({ deployments: [], statefulSets, pods });
}
