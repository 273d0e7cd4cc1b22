import { mockServices } from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import {
  deploymentChangedEventSchema,
  environmentSignalSchema,
} from '@internal/backstage-plugin-environments-common';
import { Deployment, Environment } from '../model';
import { DeploymentChangePublisher } from './DeploymentChangePublisher';

const environment = {
  id: 'env-1',
  status: 'ready',
} as Environment;

function deployment(overrides: Partial<Deployment> = {}): Deployment {
  return {
    id: 'dep-1',
    environmentId: 'env-1',
    environmentName: 'development',
    type: 'development',
    componentRef: 'component:default/orders',
    sequence: 1,
    kind: 'deploy',
    state: 'rolling-out',
    version: '1.0.0',
    resolved: {
      config: {
        image: 'registry.acme.example/orders:1.0.0',
        port: 8080,
        replicas: 1,
        env: { LOG_LEVEL: 'info' },
        secretRefs: { DB_PASSWORD: 'db-password' },
        resources: {},
      },
      origins: { image: 'override' },
      layers: { baseline: {}, component: {}, override: {} },
    },
    contentHash: 'a'.repeat(64),
    message: 'Deployed 1.0.0',
    source: 'api',
    createdBy: 'user:default/alice',
    createdAt: new Date('2026-12-01T00:00:00Z'),
    updatedAt: new Date('2026-12-01T00:00:00Z'),
    ...overrides,
  };
}

function publisherWith(
  options: {
    eventsPublish?: () => Promise<void>;
    getEnvironment?: (id: string) => Promise<Environment>;
  } = {},
) {
  const events = {
    publish: jest.fn(options.eventsPublish ?? (async () => {})),
    subscribe: jest.fn(async () => {}),
  };
  const signals = { publish: jest.fn(async (_signal: any) => {}) };
  const logger = mockServices.logger.mock();
  const publisher = DeploymentChangePublisher.create({
    events,
    signals,
    logger,
    environments: {
      getEnvironment: jest.fn(
        options.getEnvironment ?? (async () => environment),
      ),
    },
  });
  return { publisher, events, signals, logger };
}

describe('DeploymentChangePublisher', () => {
  it('publishes the whole deployment as an event and the environment with the deployment’s state as a signal', async () => {
    const { publisher, events, signals } = publisherWith();

    await publisher.deploymentChanged(deployment());

    expect(events.publish).toHaveBeenCalledTimes(1);
    const [{ topic, eventPayload }] = events.publish.mock.calls[0] as any;
    expect(topic).toBe('environments.deployment-changed');
    expect(deploymentChangedEventSchema.parse(eventPayload)).toMatchObject({
      deployment: {
        id: 'dep-1',
        state: 'rolling-out',
        config: { secretRefs: { DB_PASSWORD: 'db-password' } },
        createdAt: '2026-12-01T00:00:00.000Z',
      },
    });
    expect(signals.publish).toHaveBeenCalledWith({
      recipients: { type: 'broadcast' },
      channel: 'environments',
      message: {
        id: 'env-1',
        status: 'ready',
        deployment: { id: 'dep-1', state: 'rolling-out' },
      },
    });
    const [{ message }] = signals.publish.mock.calls[0] as any;
    expect(environmentSignalSchema.strict().parse(message)).toEqual(message);
  });

  it('publishes each change the store commits', async () => {
    const { publisher, events } = publisherWith();
    let listener!: (d: Deployment) => void;
    publisher.subscribe({ onChange: l => (listener = l) });

    listener(deployment());
    listener(deployment({ state: 'succeeded' }));

    await new Promise(resolve => setTimeout(resolve, 10));
    expect(
      events.publish.mock.calls.map(
        (call: any) => call[0].eventPayload.deployment.state,
      ),
    ).toEqual(['rolling-out', 'succeeded']);
  });

  it('publishes the changes of one environment in the order they were committed', async () => {
    let slowFirst = true;
    const { publisher, signals } = publisherWith({
      getEnvironment: async () => {
        if (slowFirst) {
          slowFirst = false;
          await new Promise(resolve => setTimeout(resolve, 30));
        }
        return environment;
      },
    });

    await Promise.all([
      publisher.deploymentChanged(deployment({ state: 'rolling-out' })),
      publisher.deploymentChanged(deployment({ state: 'succeeded' })),
    ]);

    expect(
      signals.publish.mock.calls.map(
        (call: any) => call[0].message.deployment.state,
      ),
    ).toEqual(['rolling-out', 'succeeded']);
  });

  it('logs a failure instead of throwing it, and still sends what it can', async () => {
    const { publisher, signals, logger } = publisherWith({
      eventsPublish: async () => {
        throw new Error('events backend down');
      },
    });

    await expect(
      publisher.deploymentChanged(deployment()),
    ).resolves.toBeUndefined();

    expect(signals.publish).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      'Failed to publish the event of a deployment change',
      expect.objectContaining({
        deployment: 'dep-1',
        error: 'events backend down',
      }),
    );
  });

  it('still publishes the event when the environment cannot be read', async () => {
    const { publisher, events, signals, logger } = publisherWith({
      getEnvironment: async id => {
        throw new NotFoundError(`No environment '${id}'`);
      },
    });

    await publisher.deploymentChanged(deployment());

    expect(events.publish).toHaveBeenCalledTimes(1);
    expect(signals.publish).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith(
      'Failed to publish the signal of a deployment change',
      expect.objectContaining({ error: "No environment 'env-1'" }),
    );
  });
});
