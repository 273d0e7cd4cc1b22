import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import { Environment } from '@internal/backstage-plugin-environments-common';
import useAsync from 'react-use/esm/useAsync';

/** Who is signed in: their user entity and the groups they belong to, as their token claims them. */
export type SignedInUser = {
  userEntityRef: string;
  ownershipEntityRefs: string[];
};

export function useSignedInUser() {
  const identityApi = useApi(identityApiRef);
  return useAsync(
    async (): Promise<SignedInUser> => identityApi.getBackstageIdentity(),
    [identityApi],
  );
}

/**
 * Whether an environment is the user's: its component is owned by them or
 * one of their groups, or they requested it. Entity references compare
 * case-insensitively, as the catalog does.
 */
export function isMine(environment: Environment, user: SignedInUser): boolean {
  const claims = new Set(
    [user.userEntityRef, ...user.ownershipEntityRefs].map(ref =>
      ref.toLocaleLowerCase('en-US'),
    ),
  );
  return (
    claims.has(environment.ownerRef.toLocaleLowerCase('en-US')) ||
    claims.has(environment.createdBy.toLocaleLowerCase('en-US'))
  );
}
