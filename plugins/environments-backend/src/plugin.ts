import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { parseEnvironmentTypes } from '@internal/backstage-plugin-environments-common';
import { DatabaseEnvironmentsStore } from './database/DatabaseEnvironmentsStore';

/**
 * The orchestration backend for environments. So far it validates the
 * environment types the platform team configured and brings its database
 * schema up to date; the provisioning worker and the HTTP API build on these.
 *
 * @public
 */
export const environmentsPlugin = createBackendPlugin({
  pluginId: 'environments',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        database: coreServices.database,
        logger: coreServices.logger,
      },
      async init({ config, database, logger }) {
        // A mistake in the types is the platform team's, and found at start,
        // with every problem named, rather than at a developer's first request.
        const types = parseEnvironmentTypes(
          config.getOptional('environments.types'),
        );
        await DatabaseEnvironmentsStore.create({ database });
        logger.info('Environments plugin ready', {
          environmentTypes: Object.keys(types).join(', ') || '(none)',
        });
      },
    });
  },
});
