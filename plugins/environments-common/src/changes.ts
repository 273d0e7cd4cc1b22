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

/**
 * The label the environments backend puts on every Kubernetes object of an
 * environment, with the environment's id: it finds everything of one
 * environment, for the backend and for Backstage's Kubernetes plugin.
 *
 * @public
 */
export const ENVIRONMENT_ID_LABEL = 'environments.idp.dev/id';

/**
 * The annotations the catalog module writes on an environment's catalog
 * entity (kind Resource, type environment), which the portal reads.
 *
 * @public
 */
export const ENVIRONMENT_ID_ANNOTATION = 'environments.idp.dev/id';
/** @public */
export const ENVIRONMENT_TYPE_ANNOTATION = 'environments.idp.dev/type';
/** @public */
export const ENVIRONMENT_STATUS_ANNOTATION = 'environments.idp.dev/status';
/** @public */
export const ENVIRONMENT_STATUS_REASON_ANNOTATION =
  'environments.idp.dev/status-reason';
/** @public */
export const ENVIRONMENT_EXPIRES_AT_ANNOTATION =
  'environments.idp.dev/expires-at';
