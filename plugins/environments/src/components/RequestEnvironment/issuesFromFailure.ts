import { ResponseError } from '@backstage/errors';
import { ValidationIssue } from '@internal/backstage-plugin-environments-common';

/**
 * What the server said about a request, as issues on the form's fields: a
 * 400 lists them; a 409 means the name is taken; anything else is about the
 * request as a whole.
 */
export function issuesFromFailure(error: unknown): ValidationIssue[] {
  if (error instanceof ResponseError) {
    const body = error.body.error as { issues?: ValidationIssue[] };
    if (Array.isArray(body.issues) && body.issues.length > 0) {
      return body.issues;
    }
    if (error.statusCode === 409) {
      return [{ field: 'name', rule: error.body.error.message }];
    }
    return [{ field: 'request', rule: error.body.error.message }];
  }
  return [
    { field: 'request', rule: String((error as Error)?.message ?? error) },
  ];
}
