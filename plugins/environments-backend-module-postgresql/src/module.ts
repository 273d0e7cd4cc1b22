import { createBackendModule } from '@backstage/backend-plugin-api';
import { environmentResourceDriversExtensionPoint } from '@internal/backstage-plugin-environments-node';
import { postgresqlResourceDriver } from './postgresqlDriver';

/**
 * Adds the PostgreSQL resource driver to the environments backend.
 *
 * @public
 */
export const environmentsModulePostgresql = createBackendModule({
  pluginId: 'environments',
  moduleId: 'postgresql',
  register(reg) {
    reg.registerInit({
      deps: { drivers: environmentResourceDriversExtensionPoint },
      async init({ drivers }) {
        drivers.addDriver(postgresqlResourceDriver);
      },
    });
  },
});
