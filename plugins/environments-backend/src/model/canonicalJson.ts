/**
 * JSON text with object keys in sorted order, so that equal values always
 * give equal text and "did it change?" is a string comparison, whatever key
 * order the caller happened to build its objects in.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, nested: unknown) => {
    if (
      nested === null ||
      typeof nested !== 'object' ||
      Array.isArray(nested)
    ) {
      return nested;
    }
    return Object.fromEntries(
      Object.entries(nested).sort(([a], [b]) => (a < b ? -1 : Number(a > b))),
    );
  });
}
