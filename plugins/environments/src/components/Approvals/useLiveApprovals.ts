import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import {
  Deployment,
  Environment,
} from '@internal/backstage-plugin-environments-common';
import { useCallback, useEffect, useRef, useState } from 'react';
import { environmentsApiRef } from '../../api';
import { useCoalescedRefetch } from '../../hooks/useCoalescedRefetch';
import { useEnvironmentSignal } from '../../hooks/useEnvironmentSignal';

/** How long a decided request of the user's stays on the page, with its outcome. */
const DECIDED_SHOWN_MS = 24 * 60 * 60 * 1000;

/** Deployments of one gated environment read to find the user's own requests. */
const OWN_DEPLOYMENTS_READ = 10;

export type Approvals = {
  /** What the user may decide, as the backend lists it (never their own). */
  toDecide: { deployments: Deployment[]; environments: Environment[] };
  /** What the user asked for that needs someone else's approval: waiting, or decided recently. */
  own: { deployments: Deployment[]; environments: Environment[] };
};

function recentlyDecided(at: string | undefined, now: number): boolean {
  return at !== undefined && now - Date.parse(at) < DECIDED_SHOWN_MS;
}

function isOwnRequest(
  approval: Deployment['approval'],
  waiting: boolean,
  now: number,
): boolean {
  return (
    approval !== undefined &&
    (waiting || recentlyDecided(approval.decision?.at, now))
  );
}

/**
 * What waits for the user's approval, and what the user asked for that
 * waits for someone else's (or was just decided), kept current by the
 * `environments` signal.
 *
 * The backend lists what the user may decide. Their own requests it has no
 * listing for: they are found among the environments of the types that
 * require approval (their last deployments, and the environments themselves).
 * A signal about one of those environments, or about a new environment
 * (`requested`), reads everything again, one read at a time.
 */
export function useLiveApprovals() {
  const api = useApi(environmentsApiRef);
  const identityApi = useApi(identityApiRef);
  const [approvals, setApprovals] = useState<Approvals>();
  const [error, setError] = useState<Error>();
  // The environments whose changes matter: those of the gated types.
  const gated = useRef(new Set<string>());
  // The user's own environment requests shown so far: a rejected one is
  // deleted and leaves the listing, but its outcome should stay visible.
  const ownShown = useRef(new Set<string>());

  const load = useCallback(async () => {
    try {
      const [deployments, environments, types, all, identity] =
        await Promise.all([
          api.listPendingApprovals(),
          api.listEnvironmentApprovals(),
          api.listTypes(),
          api.listEnvironments(),
          identityApi.getBackstageIdentity(),
        ]);
      const me = identity.userEntityRef;
      const now = Date.now();
      const gatedTypes = new Set(
        types.items.filter(t => t.requiresApproval).map(t => t.name),
      );
      const gatedEnvironments = all.items.filter(e => gatedTypes.has(e.type));
      gated.current = new Set(gatedEnvironments.map(e => e.id));

      const listedIds = new Set(all.items.map(e => e.id));
      const gone = await Promise.all(
        [...ownShown.current]
          .filter(id => !listedIds.has(id))
          .map(id => api.getEnvironment(id).catch(() => undefined)),
      );
      const ownEnvironments = [...gatedEnvironments, ...gone]
        .filter((e): e is Environment => e !== undefined)
        .filter(
          e =>
            e.createdBy === me &&
            isOwnRequest(
              e.approval,
              e.status === 'requested' && !e.approval?.decision,
              now,
            ),
        );
      ownShown.current = new Set(ownEnvironments.map(e => e.id));

      const histories = await Promise.all(
        gatedEnvironments
          .filter(e => e.status !== 'deleting')
          .map(e => api.listDeployments(e.id, { limit: OWN_DEPLOYMENTS_READ })),
      );
      const ownDeployments = histories
        .flatMap(history => history.items)
        .filter(
          d =>
            d.createdBy === me &&
            isOwnRequest(d.approval, d.state === 'pending-approval', now),
        )
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt));

      setApprovals({
        toDecide: {
          deployments: deployments.items,
          environments: environments.items,
        },
        own: { deployments: ownDeployments, environments: ownEnvironments },
      });
      setError(undefined);
    } catch (e) {
      setError(e as Error);
    }
  }, [api, identityApi]);

  useEffect(() => {
    load();
  }, [load]);

  const refetch = useCoalescedRefetch(() => load());
  const { isLive } = useEnvironmentSignal(signal => {
    if (
      gated.current.has(signal.id) ||
      ownShown.current.has(signal.id) ||
      signal.status === 'requested'
    ) {
      refetch('approvals');
    }
  });

  return {
    approvals,
    error,
    loading: !approvals && !error,
    reload: () => refetch('approvals'),
    isLive,
  };
}
