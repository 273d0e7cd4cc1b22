import { Environment } from '@internal/backstage-plugin-environments-common';

/**
 * The more recent of two versions of the same environment. A signal can
 * overtake the response of a request that was sent before it, so neither is
 * taken on trust.
 */
export function newer(
  current: Environment | undefined,
  candidate: Environment,
): Environment {
  if (!current) {
    return candidate;
  }
  return Date.parse(candidate.updatedAt) >= Date.parse(current.updatedAt)
    ? candidate
    : current;
}
