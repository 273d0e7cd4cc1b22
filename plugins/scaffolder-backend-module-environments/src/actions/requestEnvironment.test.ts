import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { FakeEnvironmentsApi } from '@internal/backstage-plugin-environments-common/testUtils';
import { checkpointStore } from '../__testUtils__/checkpoints';
import { createRequestEnvironmentAction } from './requestEnvironment';

const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'orders-service', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/team-orders' },
};

/** The token the actions must send: the task's user, on behalf of whom the scaffolder calls. */
const userToken = mockCredentials.service.token({
  onBehalfOf: mockCredentials.user(),
  targetPluginId: 'environments',
});

function setUp(
  options: { catalog?: ReturnType<typeof catalogServiceMock> } = {},
) {
  const environments = new FakeEnvironmentsApi();
  const action = createRequestEnvironmentAction({
    environments,
    auth: mockServices.auth(),
    catalog: options.catalog ?? catalogServiceMock({ entities: [component] }),
    appBaseUrl: 'http://portal.test/',
    pollIntervals: { statusMs: 5, catalogMs: 5, catalogTimeoutMs: 200 },
  });
  const logger = mockServices.logger.mock();
  const outputs: Record<string, unknown> = {};
  // createMockActionContext takes only some fields; the rest are set here.
  const context = (
    input: Parameters<typeof action.handler>[0]['input'],
    overrides: Partial<Parameters<typeof action.handler>[0]> = {},
  ) => ({
    ...createMockActionContext({ input, logger }),
    output: (name: string, value: unknown) => {
      outputs[name] = value;
    },
    ...overrides,
  });
  const logged = () => logger.info.mock.calls.map(([message]) => message);
  return { environments, action, context, outputs, logged, logger };
}

