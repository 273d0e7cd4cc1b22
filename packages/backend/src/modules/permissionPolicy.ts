import {
  createBackendModule,
  coreServices,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isResourcePermission,
  Permission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  createScaffolderTaskConditionalDecision,
  scaffolderTaskConditions,
} from '@backstage/plugin-scaffolder-backend/alpha';
import { RESOURCE_TYPE_ENVIRONMENT } from '@internal/backstage-plugin-environments-common';
import {
  createEnvironmentConditionalDecision,
  environmentConditions,
} from '@internal/backstage-plugin-environments-backend';

/**
 * Who a permission is granted to. Every grant is to signed-in users (a
 * request without a user is refused; service-to-service calls never reach a
 * policy), and admins (`environments.adminGroups`) get every permission:
 *
 * - `everyone`: every signed-in user;
 * - `owners`: the owners of the resource (a catalog entity's `ownedBy`, a
 *   scaffolder task's creator, an environment's component owner), and admins;
 *   environments stay within the groups a type is restricted to, admins too;
 * - `owners if sensitive`: everyone, except for resources the platform team
 *   marked sensitive (environment types with `sensitiveLogs`): their owners;
 * - `admins`: admins only;
 * - `approvers`: everyone as far as the policy goes; the environments backend
 *   then lets only members of the type's approver groups (default: the
 *   admins) decide, and never the one who asked.
 */
export type Grant =
  | 'everyone'
  | 'owners'
  | 'owners if sensitive'
  | 'admins'
  | 'approvers';

/**
 * Every permission the backend's plugins register, and who gets it; the
 * table in the root README is the same list, and
 * `permissions.integration.test.ts` holds both to what the plugins register.
 * A permission that is not listed is for admins only.
 */
export const platformGrants = {
  // Software catalog: everyone reads and registers; an entity is refreshed and
  // unregistered by its owners; locations are removed by admins.
  'catalog.entity.read': 'everyone',
  'catalog.entity.create': 'everyone',
  'catalog.entity.validate': 'everyone',
  'catalog.entity.refresh': 'owners',
  'catalog.entity.delete': 'owners',
  'catalog.location.read': 'everyone',
  'catalog.location.analyze': 'everyone',
  'catalog.location.create': 'everyone',
  'catalog.location.delete': 'admins',
  'catalog.ingestion.read': 'admins',
  'catalog.ingestion.manage': 'admins',

  // Scaffolder: everyone runs templates and follows their own tasks; the
  // template editor (dry runs, management) is the platform team's.
  'scaffolder.template.parameter.read': 'everyone',
  'scaffolder.template.step.read': 'everyone',
  'scaffolder.action.execute': 'everyone',
  'scaffolder.task.create': 'everyone',
  'scaffolder.task.read': 'owners',
  'scaffolder.task.cancel': 'owners',
  'scaffolder.template.dry-run': 'admins',
  'scaffolder.template.management': 'admins',

  // Kubernetes: the entity tab reads the objects labelled for one entity and
  // the list of cluster names; the proxy reaches anything the portal's
  // ServiceAccount can read (the namespaces that bind it: cluster-tools).
  'kubernetes.clusters.read': 'everyone',
  'kubernetes.resources.read': 'everyone',
  'kubernetes.proxy': 'admins',

  // Environments.
  'environments.environment.read': 'everyone',
  'environments.environment.create': 'owners',
  'environments.environment.update': 'owners',
  'environments.environment.delete': 'owners',
  'environments.environment.logs.read': 'owners if sensitive',
  'environments.environment.deploy': 'owners',
  'environments.environment.deployment.approve': 'approvers',
} as const satisfies Record<string, Grant>;

/** The grant of a permission: as listed, or admins only. */
export function grantOf(permission: Permission): Grant {
  return Object.prototype.hasOwnProperty.call(platformGrants, permission.name)
    ? platformGrants[permission.name as keyof typeof platformGrants]
    : 'admins';
}

const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };
const DENY: PolicyDecision = { result: AuthorizeResult.DENY };

/** The platform's permission policy: {@link platformGrants}, applied. */
export class PlatformPermissionPolicy implements PermissionPolicy {
  constructor(private readonly adminGroups: ReadonlyArray<string>) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!user) {
      return DENY;
    }
    const { permission } = request;
    const claims = user.info.ownershipEntityRefs.map(ref => ref.toLowerCase());
    const isAdmin = claims.some(claim => this.adminGroups.includes(claim));

    if (isResourcePermission(permission, RESOURCE_TYPE_ENVIRONMENT)) {
      return this.environmentDecision(permission, claims, isAdmin);
    }
    const grant = grantOf(permission);
    if (grant === 'everyone' || isAdmin) {
      return ALLOW;
    }
    if (grant !== 'owners') {
      return DENY;
    }
    if (isResourcePermission(permission, 'catalog-entity')) {
      return createCatalogConditionalDecision(
        permission,
        catalogConditions.isEntityOwner({ claims }),
      );
    }
    if (isResourcePermission(permission, 'scaffolder-task')) {
      return createScaffolderTaskConditionalDecision(
        permission,
        scaffolderTaskConditions.isTaskOwner({
          createdBy: [user.info.userEntityRef],
        }),
      );
    }
    return DENY;
  }

  private environmentDecision(
    permission: Parameters<typeof createEnvironmentConditionalDecision>[0],
    claims: string[],
    isAdmin: boolean,
  ): PolicyDecision {
    const grant = grantOf(permission);
    // Approvers are the type's approver groups, which the backend checks on
    // the deployment itself: the policy cannot see them.
    if (grant === 'everyone' || grant === 'approvers') {
      return ALLOW;
    }
    const isOwner = environmentConditions.isEnvironmentOwner({ claims });
    if (grant === 'owners if sensitive') {
      return isAdmin
        ? ALLOW
        : createEnvironmentConditionalDecision(permission, {
            anyOf: [{ not: environmentConditions.hasSensitiveLogs() }, isOwner],
          });
    }
    if (grant === 'admins' && !isAdmin) {
      return DENY;
    }
    const typeAllowed = environmentConditions.isEnvironmentTypeAllowed({
      claims,
    });
    return createEnvironmentConditionalDecision(
      permission,
      isAdmin ? typeAllowed : { allOf: [isOwner, typeAllowed] },
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
