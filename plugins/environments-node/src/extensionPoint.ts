import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { EnvironmentResourceDriver, ResourceRequest } from './driver';

/**
 * What modules of the environments plugin use to add resource drivers.
 *
 * @public
 */
export interface EnvironmentResourceDriversExtensionPoint {
  /** Adds the driver of a resource type; one driver per type. */
  addDriver<TResource extends ResourceRequest>(
    driver: EnvironmentResourceDriver<TResource>,
  ): void;
}

/**
 * The extension point through which modules add resource drivers to the
 * environments backend.
 *
 * @public
 */
export const environmentResourceDriversExtensionPoint =
  createExtensionPoint<EnvironmentResourceDriversExtensionPoint>({
    id: 'environments.resource-drivers',
  });
