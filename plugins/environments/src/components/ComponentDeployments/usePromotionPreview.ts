import { useApi } from '@backstage/frontend-plugin-api';
import {
  Deployment,
  DeploymentDiff,
} from '@internal/backstage-plugin-environments-common';
import useAsync from 'react-use/esm/useAsync';
import { environmentsApiRef } from '../../api';

/**
 * What a promotion would change in the target: the API's diff from the
 * deployment that runs there now to the one promoted. Read only while the
 * dialog is open; none when nothing was deployed to the target yet.
 */
export function usePromotionPreview(options: {
  isOpen: boolean;
  source: Deployment;
  targetCurrent?: Deployment;
}) {
  const { isOpen, source, targetCurrent } = options;
  const api = useApi(environmentsApiRef);
  const { value, loading, error } = useAsync(async (): Promise<
    DeploymentDiff | undefined
  > => {
    if (!isOpen || !targetCurrent) return undefined;
    return api.diffDeployments(targetCurrent.id, source.id);
  }, [api, isOpen, source.id, targetCurrent?.id]);
  return { diff: value, loading: isOpen && loading, error };
}
