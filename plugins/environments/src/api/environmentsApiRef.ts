import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  EnvironmentObservabilityApi,
  EnvironmentPolicyApi,
  EnvironmentsApi,
} from '@internal/backstage-plugin-environments-common';

/**
 * What the portal asks of the environments backend: to change environments,
 * to read what runs in them, and what the platform's policies say.
 *
 * @public
 */
export type EnvironmentsPortalApi = EnvironmentsApi &
  EnvironmentObservabilityApi &
  EnvironmentPolicyApi;

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
