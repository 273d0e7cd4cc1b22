import {
  Deployment,
  parseWithIssues,
  RollbackRequest,
  rollbackRequestSchema,
} from '@internal/backstage-plugin-environments-common';

/**
 * The rollback the dialog would send, checked by the same schema the API
 * parses it with: either the request, or the reason's problem in the
 * schema's words ("must not be empty").
 */
export function rollbackRequest(
  target: Pick<Deployment, 'id'>,
  reason: string,
):
  | { request: RollbackRequest; problem?: undefined }
  | { request?: undefined; problem: string } {
  const parsed = parseWithIssues(rollbackRequestSchema, {
    deploymentId: target.id,
    reason,
    source: 'ui',
  });
  if (parsed.success) return { request: parsed.data };
  return {
    problem: parsed.issues
      .map(issue =>
        issue.field === 'reason'
          ? `The reason ${issue.rule}`
          : `${issue.field} ${issue.rule}`,
      )
      .join('; '),
  };
}
