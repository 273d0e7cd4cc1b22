import { createBackendModule } from '@backstage/backend-plugin-api';
import { environmentResourceDriversExtensionPoint } from '@internal/backstage-plugin-environments-node';
import { redisResourceDriver } from './redisDriver';

/**
 * Adds the Redis resource driver to the environments backend.
 *
 * @public
 */
export const environmentsModuleRedis = createBackendModule({
  pluginId: 'environments',
  moduleId: 'redis',
  register(reg) {
    reg.registerInit({
      deps: { drivers: environmentResourceDriversExtensionPoint },
      async init({ drivers }) {
        drivers.addDriver(redisResourceDriver);
      },
    });
  },
});
