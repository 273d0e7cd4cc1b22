import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { FakeEnvironmentsApi } from '@internal/backstage-plugin-environments-common/testUtils';
import { checkpointStore } from '../__testUtils__/checkpoints';
import { createDeleteEnvironmentAction } from './deleteEnvironment';

const userToken = mockCredentials.service.token({
  onBehalfOf: mockCredentials.user(),
  targetPluginId: 'environments',
});

function setUp() {
  const environments = new FakeEnvironmentsApi();
  const action = createDeleteEnvironmentAction({
    environments,
    auth: mockServices.auth(),
    appBaseUrl: 'http://portal.test',
    pollIntervals: { statusMs: 5 },
  });
  const logger = mockServices.logger.mock();
  const outputs: Record<string, unknown> = {};
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
  return { environments, action, context, outputs, logged };
}

describe('environments:delete', () => {
  it('deletes the environment as the user and waits until it is deleted', async () => {
    const { environments, action, context, outputs, logged } = setUp();
    const { id } = environments.add({
      name: 'development',
      type: 'development',
      status: 'ready',
    });

    await action.handler(context({ environmentId: id }));

    expect(outputs).toEqual({ environmentId: id, status: 'deleted' });
    expect(environments.environments.get(id)!.status).toBe('deleted');
    expect(new Set(environments.calls.map(call => call.token))).toEqual(
      new Set([userToken]),
    );
    expect(logged()).toContainEqual(
      expect.stringContaining('deleting → deleted'),
    );
  });

  it('finds the environment by component and name', async () => {
    const { environments, action, context, outputs } = setUp();
    environments.add({ name: 'development', type: 'development' });
    const { id } = environments.add({ name: 'pr-42', type: 'preview' });

    await action.handler(
      context({ componentRef: 'orders-service', name: 'pr-42', wait: false }),
    );

    expect(outputs).toEqual({ environmentId: id, status: 'deleting' });
    expect(environments.environments.get(id)!.status).toBe('deleting');
    expect(environments.environments.get('env-1')!.status).toBe('requested');
  });

  describe('is idempotent', () => {
    it('succeeds for an environment that is already deleted', async () => {
      const { environments, action, context, outputs } = setUp();
      const { id } = environments.add({
        name: 'development',
        type: 'development',
        status: 'deleted',
      });

      await action.handler(context({ environmentId: id }));

      expect(outputs).toEqual({ environmentId: id, status: 'deleted' });
    });

    it('waits for an environment that is already being deleted', async () => {
      const { environments, action, context, outputs } = setUp();
      const { id } = environments.add({
        name: 'development',
        type: 'development',
        status: 'deleting',
      });
      environments.progress(id, [
        { status: 'deleting' },
        { status: 'deleted' },
      ]);

      await action.handler(context({ environmentId: id }));

      expect(outputs).toEqual({ environmentId: id, status: 'deleted' });
    });

    it('succeeds when no live environment has the name', async () => {
      const { environments, action, context, outputs, logged } = setUp();
      environments.add({ name: 'pr-42', type: 'preview', status: 'deleted' });

      await action.handler(
        context({
          componentRef: 'component:default/orders-service',
          name: 'pr-42',
        }),
      );

      expect(outputs).toEqual({ status: 'deleted' });
      expect(environments.callsTo('deleteEnvironment')).toHaveLength(0);
      expect(logged()).toContainEqual(
        'component:default/orders-service has no live environment named pr-42; nothing to delete',
      );
    });
  });

  it('does not delete again when a retried task passes its checkpoint', async () => {
    const { environments, action, context, outputs } = setUp();
    const { checkpoint } = checkpointStore();
    const { id } = environments.add({
      name: 'development',
      type: 'development',
      status: 'ready',
    });
    environments.teardown = [{ status: 'deleting' }];

    await expect(
      action.handler(
        context({ environmentId: id, timeoutSeconds: 1 }, { checkpoint }),
      ),
    ).rejects.toThrow(
      `Timed out after 1 seconds (timeoutSeconds) waiting for environment development (${id}) of component:default/orders-service to be deleted; it is still deleting`,
    );
    environments.environments.get(id)!.status = 'deleted';
    await action.handler(context({ environmentId: id }, { checkpoint }));

    expect(environments.callsTo('deleteEnvironment')).toHaveLength(1);
    expect(outputs).toEqual({ environmentId: id, status: 'deleted' });
  });

  it('fails for an environment that never existed', async () => {
    const { action, context } = setUp();

    await expect(
      action.handler(context({ environmentId: 'env-404' })),
    ).rejects.toThrow("Environment 'env-404' does not exist");
  });

  it.each([
    [{}],
    [{ componentRef: 'component:default/orders-service' }],
    [
      {
        environmentId: 'env-1',
        componentRef: 'component:default/orders-service',
        name: 'development',
      },
    ],
  ])('asks for either an id, or a component and a name (%j)', async input => {
    const { action, context } = setUp();

    await expect(action.handler(context(input))).rejects.toThrow(
      'Give either environmentId, or componentRef and name, to say which environment to delete',
    );
  });

  it('deletes nothing in a dry run', async () => {
    const { environments, action, context, outputs } = setUp();
    const { id } = environments.add({
      name: 'development',
      type: 'development',
      status: 'ready',
    });

    await action.handler(context({ environmentId: id }, { isDryRun: true }));

    expect(outputs).toEqual({ environmentId: id, status: 'deleted' });
    expect(environments.calls).toEqual([]);
  });
});
