import { Environment } from '@internal/backstage-plugin-environments-common';

/**
 * The more recent of two versions of the same environment. The answer to a
 * request can overtake the answer to one sent before it (a listing, and a
 * read after a signal), so neither is taken on trust.
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
