import { useApi } from '@backstage/frontend-plugin-api';
import { WhatRunsWhere } from '@internal/backstage-plugin-environments-common';
import { useEffect, useRef, useState } from 'react';
import { environmentsApiRef } from '../api';
import { useCoalescedRefetch } from './useCoalescedRefetch';
import { useEnvironmentSignal } from './useEnvironmentSignal';

/**
 * What runs in each environment of one component (`getWhatRunsWhere`), read
 * again whenever the `environments` signal says that one of them, or one of
 * their deployments, changed. Nothing polls.
 *
 * The answer is one document for the whole component, so every signal
 * about it makes the same request, coalesced under one key: a burst of
 * signals (a rollout passes through several states in seconds) costs two
 * requests, the last sent after the last signal. A signal about an
 * environment that is not shown may be about a new environment of this
 * component, so it reads again; an id that the answer still leaves out
 * (another component's environment, or one the user may not see) is ignored
 * from then on, since signals go to everyone.
 */
export function useWhatRunsWhere(componentRef: string) {
  const api = useApi(environmentsApiRef);
  const [whatRunsWhere, setWhatRunsWhere] = useState<WhatRunsWhere>();
  const [error, setError] = useState<Error>();
  const shown = useRef(new Set<string>());
  const unknown = useRef(new Set<string>());
  const ignored = useRef(new Set<string>());
  const current = useRef(componentRef);
  current.current = componentRef;

  const refetch = useCoalescedRefetch(async ref => {
    const asked = [...unknown.current];
    unknown.current.clear();
    try {
      const answer = await api.getWhatRunsWhere(ref);
      // The tab moved on to another component while this was on its way.
      if (ref !== current.current) return;
      shown.current = new Set(answer.environments.map(e => e.environmentId));
      for (const id of asked) {
        if (!shown.current.has(id)) ignored.current.add(id);
      }
      setWhatRunsWhere(answer);
      setError(undefined);
    } catch (e) {
      // What is shown stays; the next signal asks again.
      if (ref === current.current) setError(e as Error);
    }
  });

  useEffect(() => {
    setWhatRunsWhere(undefined);
    setError(undefined);
    shown.current = new Set();
    unknown.current.clear();
    ignored.current.clear();
    refetch(componentRef);
  }, [componentRef, refetch]);

  const { isLive } = useEnvironmentSignal(signal => {
    if (!shown.current.has(signal.id)) {
      if (ignored.current.has(signal.id) || signal.status === 'deleted') {
        return;
      }
      unknown.current.add(signal.id);
    }
    refetch(current.current);
  });

  return {
    whatRunsWhere,
    error,
    loading: !whatRunsWhere && !error,
    isLive,
  };
}
