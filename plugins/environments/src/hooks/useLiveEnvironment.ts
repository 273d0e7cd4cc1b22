import { useApi } from '@backstage/frontend-plugin-api';
import { Environment } from '@internal/backstage-plugin-environments-common';
import { useEffect, useState } from 'react';
import { environmentsApiRef } from '../api';
import { newer } from './newer';
import { useCoalescedRefetch } from './useCoalescedRefetch';
import { useEnvironmentSignal } from './useEnvironmentSignal';

/**
 * One environment, fetched once and then again whenever the `environments`
 * signal says it changed.
 *
 * @param initial - the environment as the caller already has it, such as the
 * answer to the request that created it, to show until the fetch returns.
 */
export function useLiveEnvironment(id: string, initial?: Environment) {
  const api = useApi(environmentsApiRef);
  const [environment, setEnvironment] = useState<Environment | undefined>(
    initial?.id === id ? initial : undefined,
  );
  const [error, setError] = useState<Error>();

  useEffect(() => {
    if (!id) {
      return undefined;
    }
    let cancelled = false;
    api.getEnvironment(id).then(
      fetched => {
        if (!cancelled) setEnvironment(current => newer(current, fetched));
      },
      e => {
        if (!cancelled) setError(e);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, id]);

  // A failed refetch keeps what is shown; the next signal asks again.
  const refetch = useCoalescedRefetch(async changedId => {
    const fetched = await api.getEnvironment(changedId);
    setEnvironment(current =>
      current && current.id !== fetched.id ? current : newer(current, fetched),
    );
  });

  const { isLive } = useEnvironmentSignal(signal => {
    if (signal.id === id) {
      refetch(signal.id);
    }
  });

  return { environment, error, isLive };
}
