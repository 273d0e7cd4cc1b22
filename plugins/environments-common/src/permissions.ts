import { createPermission } from '@backstage/plugin-permission-common';

/**
 * The resource type of environments, for resource permissions and the rules
 * that permission policies apply to them.
 *
 * @public
 */
export const RESOURCE_TYPE_ENVIRONMENT = 'environment';

/**
 * Allows creating an environment. A resource permission, decided on the
 * environment as requested (its component, owner and type) before it exists:
 * the backend asks for a conditional decision and applies it to the request.
 *
 * @public
 */
export const environmentCreatePermission = createPermission({
  name: 'environments.environment.create',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_ENVIRONMENT,
});

/**
 * Allows seeing an environment, its status and its audit events.
 *
 * @public
 */
export const environmentReadPermission = createPermission({
  name: 'environments.environment.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_ENVIRONMENT,
});

/**
 * Allows changing an environment, for example its overrides or time to live.
 *
 * @public
 */
export const environmentUpdatePermission = createPermission({
  name: 'environments.environment.update',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_ENVIRONMENT,
});

/**
 * Allows deleting an environment and everything provisioned for it.
 *
 * @public
 */
export const environmentDeletePermission = createPermission({
  name: 'environments.environment.delete',
  attributes: { action: 'delete' },
  resourceType: RESOURCE_TYPE_ENVIRONMENT,
});

/**
 * Allows reading the logs of an environment's containers. Apart from reading
 * the environment, because logs can hold what its status does not (customer
 * data, in production): environment types mark theirs `sensitiveLogs`, and
 * policies can tell them apart with the `HAS_SENSITIVE_LOGS` rule.
 *
 * @public
 */
export const environmentLogsReadPermission = createPermission({
  name: 'environments.environment.logs.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_ENVIRONMENT,
});

/**
 * Allows deploying to an environment: a new version, a rollback, a promotion
 * into it, and setting its secrets.
 *
 * @public
 */
export const environmentDeployPermission = createPermission({
  name: 'environments.environment.deploy',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_ENVIRONMENT,
});

/**
 * Allows approving or rejecting a deployment to an environment, on top of
 * being in one of its type's approver groups; nobody decides their own.
 *
 * @public
 */
export const environmentDeploymentApprovePermission = createPermission({
  name: 'environments.environment.deployment.approve',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_ENVIRONMENT,
});

/**
 * List of all environments permissions, for registering them with the
 * permission framework.
 *
 * @public
 */
export const environmentsPermissions = [
  environmentCreatePermission,
  environmentReadPermission,
  environmentUpdatePermission,
  environmentDeletePermission,
  environmentLogsReadPermission,
  environmentDeployPermission,
  environmentDeploymentApprovePermission,
];
