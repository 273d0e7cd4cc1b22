import { InputError } from '@backstage/errors';

/** The `ETag` of an environment at `version`: the number, quoted. */
export function environmentETag(version: number): string {
  return `"${version}"`;
}

/**
 * The version an `If-Match` header asks for, or `undefined` when there is no
 * condition (no header, or `*`: any version of an environment that exists).
 * A weak tag (`W/"3"`) is taken as its version too: the tag only ever names
 * what users change, which is what the condition protects.
 */
export function expectedVersionOf(
  ifMatch: string | undefined,
): number | undefined {
  const value = ifMatch?.trim();
  if (!value || value === '*') {
    return undefined;
  }
  const match = /^(?:W\/)?"?([1-9][0-9]{0,14})"?$/.exec(value);
  if (!match) {
    throw new InputError(
      `If-Match: must be an environment's ETag, such as "3", or * (got ${JSON.stringify(
        value,
      )})`,
    );
  }
  return Number(match[1]);
}
