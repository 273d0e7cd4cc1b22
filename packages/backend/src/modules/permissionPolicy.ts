import {
  createBackendModule,
  coreServices,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isPermission,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  environmentReadPermission,
  RESOURCE_TYPE_ENVIRONMENT,
} from '@internal/backstage-plugin-environments-common';
import {
  createEnvironmentConditionalDecision,
  environmentConditions,
} from '@internal/backstage-plugin-environments-backend';

/**
 * The platform's permission policy.
 *
 * Environments: everyone may see them; their component's owners may request,
 * change and delete them, and so may platform admins (`environments.adminGroups`);
 * a type with `allowedGroups` is open only to those groups, admins included.
 * Everything else is allowed, as with Backstage's allow-all policy.
 */
export class PlatformPermissionPolicy implements PermissionPolicy {
  constructor(private readonly adminGroups: ReadonlyArray<string>) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (!isResourcePermission(permission, RESOURCE_TYPE_ENVIRONMENT)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (isPermission(permission, environmentReadPermission)) {
      return { result: AuthorizeResult.ALLOW };
    }
    const claims = (user?.info.ownershipEntityRefs ?? []).map(ref =>
      ref.toLowerCase(),
    );
    const typeAllowed = environmentConditions.isEnvironmentTypeAllowed({
      claims,
    });
    const isAdmin = claims.some(claim => this.adminGroups.includes(claim));
    return createEnvironmentConditionalDecision(
      permission,
      isAdmin
        ? typeAllowed
        : {
            allOf: [
              environmentConditions.isEnvironmentOwner({ claims }),
              typeAllowed,
            ],
          },
    );
  }
}

/** Installs {@link PlatformPermissionPolicy} in the permission backend. */
export const permissionModulePlatformPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'platform-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        policy: policyExtensionPoint,
      },
      async init({ config, policy }) {
        const adminGroups = (
          config.getOptionalStringArray('environments.adminGroups') ?? []
        ).map(ref => ref.toLowerCase());
        policy.setPolicy(new PlatformPermissionPolicy(adminGroups));
      },
    });
  },
});
