import { Environment, EnvironmentStatus } from '../types';

/**
 * Narrows a listing of environments; every field that is set must match.
 *
 * @public
 */
export type ListEnvironmentsFilter = {
  /** For example `component:default/orders-service`. */
  componentRef?: string;
  /** For example `group:default/team-orders`. */
  ownerRef?: string;
  /** The name of an environment type, for example `preview`. */
  type?: string;
  /** Deleted environments are never listed. */
  status?: Exclude<EnvironmentStatus, 'deleted'>;
};

/**
 * Options for one request to the environments backend.
 *
 * @public
 */
export type EnvironmentsRequestOptions = {
  /**
   * A token to send as `Authorization: Bearer <token>`: what a backend plugin
   * gets from `auth.getPluginRequestToken`. The frontend leaves it out and
   * lets `fetchApi` add the user's.
   */
  token?: string;
};

/**
 * A list of environments, as the environments backend returns it.
 *
 * @public
 */
export type EnvironmentList = {
  items: Environment[];
};

/**
 * The environments backend's HTTP API.
 *
 * @public
 */
export interface EnvironmentsApi {
  /** Lists the live environments the caller may see, oldest first. */
  listEnvironments(
    filter?: ListEnvironmentsFilter,
    options?: EnvironmentsRequestOptions,
  ): Promise<EnvironmentList>;
}