describe('environments:request', () => {
  it('requests the environment as the user and waits until it is ready', async () => {
    const { environments, action, context, outputs, logged } = setUp();

    await action.handler(
      context({
        componentRef: 'component:default/orders-service',
        type: 'development',
      }),
    );

    expect(outputs).toEqual({
      environmentId: 'env-1',
      namespace: 'orders-service-development-0f2f2f22b7',
      status: 'ready',
      url: 'http://portal.test/environments/env-1',
    });
    expect(environments.callsTo('createEnvironment')).toHaveLength(1);
    expect(new Set(environments.calls.map(call => call.token))).toEqual(
      new Set([userToken]),
    );
    expect(logged()).toEqual(
      expect.arrayContaining([
        expect.stringContaining('requested → provisioning'),
        expect.stringContaining('provisioning → ready'),
        expect.stringContaining('http://portal.test/environments/env-1'),
      ]),
    );
  });

  it('sends the whole request, with the component reference in full', async () => {
    const { environments, action, context } = setUp();
    const create = jest.spyOn(environments, 'createEnvironment');

    await action.handler(
      context({
        componentRef: 'orders-service',
        type: 'preview',
        name: 'pr-42',
        ttl: '1d',
        overrides: { memory: '2Gi' },
        image: 'registry.local/orders-service:pr-42',
        resources: [{ type: 'postgresql', name: 'orders-db' }],
        wait: false,
      }),
    );

    expect(create).toHaveBeenCalledWith(
      {
        componentRef: 'component:default/orders-service',
        type: 'preview',
        name: 'pr-42',
        ttl: '1d',
        overrides: { memory: '2Gi' },
        image: 'registry.local/orders-service:pr-42',
        resources: [{ type: 'postgresql', name: 'orders-db' }],
      },
      { token: userToken },
    );
  });

  it('returns as soon as the request is stored when wait is false', async () => {
    const { environments, action, context, outputs } = setUp();

    await action.handler(
      context({
        componentRef: 'component:default/orders-service',
        type: 'development',
        wait: false,
      }),
    );

    expect(outputs).toMatchObject({
      environmentId: 'env-1',
      status: 'requested',
    });
    expect(environments.callsTo('getEnvironment')).toHaveLength(1);
  });

  it('fails with the reason when the environment fails', async () => {
    const { environments, action, context, outputs } = setUp();
    environments.provisioning = [
      { status: 'provisioning' },
      {
        status: 'failed',
        reason: 'Provisioning failed: exceeded quota; gave up after 8 attempts',
        conditions: [
          {
            kind: 'postgresql',
            name: 'orders-db',
            status: 'failed',
            message: 'volume could not be bound',
            lastTransitionTime: '2026-11-21T09:02:00.000Z',
          },
        ],
      },
    ];

    await expect(
      action.handler(
        context({
          componentRef: 'component:default/orders-service',
          type: 'development',
        }),
      ),
    ).rejects.toThrow(
      'Environment development (env-1) of component:default/orders-service failed: Provisioning failed: exceeded quota; gave up after 8 attempts; postgresql orders-db: volume could not be bound. See http://portal.test/environments/env-1',
    );
    expect(outputs).toEqual({});
  });

  it('fails naming the timeout when the environment is not ready in time', async () => {
    const { environments, action, context } = setUp();
    environments.provisioning = [
      {
        status: 'provisioning',
        reason: 'Waiting for deployment orders-service',
      },
    ];

    await expect(
      action.handler(
        context({
          componentRef: 'component:default/orders-service',
          type: 'development',
          timeoutSeconds: 1,
        }),
      ),
    ).rejects.toThrow(
      /^Timed out after 1 seconds \(timeoutSeconds\) waiting for environment development \(env-1\) of component:default\/orders-service to become ready; it is still provisioning \(Waiting for deployment orders-service\)/,
    );
  });

  describe('dry run', () => {
    it('validates the request against the types and creates nothing', async () => {
      const { environments, action, context, outputs } = setUp({
        // In a dry run catalog:register is skipped: the component does not exist.
        catalog: catalogServiceMock({ entities: [] }),
      });

      await action.handler(
        context(
          {
            componentRef: 'component:default/orders-service',
            type: 'development',
          },
          { isDryRun: true },
        ),
      );

      expect(outputs).toEqual({
        environmentId: 'dry-run',
        namespace: 'orders-service-development-0f2f2f22b7',
        status: 'ready',
        url: 'http://portal.test/environments/dry-run',
      });
      expect(environments.calls.map(call => call.method)).toEqual([
        'listTypes',
      ]);
      expect(environments.environments.size).toBe(0);
    });

    it('rejects an invalid request, naming each field and its rule', async () => {
      const { environments, action, context } = setUp();

      await expect(
        action.handler(
          context(
            {
              componentRef: 'component:default/orders-service',
              type: 'development',
              ttl: '4h',
              overrides: { cpu: '16' },
            },
            { isDryRun: true },
          ),
        ),
      ).rejects.toThrow(
        'Invalid environment request:\nttl: is only allowed for ephemeral environment types, and type development does not expire\noverrides.cpu: must be at most 4, the cpu bound of type development (got "16")',
      );
      expect(environments.callsTo('createEnvironment')).toHaveLength(0);
    });

    it('rejects a type that is not configured', async () => {
      const { action, context } = setUp();

      await expect(
        action.handler(
          context(
            { componentRef: 'component:default/orders-service', type: 'qa' },
            { isDryRun: true },
          ),
        ),
      ).rejects.toThrow(
        'type: must be one of the configured environment types: development, preview, staging (got "qa")',
      );
    });
  });

  describe('retries', () => {
    it('does not request the environment again when a retried task passes its checkpoint', async () => {
      const { environments, action, context, outputs } = setUp();
      const { checkpoint } = checkpointStore();
      const input = {
        componentRef: 'component:default/orders-service',
        type: 'development',
      };
      // The first attempt is interrupted after it requested the environment.
      environments.provisioning = [{ status: 'provisioning' }];
      await expect(
        action.handler(
          context({ ...input, timeoutSeconds: 1 }, { checkpoint }),
        ),
      ).rejects.toThrow(/Timed out/);

      environments.provisioning = [];
      environments.environments.get('env-1')!.status = 'ready';
      await action.handler(context(input, { checkpoint }));

      expect(environments.callsTo('createEnvironment')).toHaveLength(1);
      expect(environments.environments.size).toBe(1);
      expect(outputs).toMatchObject({
        environmentId: 'env-1',
        status: 'ready',
      });
    });

    it('continues with the environment an earlier attempt created before its checkpoint was saved', async () => {
      const { environments, action, context, outputs, logged } = setUp();
      const existing = environments.add({
        name: 'development',
        type: 'development',
        status: 'ready',
      });

      await action.handler(
        context({
          componentRef: 'component:default/orders-service',
          type: 'development',
        }),
      );

      expect(outputs).toMatchObject({
        environmentId: existing.id,
        status: 'ready',
      });
      expect(environments.environments.size).toBe(1);
      expect(logged()).toContainEqual(
        expect.stringContaining(
          `(${existing.id}) of component:default/orders-service already exists`,
        ),
      );
    });

    it('refuses to continue with an environment of the same name but another type', async () => {
      const { environments, action, context } = setUp();
      environments.add({ name: 'development', type: 'staging' });

      await expect(
        action.handler(
          context({
            componentRef: 'component:default/orders-service',
            type: 'development',
          }),
        ),
      ).rejects.toThrow(
        'component:default/orders-service already has an environment named development, of type staging rather than development; choose another name',
      );
    });
  });

  describe('a component that was just registered', () => {
    it('waits until the catalog has it, logging progress', async () => {
      const catalog = catalogServiceMock.mock({
        getEntityByRef: jest
          .fn()
          .mockResolvedValueOnce(undefined)
          .mockResolvedValueOnce(undefined)
          .mockResolvedValue(component),
      });
      const { environments, action, context, outputs, logged } = setUp({
        catalog,
      });

      await action.handler(
        context({
          componentRef: 'component:default/orders-service',
          type: 'development',
        }),
      );

      expect(catalog.getEntityByRef).toHaveBeenCalledTimes(3);
      expect(catalog.getEntityByRef).toHaveBeenCalledWith(
        'component:default/orders-service',
        { credentials: mockCredentials.user() },
      );
      expect(logged()).toContainEqual(
        expect.stringMatching(
          /^Waiting for the catalog to process component:default\/orders-service/,
        ),
      );
      expect(environments.callsTo('createEnvironment')).toHaveLength(1);
      expect(outputs).toMatchObject({ status: 'ready' });
    });

    it('tries again when the environments backend does not see it yet', async () => {
      const { environments, action, context, outputs } = setUp();
      environments.componentHiddenFor = 2;

      await action.handler(
        context({
          componentRef: 'component:default/orders-service',
          type: 'development',
        }),
      );

      expect(environments.callsTo('createEnvironment')).toHaveLength(3);
      expect(outputs).toMatchObject({
        environmentId: 'env-1',
        status: 'ready',
      });
    });

    it('gives up when it never appears in the catalog', async () => {
      const { environments, action, context } = setUp({
        catalog: catalogServiceMock({ entities: [] }),
      });

      await expect(
        action.handler(
          context({
            componentRef: 'component:default/orders-service',
            type: 'development',
          }),
        ),
      ).rejects.toThrow(
        "Component 'component:default/orders-service' is not in the catalog after 0 seconds; check that catalog:register ran before this step",
      );
      expect(environments.callsTo('createEnvironment')).toHaveLength(0);
    });
  });

  it('rejects a reference to anything but a component', async () => {
    const { action, context } = setUp();

    await expect(
      action.handler(
        context({
          componentRef: 'group:default/team-orders',
          type: 'development',
        }),
      ),
    ).rejects.toThrow(
      'componentRef: must refer to a component, not a group (got "group:default/team-orders")',
    );
  });
});
