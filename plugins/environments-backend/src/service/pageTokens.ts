import { InputError } from '@backstage/errors';

/** Items in a page unless the request says otherwise. */
export const DEFAULT_PAGE_SIZE = 100;

/** Which page of a list a request asks for, as the API's query says it. */
export type PageRequest = { limit?: number; pageToken?: string };

/**
 * Page tokens name the last item of the previous page by its place in the
 * order of the list (a time and an id), so that items added or removed
 * meanwhile neither repeat nor go missing. They are opaque to clients.
 */
export function encodePageToken(at: Date, id: string | number): string {
  return Buffer.from(JSON.stringify([at.getTime(), id])).toString('base64url');
}

/** The place a token names; an `InputError` naming `pageToken` if it is not one. */
export function decodePageToken<Id extends 'string' | 'number'>(
  token: string,
  idType: Id,
): { at: Date; id: Id extends 'string' ? string : number } {
  try {
    const [at, id] = JSON.parse(Buffer.from(token, 'base64url').toString());
    if (Number.isSafeInteger(at) && typeof id === idType) {
      return { at: new Date(at), id };
    }
  } catch {
    // Not JSON: said below, like any other token this API did not write.
  }
  throw Object.assign(
    new InputError(
      'Invalid page:\npageToken: must be the nextPageToken of an earlier page of this list',
    ),
    {
      issues: [
        {
          field: 'pageToken',
          rule: 'must be the nextPageToken of an earlier page of this list',
        },
      ],
    },
  );
}
