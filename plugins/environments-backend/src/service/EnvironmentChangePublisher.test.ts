import { mockServices } from '@backstage/backend-test-utils';
import {
  environmentChangedEventSchema,
  environmentSignalSchema,
} from '@internal/backstage-plugin-environments-common';
import { Environment } from '../model';
import { EnvironmentChangePublisher } from './EnvironmentChangePublisher';

const environment: Environment = {
  id: 'env-1',
  name: 'development',
  namespace: 'orders-service-development',
  componentRef: 'component:default/orders-service',
  ownerRef: 'group:default/team-orders',
  type: 'development',
  status: 'provisioning',
  reason: 'Waiting for the workloads to become ready',
  spec: {
    componentRef: 'component:default/orders-service',
    type: 'development',
    name: 'development',
    resources: [],
  },
  conditions: [],
  generation: 1,
  observedGeneration: 0,
  version: 1,
  createdBy: 'user:default/jane',
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-01T00:00:01Z'),
};

function publisherWith(
  overrides: { publish?: (...args: any[]) => Promise<void> } = {},
) {
  const events = {
    publish: jest.fn(overrides.publish ?? (async () => {})),
    subscribe: jest.fn(async (_options: any) => {}),
  };
  const signals = { publish: jest.fn(async () => {}) };
  const logger = mockServices.logger.mock();
  const publisher = EnvironmentChangePublisher.create({
    events,
    signals,
    logger,
  });
  return { publisher, events, signals, logger };
}

describe('EnvironmentChangePublisher', () => {
  it('publishes the whole environment as an event, and only its id and status as a signal', async () => {
    const { publisher, events, signals } = publisherWith();

    await publisher.environmentChanged(environment);

    expect(events.publish).toHaveBeenCalledWith({
      topic: 'environments.changed',
      eventPayload: {
        environment: expect.objectContaining({
          id: 'env-1',
          spec: environment.spec,
        }),
      },
    });
    const [[{ eventPayload }]] = events.publish.mock.calls as any;
    expect(environmentChangedEventSchema.parse(eventPayload)).toBeTruthy();
    expect(signals.publish).toHaveBeenCalledWith({
      recipients: { type: 'broadcast' },
      channel: 'environments',
      message: { id: 'env-1', status: 'provisioning' },
    });
    const [[{ message }]] = signals.publish.mock.calls as any;
    expect(environmentSignalSchema.strict().parse(message)).toEqual(message);
  });

  it('tells local listeners first, of changes and of queued jobs, and subscribes them to the other replicas’ events', async () => {
    const { publisher, events } = publisherWith();
    const listener = jest.fn();
    await publisher.onChange(listener);

    await publisher.environmentChanged(environment);
    publisher.jobQueued();
    expect(listener).toHaveBeenCalledTimes(2);

    expect(events.subscribe).toHaveBeenCalledWith(
      expect.objectContaining({ topics: ['environments.changed'] }),
    );
    const [[subscriber]] = events.subscribe.mock.calls as any;
    await subscriber.onEvent({
      topic: 'environments.changed',
      eventPayload: {},
    });
    expect(listener).toHaveBeenCalledTimes(3);
  });

  it('never fails the change when publishing fails', async () => {
    const { publisher, logger } = publisherWith({
      publish: async () => {
        throw new Error('bus down');
      },
    });
    const listener = jest.fn();
    await publisher.onChange(listener);

    await expect(publisher.environmentChanged(environment)).resolves.toBe(
      undefined,
    );
    expect(listener).toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith(
      'Failed to publish an environment change',
      { environment: 'env-1', error: 'bus down' },
    );
  });
});
