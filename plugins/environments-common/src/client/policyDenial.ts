import { ResponseError } from '@backstage/errors';
import { PolicyDeniedDetails, policyDeniedDetailsSchema } from '../policy';

/**
 * The policies' denial a change was refused with (a 403 `PolicyDeniedError`,
 * every rule that denied it with its message), or undefined for any other
 * failure: a 403 of the permission framework is no denial of a policy.
 *
 * @public
 */
export function policyDenialOf(
  error: unknown,
): PolicyDeniedDetails | undefined {
  if (!(error instanceof ResponseError) || error.statusCode !== 403) {
    return undefined;
  }
  const body = error.body?.error as { name?: string } | undefined;
  if (body?.name !== 'PolicyDeniedError') {
    return undefined;
  }
  const details = policyDeniedDetailsSchema.safeParse(body);
  return details.success ? details.data : undefined;
}
