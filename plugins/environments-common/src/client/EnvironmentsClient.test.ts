import { ResponseError } from '@backstage/errors';
import { Environment } from '../types';
import { EnvironmentsClient } from './EnvironmentsClient';

const environment: Environment = {
  id: 'a1b2c3',
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

function clientAnswering(response: Response) {
  const fetch = jest.fn(async (_url: string, _init?: RequestInit) => response);
  const client = new EnvironmentsClient({
    discoveryApi: {
      getBaseUrl: async pluginId => `http://backend.test/api/${pluginId}`,
    },
    fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch },
  });
  return { client, fetch };
}

describe('EnvironmentsClient', () => {
  describe('listEnvironments', () => {
    it('asks the environments backend for the environments matching the filter', async () => {
      const { client, fetch } = clientAnswering(
        Response.json({ items: [environment] }),
      );

      const list = await client.listEnvironments({
        componentRef: 'component:default/orders-service',
        status: 'ready',
      });

      expect(list).toEqual({ items: [environment] });
      expect(fetch).toHaveBeenCalledWith(
        'http://backend.test/api/environments/environments?componentRef=component%3Adefault%2Forders-service&status=ready',
        { method: 'GET', headers: {} },
      );
    });

    it('lists every environment when there is no filter', async () => {
      const { client, fetch } = clientAnswering(Response.json({ items: [] }));

      await client.listEnvironments();

      expect(fetch.mock.calls[0][0]).toBe(
        'http://backend.test/api/environments/environments',
      );
    });

    it('sends the token it is given', async () => {
      const { client, fetch } = clientAnswering(Response.json({ items: [] }));

      await client.listEnvironments({}, { token: 'service-token' });

      expect(fetch.mock.calls[0][1]).toEqual({
        method: 'GET',
        headers: { Authorization: 'Bearer service-token' },
      });
    });

    it('throws a ResponseError that carries the backend error', async () => {
      const { client } = clientAnswering(
        Response.json(
          {
            error: { name: 'NotAllowedError', message: 'Not allowed' },
            request: { method: 'GET', url: '/environments' },
            response: { statusCode: 403 },
          },
          { status: 403, statusText: 'Forbidden' },
        ),
      );

      const failure = client.listEnvironments();

      await expect(failure).rejects.toBeInstanceOf(ResponseError);
      await expect(failure).rejects.toMatchObject({
        statusCode: 403,
        body: { error: { name: 'NotAllowedError', message: 'Not allowed' } },
      });
    });
  });
});
