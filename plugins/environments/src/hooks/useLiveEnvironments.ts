import { useApi } from '@backstage/frontend-plugin-api';
import { Environment } from '@internal/backstage-plugin-environments-common';
import { useCallback, useEffect, useRef, useState } from 'react';
import { environmentsApiRef } from '../api';
import { applyChange, mergeListing } from './environmentList';
import { useEnvironmentSignal } from './useEnvironmentSignal';

/**
 * The environments the user may see, optionally of one component, kept
 * current by the `environments` signal: one request, then no polling.
 *
 * A signal about an environment that is not in the list (a new one) reloads
 * the list rather than adding it, because signals are broadcast to everyone
 * and only the backend knows whether the user may see it.
 */
export function useLiveEnvironments(options: { componentRef?: string } = {}) {
  const api = useApi(environmentsApiRef);
  const componentRef = options.componentRef?.toLocaleLowerCase('en-US');
  const [environments, setEnvironments] = useState<Environment[]>();
  const [error, setError] = useState<Error>();
  const latest = useRef(environments);
  latest.current = environments;
  // Environments pushed to everyone that the backend did not list for this
  // user: their changes do not reload the list again.
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

  const { isLive } = useEnvironmentSignal(changed => {
    if (
      componentRef &&
      changed.componentRef.toLocaleLowerCase('en-US') !== componentRef
    ) {
      return;
    }
    const known = latest.current?.some(({ id }) => id === changed.id);
    if (!known) {
      if (changed.status !== 'deleted' && !hidden.current.has(changed.id)) {
        reload().then(items => {
          if (items && !items.some(({ id }) => id === changed.id)) {
            hidden.current.add(changed.id);
          }
        });
      }
      return;
    }
    setEnvironments(current => current && applyChange(current, changed));
  });

  return {
    environments,
    error,
    loading: !environments && !error,
    reload,
    isLive,
  };
}
