import { KubeConfig } from '@kubernetes/client-node';

export type ClusterTarget = {
  /** Path of the kubeconfig file. */
  kubeconfig: string;
  /** Context to use; the file's current context when not given. */
  context?: string;
};

/** Loads a kubeconfig and selects the context, failing with a message that names both. */
export function loadKubeConfig({
  kubeconfig,
  context,
}: ClusterTarget): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(kubeconfig);
  } catch (error) {
    throw new Error(
      `cannot read kubeconfig ${kubeconfig}: ${(error as Error).message}`,
    );
  }
  if (context) {
    if (!kc.getContextObject(context)) {
      const known = kc
        .getContexts()
        .map(c => c.name)
        .join(', ');
      throw new Error(
        `kubeconfig ${kubeconfig} has no context '${context}' (it has: ${known})`,
      );
    }
    kc.setCurrentContext(context);
  }
  if (!kc.getCurrentCluster()) {
    throw new Error(
      `kubeconfig ${kubeconfig}: context '${kc.getCurrentContext()}' names no cluster`,
    );
  }
  return kc;
}
