import { Environment } from './types';

/**
 * The events topic on which the environments backend reports every change of
 * an environment; the catalog module turns each into a delta mutation.
 *
 * @public
 */
export const ENVIRONMENT_CHANGED_TOPIC = 'environments.changed';

/**
 * The signals channel on which the environments backend pushes every change
 * of an environment to the portal.
 *
 * @public
 */
export const ENVIRONMENT_SIGNAL_CHANNEL = 'environments';

/**
 * The payload of `environments.changed` events and `environments` signals.
 *
 * @public
 */
export type EnvironmentChangedPayload = { environment: Environment };
