import { useApi } from '@backstage/frontend-plugin-api';
import { DeploymentDiff } from '@internal/backstage-plugin-environments-common';
import useAsync from 'react-use/esm/useAsync';
import { environmentsApiRef } from '../api';

/**
 * What changed from one deployment to another, read once per pair: a
 * deployment's configuration never changes after it is recorded, so
 * neither does their diff. Nothing is read until both are given.
 */
export function useDeploymentDiff(fromId?: string, toId?: string) {
  const api = useApi(environmentsApiRef);
  const { value, loading, error } = useAsync(async (): Promise<
    DeploymentDiff | undefined
  > => {
    if (!fromId || !toId) return undefined;
    return api.diffDeployments(fromId, toId);
  }, [api, fromId, toId]);
  return { diff: value, loading, error };
}
