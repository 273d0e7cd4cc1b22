import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import {
  environmentCreatePermission,
  environmentDeletePermission,
  environmentLogsReadPermission,
  environmentReadPermission,
} from '@internal/backstage-plugin-environments-common';
import { catalogEntityDeletePermission } from '@backstage/plugin-catalog-common/alpha';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import environmentsPlugin from '@internal/backstage-plugin-environments-backend';
import request from 'supertest';
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

  // Issue 12 replaced "everything else is allowed" with platformGrants.
  it('lets only the owners of a catalog entity unregister it, and admins any', async () => {
    await expect(
      policy.handle({ permission: catalogEntityDeletePermission }, jane),
    ).resolves.toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: { claims: ['user:default/jane', 'group:default/team-orders'] },
      },
    });
    await expect(
      policy.handle({ permission: catalogEntityDeletePermission }, admin),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('keeps the logs of sensitive types to their owners, and every other log open', async () => {
    await expect(
      policy.handle({ permission: environmentLogsReadPermission }, jane),
    ).resolves.toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'environments',
      resourceType: 'environment',
      conditions: {
        anyOf: [
          {
            not: {
              rule: 'HAS_SENSITIVE_LOGS',
              resourceType: 'environment',
            },
          },
          {
            rule: 'IS_ENVIRONMENT_OWNER',
            resourceType: 'environment',
            params: {
              claims: ['user:default/jane', 'group:default/team-orders'],
            },
          },
        ],
      },
    });
    await expect(
      policy.handle({ permission: environmentLogsReadPermission }, admin),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('refuses a permission it does not list to everyone but admins', async () => {
    const unknown = createPermission({
      name: 'other.thing.do',
      attributes: {},
    });
    await expect(policy.handle({ permission: unknown }, jane)).resolves.toEqual(
      { result: AuthorizeResult.DENY },
    );
    await expect(
      policy.handle({ permission: unknown }, admin),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('refuses everything to a request without a user', async () => {
    await expect(
      policy.handle({ permission: environmentReadPermission }),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });
});

describe('PlatformPermissionPolicy deciding for the environments API', () => {
  // Each test starts the environments API on a database: under 1 s alone,
  // several on a machine busy with the rest of the suite.
  jest.setTimeout(30_000);

  const users: Record<string, string[]> = {
    'user:default/carol.diaz': ['group:default/storefront-team'],
    'user:default/frank.muller': ['group:default/payments-team'],
    'user:default/alice.nguyen': ['group:default/platform-team'],
  };
  const orders: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'orders-service', namespace: 'default' },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'storefront-team',
    },
  };
  const type = (extra: object = {}) => ({
    description: 'x',
    cluster: 'local',
    baseline: {
      quota: { cpu: '1', memory: '1Gi' },
      limits: {
        defaultCpu: '500m',
        defaultMemory: '512Mi',
        defaultRequestCpu: '100m',
        defaultRequestMemory: '128Mi',
      },
    },
    bounds: { cpu: '2', memory: '2Gi' },
    ...extra,
  });

  async function startApi() {
    const infoOf = (credentials: any) => {
      const userEntityRef = credentials.principal.userEntityRef;
      return {
        userEntityRef,
        ownershipEntityRefs: [userEntityRef, ...(users[userEntityRef] ?? [])],
      };
    };
    const { server } = await startTestBackend({
      features: [
        environmentsPlugin,
        mockServices.rootConfig.factory({
          data: {
            environments: {
              types: {
                development: type(),
                production: type({
                  allowedGroups: ['group:default/platform-team'],
                }),
              },
            },
          },
        }),
        catalogServiceMock.factory({ entities: [orders] }),
        createServiceFactory({
          service: coreServices.userInfo,
          deps: {},
          factory: () => ({ getUserInfo: async (c: any) => infoOf(c) }),
        }),
        // The real policy, asked as the permission backend would ask it.
        createServiceFactory({
          service: coreServices.permissions,
          deps: {},
          factory: () =>
            mockServices.permissions.mock({
              authorizeConditional: async (requests, { credentials }) =>
                Promise.all(
                  requests.map(r =>
                    policy.handle(
                      r as any,
                      { info: infoOf(credentials) } as any,
                    ),
                  ),
                ) as any,
            }),
        }),
      ],
    });
    return (user: string, body: object) =>
      request(server)
        .post('/api/environments/environments')
        .set('Authorization', mockCredentials.user.header(user))
        .send(body);
  }

  it('lets the owning team request, and refuses another team with a reason', async () => {
    const post = await startApi();
    const body = {
      componentRef: 'component:orders-service',
      type: 'development',
    };

    const other = await post('user:default/frank.muller', body);
    expect(other.status).toBe(403);
    expect(other.body.error.message).toContain(
      'You are not allowed to request a development environment of component:default/orders-service (owned by group:default/storefront-team)',
    );

    expect((await post('user:default/carol.diaz', body)).status).toBe(202);
  });

  it('keeps production to the platform team, even for the owners', async () => {
    const post = await startApi();
    const body = {
      componentRef: 'component:orders-service',
      type: 'production',
    };

    const owner = await post('user:default/carol.diaz', body);
    expect(owner.status).toBe(403);
    expect(owner.body.error.message).toContain(
      'You are not allowed to request a production environment of component:default/orders-service',
    );

    expect((await post('user:default/alice.nguyen', body)).status).toBe(202);
  });
});
