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
