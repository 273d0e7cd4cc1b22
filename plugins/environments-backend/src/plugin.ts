import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { DatabaseEnvironmentsStore } from './database/DatabaseEnvironmentsStore';

/**
 * The orchestration backend for environments. So far it only brings its
 * database schema up to date; the provisioning worker and the HTTP API build
 * on the store it creates.
 *
 * @public
 */
export const environmentsPlugin = createBackendPlugin({
  pluginId: 'environments',
  register(env) {
    env.registerInit({
      deps: {
        database: coreServices.database,
        logger: coreServices.logger,
      },
      async init({ database, logger }) {
        await DatabaseEnvironmentsStore.create({ database });
        logger.info('Environments database is up to date');
      },
    });
  },
});
