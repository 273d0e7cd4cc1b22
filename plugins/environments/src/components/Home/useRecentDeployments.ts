import { useApi } from '@backstage/frontend-plugin-api';
import {
  Deployment,
  Environment,
} from '@internal/backstage-plugin-environments-common';
import { useEffect, useMemo, useRef, useState } from 'react';
import { environmentsApiRef } from '../../api';
import { useCoalescedRefetch } from '../../hooks/useCoalescedRefetch';
import { useEnvironmentSignal } from '../../hooks/useEnvironmentSignal';

/** Deployments read per environment: enough for the newest few across all of them. */
const PER_ENVIRONMENT = 5;

/**
 * The newest deployments across the given environments, newest first, at
 * most `limit`. Each environment's history is read once, and again when a
 * signal says one of its deployments changed: the backend has no listing
 * across environments, and the user's environments are few.
 */
export function useRecentDeployments(
  environments: Environment[] | undefined,
  limit: number,
) {
  const api = useApi(environmentsApiRef);
  const [byEnvironment, setByEnvironment] = useState<
    Record<string, Deployment[]>
  >({});
  const [error, setError] = useState<Error>();
  const ids = useMemo(
    () => (environments ?? []).map(e => e.id).sort(),
    [environments],
  );
  const known = useRef(new Set<string>());
  known.current = new Set(ids);

  const refetch = useCoalescedRefetch(async id => {
    try {
      const { items } = await api.listDeployments(id, {
        limit: PER_ENVIRONMENT,
      });
      setByEnvironment(current => ({ ...current, [id]: items }));
      setError(undefined);
    } catch (e) {
      setError(e as Error);
    }
  });

  const key = ids.join(',');
  useEffect(() => {
    for (const id of key ? key.split(',') : []) refetch(id);
  }, [key, refetch]);

  useEnvironmentSignal(signal => {
    if (signal.deployment && known.current.has(signal.id)) {
      refetch(signal.id);
    }
  });

  const deployments = useMemo(
    () =>
      ids
        .flatMap(id => byEnvironment[id] ?? [])
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
        .slice(0, limit),
    [ids, byEnvironment, limit],
  );
  const loaded =
    environments !== undefined &&
    (ids.length === 0 || ids.every(id => id in byEnvironment));
  return { deployments: loaded ? deployments : undefined, error };
}
