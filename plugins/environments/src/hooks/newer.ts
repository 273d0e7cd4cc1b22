/**
 * The more recent of two versions of the same environment (or deployment).
 * The answer to a request can overtake the answer to one sent before it (a
 * listing, and a read after a signal), so neither is taken on trust.
 */
export function newer<T extends { updatedAt: string }>(
  current: T | undefined,
  candidate: T,
): T {
  if (!current) {
    return candidate;
  }
  return Date.parse(candidate.updatedAt) >= Date.parse(current.updatedAt)
    ? candidate
    : current;
}
