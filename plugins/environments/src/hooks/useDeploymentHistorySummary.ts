import { useApi } from '@backstage/frontend-plugin-api';
import { EnvironmentDeployments } from '@internal/backstage-plugin-environments-common';
import { useCallback, useEffect, useState } from 'react';
import { environmentsApiRef } from '../api';
import { useCoalescedRefetch } from './useCoalescedRefetch';
import { useEnvironmentSignal } from './useEnvironmentSignal';

/**
 * What runs in one environment now, what waits for approval and its pin
 * after a rollback: the environment's entry of its component's "what runs
 * where", which is where the API reports the pin. Read again on every
 * signal about one of the environment's deployments.
 *
 * @param componentRef - the environment's component; nothing is read
 * without it.
 */
export function useDeploymentHistorySummary(
  environmentId: string,
  componentRef: string | undefined,
) {
  const api = useApi(environmentsApiRef);
  const [summary, setSummary] = useState<EnvironmentDeployments>();
  const [error, setError] = useState<Error>();

  const read = useCallback(async () => {
    if (!environmentId || !componentRef) return;
    const whatRunsWhere = await api.getWhatRunsWhere(componentRef);
    setSummary(
      whatRunsWhere.environments.find(
        entry => entry.environmentId === environmentId,
      ),
    );
    setError(undefined);
  }, [api, environmentId, componentRef]);

  useEffect(() => {
    read().catch(setError);
  }, [read]);

  // A failed re-read keeps what is shown; the next signal asks again.
  const refetch = useCoalescedRefetch(() => read());
  useEnvironmentSignal(signal => {
    if (signal.id === environmentId && signal.deployment) {
      refetch(environmentId);
    }
  });

  return { summary, error };
}
