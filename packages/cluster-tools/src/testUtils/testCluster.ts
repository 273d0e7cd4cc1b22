import { KubeConfig } from '@kubernetes/client-node';
import { loadKubeConfig } from '../kubeconfig';

/**
 * The real cluster integration tests run against: `./platform test` starts the local
 * control plane and sets IDP_TEST_KUBECONFIG. Without it the suites are skipped when run
 * by hand, and fail in CI, where skipping would hide that nothing was tested.
 */
export function testCluster(): KubeConfig | undefined {
  const kubeconfig = process.env.IDP_TEST_KUBECONFIG;
  if (!kubeconfig) {
    if (process.env.CI) {
      throw new Error(
        'IDP_TEST_KUBECONFIG is not set: run the tests with ./platform test',
      );
    }
    return undefined;
  }
  return loadKubeConfig({
    kubeconfig,
    context: process.env.IDP_TEST_KUBE_CONTEXT,
  });
}

export const describeWithCluster = (
  name: string,
  fn: (kc: () => KubeConfig) => void,
) => {
  const kc = testCluster();
  (kc ? describe : describe.skip)(name, () => fn(() => kc!));
};

export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what}: not within ${timeoutMs / 1000} s${
          last ? ` (last error: ${last})` : ''
        }`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}
