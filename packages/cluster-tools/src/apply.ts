import {
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';

export const FIELD_MANAGER = 'idp-platform';

/**
 * Declarative, idempotent writes: server-side apply with the platform's field manager,
 * so applying the same objects twice changes nothing.
 */
export async function applyAll(kc: KubeConfig, objects: KubernetesObject[]) {
  const client = KubernetesObjectApi.makeApiClient(kc);
  const applied: KubernetesObject[] = [];
  for (const object of objects) {
    applied.push(
      await client.patch(
        object,
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      ),
    );
  }
  return applied;
}
