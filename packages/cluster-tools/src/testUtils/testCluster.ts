/* eslint-disable jest/no-export, jest/valid-title, jest/valid-describe-callback, jest/expect-expect, jest/no-disabled-tests --
   not a test file: helpers that define suites for the test files that call them */
import { KubeConfig } from '@kubernetes/client-node';
import { loadKubeConfig } from '../kubeconfig';

const MISSING_CLUSTER =
  'IDP_TEST_KUBECONFIG is not set: these tests need the local cluster; run them with ./platform test';

/**
 * The real cluster integration tests run against: `./platform test` starts the local
 * control plane and sets IDP_TEST_KUBECONFIG. Without it the suites are skipped when run
 * by hand, and fail in CI, where skipping would hide that nothing was tested.
 */
export function testCluster(): KubeConfig | undefined {
  const kubeconfig = process.env.IDP_TEST_KUBECONFIG;
  if (!kubeconfig) {
    if (process.env.CI) {
      throw new Error(MISSING_CLUSTER);
    }
    return undefined;
  }
  return loadKubeConfig({
    kubeconfig,
    context: process.env.IDP_TEST_KUBE_CONTEXT,
  });
}

/**
 * A suite that needs something outside the test (the cluster, Gitea, PostgreSQL):
 * `missing` says what is missing, or is undefined when it is there. Run by hand, a
 * suite whose need is missing is skipped; under CI (CI=true) it fails, with the reason,
 * since a skip would hide that nothing was tested.
 */
export function describeNeeding(
  name: string,
  missing: string | undefined,
  fn: () => void,
) {
  if (!missing) {
    describe(name, fn);
  } else if (process.env.CI) {
    describe(name, () => {
      // Fails by throwing, with the reason as its message.
      it('has what it needs', () => {
        throw new Error(
          `${missing} (under CI a missing need fails, not skips)`,
        );
      });
    });
  } else {
    describe.skip(name, fn);
  }
}

export const describeWithCluster = (
  name: string,
  fn: (kc: () => KubeConfig) => void,
) => {
  const kc = process.env.IDP_TEST_KUBECONFIG ? testCluster() : undefined;
  describeNeeding(name, kc ? undefined : MISSING_CLUSTER, () => fn(() => kc!));
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
