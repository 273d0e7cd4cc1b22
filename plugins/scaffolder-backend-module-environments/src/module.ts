import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { EnvironmentsClient } from '@internal/backstage-plugin-environments-common';
import {
  createDeleteEnvironmentAction,
  createDeployToEnvironmentAction,
  createPromoteToEnvironmentAction,
  createRequestEnvironmentAction,
} from './actions';

/**
 * Adds the `environments:request`, `environments:delete`,
 * `environments:deploy` and `environments:promote` actions to the scaffolder. They call the environments backend as the user who runs the
 * template, so that the user's permissions apply.
 *
 * @public
 */
export const scaffolderModuleEnvironments = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'environments',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, auth, discovery, config, catalog }) {
        const options = {
          environments: new EnvironmentsClient({ discoveryApi: discovery }),
          auth,
          appBaseUrl: config.getString('app.baseUrl'),
        };
        scaffolder.addActions(
          createRequestEnvironmentAction({ ...options, catalog }),
          createDeleteEnvironmentAction(options),
          createDeployToEnvironmentAction(options),
          createPromoteToEnvironmentAction(options),
        );
      },
    });
  },
});
