/**
 * The environment page's tab with the deployment history, chosen by the
 * `tab` query parameter so that other pages (the catalog card) can link
 * straight to it: `/environments/<id>?tab=deployments`.
 */
export const DEPLOYMENT_HISTORY_TAB = 'deployments';

/** The address of an environment's deployment history, from its page's address. */
export function deploymentHistoryHref(environmentHref: string): string {
  return `${environmentHref}?tab=${DEPLOYMENT_HISTORY_TAB}`;
}
