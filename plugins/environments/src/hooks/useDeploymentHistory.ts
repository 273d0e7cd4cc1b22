import { useApi } from '@backstage/frontend-plugin-api';
import { Deployment } from '@internal/backstage-plugin-environments-common';
import { useCallback, useEffect, useRef, useState } from 'react';
import { environmentsApiRef } from '../api';
import { newer } from './newer';
import { useCoalescedRefetch } from './useCoalescedRefetch';
import { useEnvironmentSignal } from './useEnvironmentSignal';

/** How many deployments one page of the history holds. */
export const DEPLOYMENT_HISTORY_PAGE_SIZE = 20;

/** The key under which re-reads of the first page coalesce. */
const FIRST_PAGE = '\u0000first-page';

/**
 * Deployments merged into the history: each known one replaced by the newer
 * of the two versions, new ones added, newest (highest sequence) first.
 */
export function mergeDeployments(
  current: ReadonlyArray<Deployment>,
  fetched: ReadonlyArray<Deployment>,
): Deployment[] {
  const byId = new Map(current.map(deployment => [deployment.id, deployment]));
  for (const deployment of fetched) {
    byId.set(deployment.id, newer(byId.get(deployment.id), deployment));
  }
  return [...byId.values()].sort((a, b) => b.sequence - a.sequence);
}

/**
 * An environment's deployments, newest first, one page at a time (`loadMore`
 * follows the API's page token), kept current by the `environments` signal:
 * a signal about one of its deployments reads that deployment again; one
 * about a deployment not shown yet (a new one) reads the first page again.
 * Nothing polls.
 */
export function useDeploymentHistory(environmentId: string) {
  const api = useApi(environmentsApiRef);
  const [deployments, setDeployments] = useState<Deployment[]>();
  const [nextPageToken, setNextPageToken] = useState<string>();
  const [error, setError] = useState<Error>();
  const [loadingMore, setLoadingMore] = useState(false);
  const latest = useRef(deployments);
  latest.current = deployments;

  const readFirstPage = useCallback(async () => {
    const page = await api.listDeployments(environmentId, {
      limit: DEPLOYMENT_HISTORY_PAGE_SIZE,
    });
    setDeployments(current => mergeDeployments(current ?? [], page.items));
    // Only the first read decides where the next page starts: a re-read
    // after a signal must not move it past pages already shown.
    if (!latest.current) setNextPageToken(page.nextPageToken);
    setError(undefined);
  }, [api, environmentId]);

  useEffect(() => {
    setDeployments(undefined);
    latest.current = undefined;
    readFirstPage().catch(setError);
  }, [readFirstPage]);

  const loadMore = useCallback(async () => {
    if (!nextPageToken) return;
    setLoadingMore(true);
    try {
      const page = await api.listDeployments(environmentId, {
        limit: DEPLOYMENT_HISTORY_PAGE_SIZE,
        pageToken: nextPageToken,
      });
      setDeployments(current => mergeDeployments(current ?? [], page.items));
      setNextPageToken(page.nextPageToken);
    } catch (e) {
      setError(e as Error);
    } finally {
      setLoadingMore(false);
    }
  }, [api, environmentId, nextPageToken]);

  // A failed re-read keeps what is shown; the next signal asks again.
  const refetch = useCoalescedRefetch(async key => {
    if (key === FIRST_PAGE) {
      await readFirstPage();
      return;
    }
    const fetched = await api.getDeployment(key);
    setDeployments(current => mergeDeployments(current ?? [], [fetched]));
  });

  const { isLive } = useEnvironmentSignal(signal => {
    if (signal.id !== environmentId || !signal.deployment) return;
    const known = latest.current?.some(d => d.id === signal.deployment?.id);
    refetch(known ? signal.deployment.id : FIRST_PAGE);
  });

  return {
    deployments,
    error,
    isLive,
    hasMore: Boolean(nextPageToken),
    loadingMore,
    loadMore,
  };
}
