import {
  BackstageCredentials,
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  PermissionRuleset,
} from '@backstage/plugin-permission-node';
import {
  environmentCreatePermission,
  environmentDeletePermission,
  environmentDeployPermission,
  environmentDeploymentApprovePermission,
  environmentLogsReadPermission,
  environmentReadPermission,
  environmentsPermissions,
  EnvironmentType,
  environmentUpdatePermission,
} from '@internal/backstage-plugin-environments-common';
import { EnvironmentsStore, toApiEnvironment } from '../model';
import {
  createHasSensitiveLogsRule,
  createIsTypeAllowedRule,
  EnvironmentPermissionResource,
  environmentPermissionResourceRef,
  isEnvironmentOwner,
} from './rules';

const PERMISSIONS = {
  create: environmentCreatePermission,
  read: environmentReadPermission,
  update: environmentUpdatePermission,
  delete: environmentDeletePermission,
  readLogs: environmentLogsReadPermission,
  /** Deploying, rolling back, promoting into it and setting its secrets. */
  deploy: environmentDeployPermission,
  /** Deciding a pending approval, on top of being one of its approvers. */
  approve: environmentDeploymentApprovePermission,
} as const;

/** What a caller may do to an environment. */
export type EnvironmentAction = keyof typeof PERMISSIONS;

/**
 * Asks the permission framework whether a caller may act on environments,
 * and applies conditional decisions with the rules the plugin registered.
 * What the answer is, is the app's policy; this only says what was refused.
 */
export class EnvironmentAuthorizer {
  private readonly permissions: PermissionsService;
  private readonly isAllowed: (
    decision: PolicyDecision,
    resource: EnvironmentPermissionResource,
  ) => boolean;

  /**
   * Registers the environment resource type, its permissions and rules, and
   * returns an authorizer that applies them.
   */
  static create(options: {
    permissions: PermissionsService;
    permissionsRegistry: PermissionsRegistryService;
    types: Record<string, EnvironmentType>;
    /** Where the framework looks environments up to apply conditions. */
    store: Pick<EnvironmentsStore, 'getEnvironment'>;
  }): EnvironmentAuthorizer {
    const { permissionsRegistry } = options;
    permissionsRegistry.addResourceType({
      resourceRef: environmentPermissionResourceRef,
      permissions: environmentsPermissions,
      rules: [
        isEnvironmentOwner,
        createIsTypeAllowedRule(options.types),
        createHasSensitiveLogsRule(options.types),
      ],
      getResources: ids =>
        Promise.all(
          ids.map(id =>
            options.store
              .getEnvironment(id)
              .then(toApiEnvironment, () => undefined),
          ),
        ),
    });
    return new EnvironmentAuthorizer({
      permissions: options.permissions,
      ruleset: permissionsRegistry.getPermissionRuleset(
        environmentPermissionResourceRef,
      ),
    });
  }

  constructor(options: {
    permissions: PermissionsService;
    ruleset: PermissionRuleset<EnvironmentPermissionResource>;
  }) {
    this.permissions = options.permissions;
    this.isAllowed = createConditionAuthorizer(options.ruleset);
  }

  /** Resolves when `action` on `resource` is allowed; throws `NotAllowedError` when not. */
  async authorize(
    action: EnvironmentAction,
    resource: EnvironmentPermissionResource,
    credentials: BackstageCredentials,
  ): Promise<void> {
    const allowed = await this.filter(action, [resource], credentials);
    if (allowed.length === 0) {
      throw new NotAllowedError(describeDenial(action, resource));
    }
  }

  /** The resources on which `action` is allowed. */
  async filter<T extends EnvironmentPermissionResource>(
    action: EnvironmentAction,
    resources: T[],
    credentials: BackstageCredentials,
  ): Promise<T[]> {
    const permission: ResourcePermission<'environment'> = PERMISSIONS[action];
    const [decision] = await this.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    return resources.filter(resource => this.isAllowed(decision, resource));
  }
}

/** What was refused on what; why is the app's policy, which the plugin does not know. */
function describeDenial(
  action: EnvironmentAction,
  resource: EnvironmentPermissionResource,
): string {
  const of = `of ${resource.componentRef} (owned by ${resource.ownerRef})`;
  if (action === 'create') {
    return `You are not allowed to request a ${resource.type} environment ${of}`;
  }
  if (action === 'readLogs') {
    return `You are not allowed to read the logs of ${resource.type} environment ${resource.id} ${of}`;
  }
  return `You are not allowed to ${action} environment ${
    resource.id ?? ''
  } ${of}`;
}
