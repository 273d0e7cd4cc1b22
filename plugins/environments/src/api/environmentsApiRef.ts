import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  EnvironmentObservabilityApi,
  EnvironmentsApi,
} from '@internal/backstage-plugin-environments-common';

/**
 * What the portal asks of the environments backend: to change environments,
 * and to read what runs in them.
 *
 * @public
 */
export type EnvironmentsPortalApi = EnvironmentsApi &
  EnvironmentObservabilityApi;

/**
 * The environments backend, as the portal calls it: `EnvironmentsClient` from
 * environments-common, on the user's `fetchApi`.
 *
 * @public
 */
export const environmentsApiRef = createApiRef<EnvironmentsPortalApi>().with({
  id: 'plugin.environments.service',
  pluginId: 'environments',
});
