import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  environmentCreatePermission,
  environmentDeletePermission,
  environmentReadPermission,
} from '@internal/backstage-plugin-environments-common';
import { catalogEntityDeletePermission } from '@backstage/plugin-catalog-common/alpha';
import { PlatformPermissionPolicy } from './permissionPolicy';

const policy = new PlatformPermissionPolicy(['group:default/platform-team']);

function userWith(...ownershipEntityRefs: string[]) {
  return {
    info: { userEntityRef: ownershipEntityRefs[0], ownershipEntityRefs },
  } as any;
}

describe('PlatformPermissionPolicy', () => {
  const jane = userWith('user:default/jane', 'group:default/team-orders');
  const admin = userWith('user:default/ada', 'group:default/Platform-Team');

  it('lets everyone see environments', async () => {
    await expect(
      policy.handle({ permission: environmentReadPermission }, jane),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('lets owners change their environments, within the types open to them', async () => {
    await expect(
      policy.handle({ permission: environmentDeletePermission }, jane),
    ).resolves.toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'environments',
      resourceType: 'environment',
      conditions: {
        allOf: [
          {
            rule: 'IS_ENVIRONMENT_OWNER',
            resourceType: 'environment',
            params: {
              claims: ['user:default/jane', 'group:default/team-orders'],
            },
          },
          {
            rule: 'IS_ENVIRONMENT_TYPE_ALLOWED',
            resourceType: 'environment',
            params: {
              claims: ['user:default/jane', 'group:default/team-orders'],
            },
          },
        ],
      },
    });
  });

  it('lets platform admins act on any environment, still within the type restrictions', async () => {
    await expect(
      policy.handle({ permission: environmentCreatePermission }, admin),
    ).resolves.toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      conditions: { rule: 'IS_ENVIRONMENT_TYPE_ALLOWED' },
    });
  });

  it('allows everything else, as before', async () => {
    await expect(
      policy.handle({ permission: catalogEntityDeletePermission }, jane),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });
});
