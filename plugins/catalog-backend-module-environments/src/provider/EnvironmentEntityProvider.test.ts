import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import {
  Environment,
  EnvironmentList,
  EnvironmentsApi,
} from '@internal/backstage-plugin-environments-common';
import { EnvironmentEntityProvider } from './EnvironmentEntityProvider';

function anEnvironment(overrides: Partial<Environment> = {}): Environment {
  return {
    id: 'env-1',
    name: 'development',
    namespace: 'orders-service-development',
    componentRef: 'component:default/orders-service',
    ownerRef: 'group:default/team-orders',
    type: 'development',
    status: 'ready',
    conditions: [],
    spec: {
      componentRef: 'component:default/orders-service',
      type: 'development',
      name: 'development',
      resources: [],
    },
    createdBy: 'user:default/jane.doe',
    createdAt: '2026-11-21T09:00:00.000Z',
    updatedAt: '2026-11-21T09:01:00.000Z',
    ...overrides,
  };
}

/** What the catalog was told, with each entity reduced to name and status. */
function summarize(mutation: EntityProviderMutation) {
  const describe = (deferred: { entity: any }) =>
    `${deferred.entity.metadata.name}:${deferred.entity.metadata.annotations['environments.idp.dev/status']}`;
  if (mutation.type === 'full') {
    return { full: mutation.entities.map(describe) };
  }
  return {
    added: mutation.added.map(describe),
    removed: mutation.removed.map(removed =>
      'entityRef' in removed ? removed.entityRef : describe(removed),
    ),
  };
}

function setUp(options: { list?: () => Promise<EnvironmentList> } = {}) {
  const mutations: EntityProviderMutation[] = [];
  const connection: EntityProviderConnection = {
    applyMutation: async mutation => {
      mutations.push(mutation);
    },
    refresh: async () => {},
  };
  const listEnvironments = jest.fn<
    ReturnType<EnvironmentsApi['listEnvironments']>,
    Parameters<EnvironmentsApi['listEnvironments']>
  >(options.list ?? (async () => ({ items: [] })));
  const events = mockServices.events.mock();
  const taskRunner = { run: jest.fn() };
  const provider = new EnvironmentEntityProvider({
    environments: { listEnvironments },
    auth: mockServices.auth({ pluginId: 'catalog' }),
    events,
    taskRunner,
    backendStarted: Promise.resolve(),
    logger: mockServices.logger.mock(),
    appBaseUrl: 'http://localhost:3000',
  });

  return {
    provider,
    connection,
    listEnvironments,
    events,
    taskRunner,
    mutations: () => mutations.map(summarize),
    async connect() {
      await provider.connect(connection);
      const onEvent = events.subscribe.mock.calls[0][0].onEvent;
      return {
        publish: (environment: Environment | unknown) =>
          onEvent({
            topic: 'environments.changed',
            eventPayload: { environment },
          }),
      };
    },
  };
}

describe('EnvironmentEntityProvider', () => {
  it('subscribes to environment changes and schedules a full sync on connect', async () => {
    const { provider, connection, events, taskRunner } = setUp();

    await provider.connect(connection);

    expect(provider.getProviderName()).toBe('environments');
    expect(events.subscribe).toHaveBeenCalledWith(
      expect.objectContaining({ topics: ['environments.changed'] }),
    );
    expect(taskRunner.run).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'environments:full-sync' }),
    );
  });

  it('lists environments as its own service and replaces its entities with the live ones', async () => {
    const { provider, connect, listEnvironments, mutations } = setUp({
      list: async () => ({
        items: [
          anEnvironment(),
          anEnvironment({
            id: 'env-2',
            namespace: 'orders-service-preview',
            status: 'provisioning',
          }),
        ],
      }),
    });
    await connect();

    await provider.fullSync();

    expect(listEnvironments).toHaveBeenCalledWith(
      {},
      {
        token: mockCredentials.service.token({
          onBehalfOf: mockCredentials.service('plugin:catalog'),
          targetPluginId: 'environments',
        }),
      },
    );
    expect(mutations()).toEqual([
      {
        full: [
          'orders-service-development:ready',
          'orders-service-preview:provisioning',
        ],
      },
    ]);
  });

  it('says which call failed when the environments backend cannot be reached', async () => {
    const { provider, connect } = setUp({
      list: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:7007');
      },
    });
    await connect();

    await expect(provider.fullSync()).rejects.toThrow(
      'Failed to list environments for the catalog; caused by Error: connect ECONNREFUSED 127.0.0.1:7007',
    );
  });

  it('adds or updates the entity of a changed environment', async () => {
    const { connect, mutations } = setUp();
    const { publish } = await connect();

    await publish(anEnvironment({ status: 'provisioning' }));
    await publish(
      anEnvironment({
        status: 'ready',
        updatedAt: '2026-11-21T09:02:00.000Z',
      }),
    );

    expect(mutations()).toEqual([
      { added: ['orders-service-development:provisioning'], removed: [] },
      { added: ['orders-service-development:ready'], removed: [] },
    ]);
  });

  it('removes the entity of a deleted environment', async () => {
    const { connect, mutations } = setUp();
    const { publish } = await connect();

    await publish(anEnvironment({ status: 'deleted' }));

    expect(mutations()).toEqual([
      { added: [], removed: ['resource:default/orders-service-development'] },
    ]);
  });

  it('ignores a change older than one it has already applied', async () => {
    const { connect, mutations } = setUp();
    const { publish } = await connect();

    await publish(
      anEnvironment({ status: 'ready', updatedAt: '2026-11-21T09:02:00.000Z' }),
    );
    await publish(
      anEnvironment({
        status: 'provisioning',
        updatedAt: '2026-11-21T09:01:00.000Z',
      }),
    );

    expect(mutations()).toEqual([
      { added: ['orders-service-development:ready'], removed: [] },
    ]);
  });

  it('ignores an event whose payload is not an environment', async () => {
    const { connect, mutations } = setUp();
    const { publish } = await connect();

    await publish({ id: 'env-1', status: 'exploded' });

    expect(mutations()).toEqual([]);
  });

  it('keeps a change that arrives while a full sync is listing', async () => {
    let answerList: (list: EnvironmentList) => void = () => {};
    const { provider, connect, mutations } = setUp({
      list: () => new Promise(resolve => (answerList = resolve)),
    });
    const { publish } = await connect();

    const sync = provider.fullSync();
    await new Promise(resolve => setImmediate(resolve));
    await publish(
      anEnvironment({ status: 'ready', updatedAt: '2026-11-21T09:02:00.000Z' }),
    );
    await publish(
      anEnvironment({
        id: 'env-2',
        namespace: 'orders-service-preview',
        status: 'deleted',
        updatedAt: '2026-11-21T09:02:00.000Z',
      }),
    );
    // The list was read before those changes.
    answerList({
      items: [
        anEnvironment({ status: 'provisioning' }),
        anEnvironment({
          id: 'env-2',
          namespace: 'orders-service-preview',
          status: 'deleting',
        }),
      ],
    });
    await sync;

    expect(mutations().at(-1)).toEqual({
      full: ['orders-service-development:ready'],
    });
  });
});
