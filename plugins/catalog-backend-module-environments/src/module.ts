import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { EnvironmentsClient } from '@internal/backstage-plugin-environments-common';
import { EnvironmentEntityProvider } from './provider/EnvironmentEntityProvider';
import { readProviderConfig } from './provider/readProviderConfig';

/**
 * Reports the platform's environments into the catalog: one Resource entity
 * of type `environment` per live environment.
 *
 * @public
 */
export const catalogModuleEnvironments = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'environments-provider',
  register({ registerInit }) {
    registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        rootLifecycle: coreServices.rootLifecycle,
        events: eventsServiceRef,
        processing: catalogProcessingExtensionPoint,
      },
      async init({
        config,
        logger,
        scheduler,
        discovery,
        auth,
        rootLifecycle,
        events,
        processing,
      }) {
        const { appBaseUrl, schedule } = readProviderConfig(config);
        const backendStarted = new Promise<void>(resolve =>
          rootLifecycle.addStartupHook(() => resolve()),
        );
        processing.addEntityProvider(
          new EnvironmentEntityProvider({
            environments: new EnvironmentsClient({ discoveryApi: discovery }),
            auth,
            events,
            taskRunner: scheduler.createScheduledTaskRunner(schedule),
            backendStarted,
            logger: logger.child({ provider: 'environments' }),
            appBaseUrl,
          }),
        );
      },
    });
  },
});
