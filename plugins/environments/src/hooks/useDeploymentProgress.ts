import { useApi } from '@backstage/frontend-plugin-api';
import {
  Deployment,
  DeploymentState,
} from '@internal/backstage-plugin-environments-common';
import { useEffect, useState } from 'react';
import { environmentsApiRef } from '../api';
import { newer } from './newer';
import { useCoalescedRefetch } from './useCoalescedRefetch';
import { useEnvironmentPods } from './useEnvironmentPods';
import { useEnvironmentSignal } from './useEnvironmentSignal';

/** How often the pods are read while a rollout is under way. */
const PODS_REFRESH_MS = 2_000;

/** The states in which a deployment's rollout is over, one way or the other. */
const SETTLED: ReadonlyArray<DeploymentState> = [
  'succeeded',
  'failed',
  'superseded',
  'rolled-back',
  'rejected',
  'expired',
];

/** Whether a deployment's rollout is over: nothing about it changes any more but its history. */
export function isSettled(state: DeploymentState): boolean {
  return SETTLED.includes(state);
}

/**
 * A deployment's rollout, live: the deployment as the API answered the
 * deploy, read again on every signal about its environment (the signal
 * names the deployment and its new state when the deployment changed; a
 * condition of the environment, such as its workload becoming ready, comes
 * without one), and the environment's pods, read again with it. It is also
 * read once on mount, since a quick rollout may have ended before the
 * subscription.
 */
export function useDeploymentProgress(initial: Deployment) {
  const api = useApi(environmentsApiRef);
  const [deployment, setDeployment] = useState(initial);
  const [error, setError] = useState<Error>();
  // Moves on every signal about the environment: what the pods are read again on.
  const [changes, setChanges] = useState(0);

  const refetch = useCoalescedRefetch(async id => {
    try {
      const fetched = await api.getDeployment(id);
      setDeployment(current => newer(current, fetched));
      setError(undefined);
    } catch (e) {
      setError(e as Error);
    }
  });

  useEffect(() => {
    refetch(initial.id);
  }, [refetch, initial.id]);

  useEnvironmentSignal(signal => {
    if (signal.id !== initial.environmentId) return;
    setChanges(n => n + 1);
    if (!signal.deployment || signal.deployment.id === initial.id) {
      refetch(initial.id);
    }
  });

  const pods = useEnvironmentPods(
    initial.environmentId,
    `${deployment.state}/${changes}`,
  );
  // Pods start and become ready without the deployment or the environment
  // changing, so no signal says so: while it rolls out, they are also read
  // on a timer, as the events list is.
  const { refresh } = pods;
  const rollingOut = deployment.state === 'rolling-out';
  useEffect(() => {
    if (!rollingOut) return undefined;
    const timer = setInterval(refresh, PODS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [rollingOut, refresh]);
  return { deployment, error, pods };
}
