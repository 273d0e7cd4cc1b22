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
  environmentReadPermission,
  environmentsPermissions,
  environmentUpdatePermission,
  RESOURCE_TYPE_ENVIRONMENT,
} from './permissions';

describe('environments permissions', () => {
  it('authorizes creation without a resource, as the environment does not exist yet', () => {
    expect(environmentCreatePermission).toEqual({
      type: 'basic',
      name: 'environments.environment.create',
      attributes: { action: 'create' },
    });
    expect(isCreatePermission(environmentCreatePermission)).toBe(true);
  });

  it('authorizes reading, changing and deleting per environment', () => {
    for (const permission of [
      environmentReadPermission,
      environmentUpdatePermission,
      environmentDeletePermission,
    ]) {
      expect(isResourcePermission(permission, RESOURCE_TYPE_ENVIRONMENT)).toBe(
        true,
      );
    }
    expect(RESOURCE_TYPE_ENVIRONMENT).toBe('environment');
    expect(isReadPermission(environmentReadPermission)).toBe(true);
    expect(isUpdatePermission(environmentUpdatePermission)).toBe(true);
    expect(isDeletePermission(environmentDeletePermission)).toBe(true);
  });

  it('lists every permission once, under its own name', () => {
    expect(environmentsPermissions.map(permission => permission.name)).toEqual([
      'environments.environment.create',
      'environments.environment.read',
      'environments.environment.update',
      'environments.environment.delete',
    ]);
  });
});
