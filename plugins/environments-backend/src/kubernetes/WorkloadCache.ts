import { KubernetesObject } from '@kubernetes/client-node';

type Objects = Map<string, Map<string, KubernetesObject>>;

/**
 * The objects a cluster's `WorkloadWatch` has seen, by kind, namespace and
 * name: what the API server would list now, as of the last watch event.
 *
 * Reading a rollout or a status from here instead of the API server is what
 * keeps a rollout cheap: the watch already received every object it changed
 * (a rollout is dozens of pod and Deployment events), and each look would
 * otherwise list them again. A kind is `live` from its list until its watch
 * fails or stops; then it may be stale and readers fall back to the API
 * server until it is listed again.
 */
export class WorkloadCache {
  private readonly byKind = new Map<string, Objects>();
  private readonly live = new Set<string>();

  /** The watch of `kind` listed `items`: they replace what was known of it. */
  replace(kind: string, items: KubernetesObject[]): void {
    const objects: Objects = new Map();
    for (const item of items) {
      put(objects, item);
    }
    this.byKind.set(kind, objects);
    this.live.add(kind);
  }

  /** One watch event of `kind`. */
  update(kind: string, type: string, object: KubernetesObject): void {
    const objects = this.byKind.get(kind);
    if (!objects) {
      return;
    }
    if (type === 'DELETED') {
      const namespace = objects.get(object.metadata?.namespace ?? '');
      namespace?.delete(object.metadata?.name ?? '');
      if (namespace?.size === 0) {
        objects.delete(object.metadata?.namespace ?? '');
      }
    } else if (type === 'ADDED' || type === 'MODIFIED') {
      put(objects, object);
    }
  }

  /** The watch of `kind` failed or stopped: what is known may be stale. */
  invalidate(kind: string): void {
    this.live.delete(kind);
    this.byKind.delete(kind);
  }

  /**
   * The objects of `kind` in `namespace` that carry every label of
   * `labels`, or undefined when the watch of `kind` is not live.
   */
  list(
    kind: string,
    namespace: string,
    labels: Record<string, string>,
  ): KubernetesObject[] | undefined {
    if (!this.live.has(kind)) {
      return undefined;
    }
    const objects = this.byKind.get(kind)?.get(namespace);
    if (!objects) {
      return [];
    }
    const wanted = Object.entries(labels);
    return [...objects.values()].filter(object =>
      wanted.every(([key, value]) => object.metadata?.labels?.[key] === value),
    );
  }
}

function put(objects: Objects, object: KubernetesObject) {
  const namespace = object.metadata?.namespace ?? '';
  let names = objects.get(namespace);
  if (!names) {
    names = new Map();
    objects.set(namespace, names);
  }
  names.set(object.metadata?.name ?? '', object);
}
