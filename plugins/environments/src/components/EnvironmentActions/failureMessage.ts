import { ResponseError } from '@backstage/errors';
import { ValidationIssue } from '@internal/backstage-plugin-environments-common';

/** What went wrong, in the backend's words: each issue, or the message. */
export function failureMessage(error: unknown): string {
  if (error instanceof ResponseError) {
    const issues = (error.body.error as { issues?: ValidationIssue[] }).issues;
    if (Array.isArray(issues) && issues.length > 0) {
      return issues.map(issue => `${issue.field} ${issue.rule}`).join('; ');
    }
    return error.body.error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
