import { Environment } from '@internal/backstage-plugin-environments-common';
import { readEnvironmentChangedPayload } from './environmentChangedEvent';

const environment: Environment = {
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
};

describe('readEnvironmentChangedPayload', () => {
  it('reads an environment as the backend publishes it', () => {
    expect(readEnvironmentChangedPayload({ environment })).toEqual({
      environment,
    });
  });

  it('names each field that breaks the contract', () => {
    expect(
      readEnvironmentChangedPayload({
        environment: { ...environment, status: 'exploded', updatedAt: 'now' },
      }),
    ).toEqual({
      problems: [
        expect.stringMatching(/^environment\.status: /),
        expect.stringMatching(/^environment\.updatedAt: .*ISO 8601/),
      ],
    });
  });

  it('names the payload when it is not an event at all', () => {
    expect(readEnvironmentChangedPayload('ready')).toEqual({
      problems: [expect.stringMatching(/^payload: /)],
    });
  });
});
