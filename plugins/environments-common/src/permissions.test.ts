import {
  isCreatePermission,
  isDeletePermission,
  isReadPermission,
  isResourcePermission,
  isUpdatePermission,
} from '@backstage/plugin-permission-common';
import {
  environmentCreatePermission,
  environmentDeletePermission,
  environmentLogsReadPermission,
  environmentReadPermission,
  environmentsPermissions,
  environmentUpdatePermission,
  RESOURCE_TYPE_ENVIRONMENT,
} from './permissions';

describe('environments permissions', () => {
  it('authorizes creation on the environment as requested, so policies can look at its owner and type', () => {
    expect(environmentCreatePermission).toEqual({
      type: 'resource',
      resourceType: 'environment',
      name: 'environments.environment.create',
      attributes: { action: 'create' },
    });
    expect(isCreatePermission(environmentCreatePermission)).toBe(true);
  });

  it('authorizes reading, changing and deleting per environment', () => {
    for (const permission of [
      environmentCreatePermission,
      environmentReadPermission,
      environmentUpdatePermission,
      environmentDeletePermission,
      environmentLogsReadPermission,
    ]) {
      expect(isResourcePermission(permission, RESOURCE_TYPE_ENVIRONMENT)).toBe(
        true,
      );
    }
    expect(RESOURCE_TYPE_ENVIRONMENT).toBe('environment');
    expect(isReadPermission(environmentReadPermission)).toBe(true);
    expect(isUpdatePermission(environmentUpdatePermission)).toBe(true);
    expect(isDeletePermission(environmentDeletePermission)).toBe(true);
    expect(isReadPermission(environmentLogsReadPermission)).toBe(true);
  });

  it('lists every permission once, under its own name', () => {
    expect(environmentsPermissions.map(permission => permission.name)).toEqual([
      'environments.environment.create',
      'environments.environment.read',
      'environments.environment.update',
      'environments.environment.delete',
      'environments.environment.logs.read',
      'environments.environment.deploy',
      'environments.environment.deployment.approve',
    ]);
  });
});
