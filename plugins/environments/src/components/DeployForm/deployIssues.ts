import { ResponseError } from '@backstage/errors';
import { ValidationIssue } from '@internal/backstage-plugin-environments-common';
import { DeployDraft } from './deployDraft';

/**
 * What the API said about a deploy, as issues: a 400 lists them with the
 * fields they name; anything else (409: another deployment became current
 * since the form was read, or the environment is being deleted) is about the
 * request as a whole, in the API's words.
 */
export function deployIssuesFromFailure(error: unknown): ValidationIssue[] {
  if (error instanceof ResponseError) {
    const body = error.body.error as { issues?: ValidationIssue[] };
    if (Array.isArray(body.issues) && body.issues.length > 0) {
      return body.issues;
    }
    return [{ field: 'request', rule: error.body.error.message }];
  }
  return [
    { field: 'request', rule: String((error as Error)?.message ?? error) },
  ];
}

/** The form's label of an issue's field, or undefined for one the form has no field for. */
export function deployFieldLabel(
  field: string,
  draft: DeployDraft,
): string | undefined {
  const labels: Record<string, string> = {
    image: 'Image',
    tag: 'Tag',
    replicas: 'Replicas',
    'resources.cpu': 'CPU',
    'resources.memory': 'Memory',
    message: 'Message',
  };
  if (labels[field]) return labels[field];
  const name = /^env\.(.+)$/.exec(field)?.[1];
  if (name && draft.env.some(row => row.name.trim() === name)) {
    return `Variable ${name}`;
  }
  const key = /^envRow\.(\d+)$/.exec(field)?.[1];
  if (key && draft.env.some(row => String(row.key) === key)) {
    return 'Variable name';
  }
  return undefined;
}
