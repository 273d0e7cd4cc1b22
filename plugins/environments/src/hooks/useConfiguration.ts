import { useApi } from '@backstage/frontend-plugin-api';
import { ResolvedConfig } from '@internal/backstage-plugin-environments-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { environmentsApiRef } from '../api';

/**
 * What an environment runs with, every layer resolved, with the layer of
 * each value and the layers themselves (`GET /environments/{id}/configuration`).
 * Read again when `version` changes: pass the id of the deployment that runs,
 * since a deployment is what changes the override layer.
 */
export function useConfiguration(environmentId: string, version?: string) {
  const api = useApi(environmentsApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    async (): Promise<ResolvedConfig> => api.getConfiguration(environmentId),
    [api, environmentId, version],
  );
  return { configuration: value, loading, error, refresh: retry };
}
