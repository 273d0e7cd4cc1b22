import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { EnvironmentsClient } from '@internal/backstage-plugin-environments-common';
import { RiStackLine } from '@remixicon/react';
import { environmentsApiRef } from './api';
import {
  environmentRouteRef,
  requestEnvironmentRouteRef,
  rootRouteRef,
} from './routes';

const environmentsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: environmentsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new EnvironmentsClient({ discoveryApi, fetchApi }),
    }),
});

/** The list at `/environments`, the request form and each environment's page. */
const environmentsPage = PageBlueprint.make({
  params: {
    path: '/environments',
    title: 'Environments',
    icon: <RiStackLine />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/EnvironmentsRouter').then(m => (
        <m.EnvironmentsRouter />
      )),
  },
});

/** The "Environments" tab of a component: what runs where, extend, tear down. */
const componentEnvironmentsContent = EntityContentBlueprint.make({
  name: 'component-environments',
  params: {
    path: '/environments',
    title: 'Environments',
    // Not in the "deployment" group: alone there, Kubernetes is a tab of
    // its own, and environments are worth a tab of their own too.
    filter: { kind: 'component' },
    loader: () =>
      import('./components/ComponentEnvironments').then(m => (
        <m.ComponentEnvironmentsContent />
      )),
  },
});

/** The card on an environment's own catalog entity: its live status and links. */
const environmentEntityCard = EntityCardBlueprint.make({
  name: 'environment-status',
  params: {
    filter: { kind: 'resource', 'spec.type': 'environment' },
    loader: () =>
      import('./components/EnvironmentEntityCard').then(m => (
        <m.EnvironmentEntityCard />
      )),
  },
});

/**
 * The environments plugin for the new frontend system: request an
 * environment for a component, follow it to ready, read its logs and events,
 * extend or tear it down.
 *
 * @public
 */
export const environmentsPlugin = createFrontendPlugin({
  pluginId: 'environments',
  title: 'Environments',
  icon: <RiStackLine />,
  info: { packageJson: () => import('../package.json') },
  routes: {
    root: rootRouteRef,
    environment: environmentRouteRef,
    requestEnvironment: requestEnvironmentRouteRef,
  },
  extensions: [
    environmentsApi,
    environmentsPage,
    componentEnvironmentsContent,
    environmentEntityCard,
  ],
});
