import { useMemo } from 'react';
import { useLiveEnvironments } from '../../hooks/useLiveEnvironments';
import { isMine, useSignedInUser } from './useSignedInUser';

/** The signed-in user's live environments (see `isMine`), kept current by signals. */
export function useMyEnvironments() {
  const user = useSignedInUser();
  const live = useLiveEnvironments();
  const signedIn = user.value;
  const mine = useMemo(
    () =>
      signedIn && live.environments
        ? live.environments.filter(e => isMine(e, signedIn))
        : undefined,
    [signedIn, live.environments],
  );
  const error = user.error ?? live.error;
  return {
    environments: mine,
    error,
    loading: !mine && !error,
    isLive: live.isLive,
  };
}
