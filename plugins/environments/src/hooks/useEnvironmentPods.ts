import { useApi } from '@backstage/frontend-plugin-api';
import { EnvironmentPod } from '@internal/backstage-plugin-environments-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { environmentsApiRef } from '../api';

/**
 * The pods of an environment. Fetched again whenever `version` changes: pass
 * the environment's `updatedAt`, which moves with every status or condition
 * change the backend pushes, such as a workload becoming ready.
 */
export function useEnvironmentPods(environmentId: string, version?: string) {
  const api = useApi(environmentsApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    async (): Promise<EnvironmentPod[]> =>
      (await api.listPods(environmentId)).items,
    [api, environmentId, version],
  );
  return { pods: value, loading, error, refresh: retry };
}
