import {
  EnvironmentType,
  parseDuration,
} from '@internal/backstage-plugin-environments-common';

/** How long a deployment waits for a decision when its type says nothing. */
export const DEFAULT_APPROVAL_TIMEOUT = '24h';

/**
 * Who decides a deployment to an environment of `type`, and until when: the
 * type's `approverGroups`, else the platform's admins; undefined when the
 * type needs no approval.
 */
export function deploymentApproval(
  type: EnvironmentType,
  adminGroups: ReadonlyArray<string>,
  now: Date,
): { groups: string[]; expiresAt: Date } | undefined {
  return type.requiresApproval ? approvalOf(type, adminGroups, now) : undefined;
}

/**
 * Who decides what `type` gates (a deployment, a new environment), and
 * until when: the type's `approverGroups`, else the platform's admins.
 */
export function approvalOf(
  type: EnvironmentType,
  adminGroups: ReadonlyArray<string>,
  now: Date,
): { groups: string[]; expiresAt: Date } {
  const timeoutMs = parseDuration(
    type.approvalTimeout ?? DEFAULT_APPROVAL_TIMEOUT,
  );
  return {
    groups: [...(type.approverGroups ?? adminGroups)],
    expiresAt: new Date(now.getTime() + timeoutMs),
  };
}

/** Whether someone with these ownership claims is in one of the groups (entity refs compare case-insensitively). */
export function isInGroups(
  groups: ReadonlyArray<string>,
  claims: ReadonlyArray<string>,
): boolean {
  const lowered = claims.map(claim => claim.toLowerCase());
  return groups.some(group => lowered.includes(group.toLowerCase()));
}
