import { EnvironmentType } from '../environmentTypes';
import { EnvironmentRequest, EnvironmentUpdate } from '../request';
import { AuditEvent, Environment, EnvironmentStatus } from '../types';

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
 * The audit trail of one environment, oldest event first.
 *
 * @public
 */
export type AuditTrail = {
  items: AuditEvent[];
};

/**
 * An environment type as the environments backend describes it: its settings
 * from app-config, its name, and whether the caller belongs to the groups it
 * is restricted to.
 *
 * @public
 */
export type EnvironmentTypeDescription = EnvironmentType & {
  name: string;
  /** False when the type has `allowedGroups` and the caller is in none of them. */
  allowed: boolean;
};

/**
 * The environment types developers may request, by name.
 *
 * @public
 */
export type EnvironmentTypeList = {
  items: EnvironmentTypeDescription[];
};

/**
 * A new expiry for an ephemeral environment.
 *
 * @public
 */
export type ExtendEnvironmentRequest = {
  /** The new time to live from now, for example `8h`. */
  ttl: string;
};

/**
 * The environments backend's HTTP API. Writes answer as soon as the change is
 * stored; follow the environment's `status` with {@link EnvironmentsApi.getEnvironment}.
 *
 * Failures are thrown as `ResponseError` from `@backstage/errors`, whose
 * `statusCode` and `body.error` (`name`, `message`, and `issues` for invalid
 * input) say what went wrong.
 *
 * @public
 */
export interface EnvironmentsApi {
  /** Lists the live environments the caller may see, oldest first. */
  listEnvironments(
    filter?: ListEnvironmentsFilter,
    options?: EnvironmentsRequestOptions,
  ): Promise<EnvironmentList>;

  /**
   * Requests an environment for a component; it starts as `requested`.
   * Throws with status 404 when the component is not in the catalog, and 409
   * when the component already has an environment of that name.
   */
  createEnvironment(
    request: EnvironmentRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<Environment>;

  /** Gets one environment, deleted ones included. */
  getEnvironment(
    id: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<Environment>;

  /** Changes overrides, image or resources; the environment is provisioned again. */
  updateEnvironment(
    id: string,
    update: EnvironmentUpdate,
    options?: EnvironmentsRequestOptions,
  ): Promise<Environment>;

  /**
   * Starts tearing an environment down (`deleting`, then `deleted`). Deleting
   * one that is already deleting or deleted succeeds and changes nothing.
   */
  deleteEnvironment(
    id: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<Environment>;

  /** Moves the expiry of an ephemeral environment later. */
  extendEnvironment(
    id: string,
    request: ExtendEnvironmentRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<Environment>;

  /** Every change to an environment, with who, what, when and the outcome. */
  getAuditTrail(
    id: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<AuditTrail>;

  /** The environment types, and whether the caller may request each. */
  listTypes(options?: EnvironmentsRequestOptions): Promise<EnvironmentTypeList>;
}
