import { ResponseError } from '@backstage/errors';
import { useApi } from '@backstage/frontend-plugin-api';
import { Environment } from '@internal/backstage-plugin-environments-common';
import { useCallback, useEffect, useRef, useState } from 'react';
import { environmentsApiRef } from '../api';
import {
  applyChange,
  mergeListing,
  withoutEnvironment,
} from './environmentList';
import { useCoalescedRefetch } from './useCoalescedRefetch';
import { useEnvironmentSignal } from './useEnvironmentSignal';

/** The backend says the user may not see the environment (any more). */
function isHidden(error: unknown): boolean {
  return (
    error instanceof ResponseError &&
    (error.statusCode === 403 || error.statusCode === 404)
  );
}

/**
 * The environments the user may see, optionally of one component, kept
 * current by the `environments` signal: one listing, then only the
 * environments that changed, and no polling.
 *
 * A signal says only which environment changed and its status, because
 * signals go to everyone: each change is read again through the API, which
 * decides what the user may see. A signal about an environment in the list
 * fetches that environment; one about an environment not in it (a new one)
 * reloads the list, which also leaves out environments of other components.
 */
export function useLiveEnvironments(options: { componentRef?: string } = {}) {
  const api = useApi(environmentsApiRef);
  const componentRef = options.componentRef?.toLocaleLowerCase('en-US');
  const [environments, setEnvironments] = useState<Environment[]>();
  const [error, setError] = useState<Error>();
  const latest = useRef(environments);
  latest.current = environments;
  // Environments signalled to everyone that the backend did not list for
  // this user (or for this component): their changes do not reload the list
  // again.
  const hidden = useRef(new Set<string>());

  const reload = useCallback(async () => {
    try {
      const { items } = await api.listEnvironments(
        componentRef ? { componentRef } : {},
      );
      setEnvironments(current => mergeListing(current, items));
      setError(undefined);
      return items;
    } catch (e) {
      setError(e as Error);
      return undefined;
    }
  }, [api, componentRef]);

  useEffect(() => {
    reload();
  }, [reload]);

  const isListed = (id: string) =>
    latest.current?.some(environment => environment.id === id) ?? false;

  const refetch = useCoalescedRefetch(async id => {
    if (!isListed(id)) {
      if (hidden.current.has(id)) {
        return;
      }
      const items = await reload();
      if (items && !items.some(environment => environment.id === id)) {
        hidden.current.add(id);
      }
      return;
    }
    try {
      const changed = await api.getEnvironment(id);
      setEnvironments(current => current && applyChange(current, changed));
    } catch (e) {
      // Kept as it was on any other failure; the next signal asks again.
      if (isHidden(e)) {
        setEnvironments(current => current && withoutEnvironment(current, id));
      }
    }
  });

  const { isLive } = useEnvironmentSignal(signal => {
    if (
      !isListed(signal.id) &&
      (signal.status === 'deleted' || hidden.current.has(signal.id))
    ) {
      return;
    }
    refetch(signal.id);
  });

  return {
    environments,
    error,
    loading: !environments && !error,
    reload,
    isLive,
  };
}
