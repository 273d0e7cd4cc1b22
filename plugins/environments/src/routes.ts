import {
  createRouteRef,
  createSubRouteRef,
} from '@backstage/frontend-plugin-api';

/** The list of environments, `/environments`. */
export const rootRouteRef = createRouteRef();

/**
 * The request form. It reads `?component=<entity ref>` to preselect the
 * component, so that a component's page can link to it.
 */
export const requestEnvironmentRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/new',
});

/** One environment: its timeline, logs, events and audit trail. */
export const environmentRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/:id',
});

/**
 * Where a component's "Deployments" tab is, under the component's page: the
 * "What runs where" card links to it.
 */
export const COMPONENT_DEPLOYMENTS_TAB_PATH = '/deployments';

/** What waits for the signed-in user's approval, `/approvals`. */
export const approvalsRouteRef = createRouteRef();

/** The deploy form of one environment, then its rollout, live. */
export const deployRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/:id/deploy',
});

/** The platform's active policy rules and their latest decisions, `/policies`. */
export const policiesRouteRef = createRouteRef();
