import { useApi } from '@backstage/frontend-plugin-api';
import { StatusTransition } from '@internal/backstage-plugin-environments-common';
import useAsync from 'react-use/esm/useAsync';
import { environmentsApiRef } from '../../api';

/**
 * Every status the environment has been in, as the backend recorded it:
 * the same for everyone and after a reload. Fetched again whenever `version`
 * changes: pass the environment's `updatedAt`, which moves with every change
 * a signal announces (the backend records a status change and its transition
 * together, so the history read after a version has it), or `undefined`
 * until the environment is known, to wait for it.
 */
export function useStatusHistory(
  environmentId: string,
  version: string | undefined,
) {
  const api = useApi(environmentsApiRef);
  const { value, error } = useAsync(async (): Promise<
    StatusTransition[] | undefined
  > => {
    if (version === undefined) {
      return undefined;
    }
    return (await api.getStatusHistory(environmentId)).items;
  }, [api, environmentId, version]);
  return { transitions: value, error };
}
