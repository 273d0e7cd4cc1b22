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
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import { EnvironmentsClient } from '@internal/backstage-plugin-environments-common';
import {
  RiScales3Line,
  RiShieldCheckLine,
  RiStackLine,
} from '@remixicon/react';
import { environmentsApiRef } from './api';
import {
  approvalsRouteRef,
  COMPONENT_DEPLOYMENTS_TAB_PATH,
  deployRouteRef,
  environmentRouteRef,
  policiesRouteRef,
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

/** `/approvals`: what waits for the signed-in user's approval, and their own requests. */
const approvalsPage = PageBlueprint.make({
  name: 'approvals',
  params: {
    path: '/approvals',
    title: 'Approvals',
    icon: <RiShieldCheckLine />,
    routeRef: approvalsRouteRef,
    loader: () =>
      import('./components/Approvals').then(m => <m.ApprovalsPage />),
  },
});

/** `/policies`: the platform's active policy rules and their latest decisions. */
const policiesPage = PageBlueprint.make({
  name: 'policies',
  params: {
    path: '/policies',
    title: 'Policies',
    icon: <RiScales3Line />,
    routeRef: policiesRouteRef,
    loader: () => import('./components/Policies').then(m => <m.PoliciesPage />),
  },
});

/** Home page widgets: the signed-in user's environments, approvals and deployments. */
const myEnvironmentsWidget = HomePageWidgetBlueprint.make({
  name: 'my-environments',
  params: {
    name: 'EnvironmentsMine',
    title: 'Your environments',
    description: "The environments of your teams' components, live",
    components: () =>
      import('./components/Home').then(m => ({
        Content: m.MyEnvironmentsContent,
      })),
  },
});

const myApprovalsWidget = HomePageWidgetBlueprint.make({
  name: 'my-approvals',
  params: {
    name: 'EnvironmentsApprovals',
    title: 'Waiting for your approval',
    description: 'Deployments and environments you may approve',
    components: () =>
      import('./components/Home').then(m => ({
        Content: m.MyApprovalsContent,
      })),
  },
});

const recentDeploymentsWidget = HomePageWidgetBlueprint.make({
  name: 'recent-deployments',
  params: {
    name: 'EnvironmentsRecentDeployments',
    title: 'Recent deployments',
    description: 'The newest deployments to your environments, live',
    components: () =>
      import('./components/Home').then(m => ({
        Content: m.RecentDeploymentsContent,
      })),
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

/**
 * The "Deployments" tab of a component: its promotion path, what runs in each
 * environment, live, and Promote between neighbours.
 */
const componentDeploymentsContent = EntityContentBlueprint.make({
  name: 'component-deployments',
  params: {
    path: COMPONENT_DEPLOYMENTS_TAB_PATH,
    title: 'Deployments',
    filter: { kind: 'component' },
    loader: () =>
      import('./components/ComponentDeployments').then(m => (
        <m.ComponentDeploymentsContent />
      )),
  },
});

/** The "What runs where" card of a component's overview, linking to its Deployments tab. */
const whatRunsWhereCard = EntityCardBlueprint.make({
  name: 'what-runs-where',
  params: {
    filter: { kind: 'component' },
    // Beside About, where it is seen at a glance, not below the relations.
    type: 'info',
    loader: () =>
      import('./components/WhatRunsWhereCard').then(m => (
        <m.WhatRunsWhereCard />
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
    deploy: deployRouteRef,
    approvals: approvalsRouteRef,
    policies: policiesRouteRef,
  },
  extensions: [
    environmentsApi,
    environmentsPage,
    approvalsPage,
    policiesPage,
    myEnvironmentsWidget,
    myApprovalsWidget,
    recentDeploymentsWidget,
    componentEnvironmentsContent,
    environmentEntityCard,
    componentDeploymentsContent,
    whatRunsWhereCard,
  ],
});
