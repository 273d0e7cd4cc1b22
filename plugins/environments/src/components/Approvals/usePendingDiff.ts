import { useApi } from '@backstage/frontend-plugin-api';
import {
  Deployment,
  DeploymentDiff,
} from '@internal/backstage-plugin-environments-common';
import useAsync from 'react-use/esm/useAsync';
import { environmentsApiRef } from '../../api';

/** What approving a deployment would change: the diff from what runs in its environment now. */
export type PendingDiff =
  | { kind: 'diff'; current: Deployment; diff: DeploymentDiff }
  /** Nothing runs there yet: approving rolls out the first deployment. */
  | { kind: 'first' };

/**
 * The diff of a pending deployment against the environment's current one
 * (what runs or rolls out there now, from what-runs-where), not against the
 * one it replaced when it was asked for: another may have landed since, and
 * the approver decides on what would change now.
 */
export function usePendingDiff(deployment: Deployment) {
  const api = useApi(environmentsApiRef);
  const { id, componentRef, environmentId } = deployment;
  return useAsync(async (): Promise<PendingDiff> => {
    const { environments } = await api.getWhatRunsWhere(componentRef);
    const current = environments.find(
      e => e.environmentId === environmentId,
    )?.current;
    if (!current || current.id === id) {
      return { kind: 'first' };
    }
    return {
      kind: 'diff',
      current,
      diff: await api.diffDeployments(current.id, id),
    };
  }, [api, id, componentRef, environmentId]);
}
