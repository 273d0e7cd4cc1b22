import { Deployment } from '../deployments';
import { EnvironmentsClient } from './EnvironmentsClient';

const deployment: Deployment = {
  id: 'dep-2',
  environmentId: 'env-1',
  environmentName: 'staging',
  type: 'staging',
  componentRef: 'component:default/orders-service',
  sequence: 2,
  kind: 'deploy',
  state: 'rolling-out',
  version: '1.5.0',
  config: {
    image: 'ghcr.io/acme/orders:1.5.0',
    port: 8080,
    replicas: 2,
    env: { LOG_LEVEL: 'info' },
    secretRefs: { DB_PASSWORD: 'db-password' },
    resources: {},
  },
  origins: { image: 'override', replicas: 'baseline' },
  layers: {
    baseline: { replicas: 2 },
    component: {},
    override: { image: 'ghcr.io/acme/orders:1.5.0' },
  },
  contentHash: 'a'.repeat(64),
  message: 'Deployed 1.5.0',
  source: 'api',
  createdBy: 'user:default/jane.doe',
  createdAt: '2026-11-21T09:00:00.000Z',
  updatedAt: '2026-11-21T09:00:00.000Z',
};

function clientAnswering(response: () => Response) {
  const fetch = jest.fn<Promise<Response>, Parameters<typeof globalThis.fetch>>(
    async () => response(),
  );
  const client = new EnvironmentsClient({
    discoveryApi: { getBaseUrl: async id => `http://backend.test/api/${id}` },
    fetchApi: { fetch },
  });
  return { client, fetch };
}

describe('EnvironmentsClient deployments', () => {
  it('deploys with the changes as JSON and reads the deployment back', async () => {
    const { client, fetch } = clientAnswering(() =>
      Response.json(deployment, { status: 202 }),
    );

    const created = await client.deploy(
      'env-1',
      { tag: '1.5.0', replicas: null },
      { token: 'ci-token' },
    );

    expect(created).toEqual(deployment);
    expect(fetch).toHaveBeenCalledWith(
      'http://backend.test/api/environments/environments/env-1/deployments',
      {
        method: 'POST',
        headers: {
          Authorization: 'Bearer ci-token',
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ tag: '1.5.0', replicas: null }),
      },
    );
  });

  it('asks for one page of the history', async () => {
    const { client, fetch } = clientAnswering(() =>
      Response.json({ items: [deployment], nextPageToken: 'next' }),
    );

    const page = await client.listDeployments('env-1', {
      limit: 1,
      pageToken: 'abc',
    });

    expect(page).toEqual({ items: [deployment], nextPageToken: 'next' });
    expect(fetch.mock.calls[0][0]).toBe(
      'http://backend.test/api/environments/environments/env-1/deployments?limit=1&pageToken=abc',
    );
  });

  it('names the other deployment of a diff in the query', async () => {
    const { client, fetch } = clientAnswering(() =>
      Response.json({ from: 'dep-1', to: 'dep-2', changes: [], text: '' }),
    );

    await client.diffDeployments('dep-1', 'dep-2');

    expect(fetch.mock.calls[0][0]).toBe(
      'http://backend.test/api/environments/deployments/dep-1/diff?to=dep-2',
    );
  });

  it('approves and rejects with the comment', async () => {
    const { client, fetch } = clientAnswering(() => Response.json(deployment));

    await client.approveDeployment('dep-2', { comment: 'looks good' });
    await client.rejectDeployment('dep-2', { comment: 'not today' });

    expect(fetch.mock.calls.map(([url, init]) => [url, init?.body])).toEqual([
      [
        'http://backend.test/api/environments/deployments/dep-2/approve',
        '{"comment":"looks good"}',
      ],
      [
        'http://backend.test/api/environments/deployments/dep-2/reject',
        '{"comment":"not today"}',
      ],
    ]);
  });

  it('sets and deletes a secret by its encoded key, expecting no body back', async () => {
    const { client, fetch } = clientAnswering(
      () => new Response(null, { status: 204 }),
    );

    await client.setSecret('env-1', 'db.password', 's3cret');
    await client.deleteSecret('env-1', 'db.password');

    expect(fetch.mock.calls.map(([url, init]) => [init?.method, url])).toEqual([
      [
        'PUT',
        'http://backend.test/api/environments/environments/env-1/secrets/db.password',
      ],
      [
        'DELETE',
        'http://backend.test/api/environments/environments/env-1/secrets/db.password',
      ],
    ]);
    expect(fetch.mock.calls[0][1]?.body).toBe('{"value":"s3cret"}');
  });

  it('refuses an answer whose deployment breaks the contract', async () => {
    const { client } = clientAnswering(() =>
      Response.json({ ...deployment, state: 'exploded' }),
    );

    await expect(client.getDeployment('dep-2')).rejects.toThrow(
      'state: must be one of',
    );
  });

  it('asks what runs where for a component', async () => {
    const { client, fetch } = clientAnswering(() =>
      Response.json({
        componentRef: 'component:default/orders-service',
        promotionPath: ['development', 'staging'],
        environments: [],
      }),
    );

    await client.getWhatRunsWhere('component:default/orders-service');

    expect(fetch.mock.calls[0][0]).toBe(
      'http://backend.test/api/environments/what-runs-where?componentRef=component%3Adefault%2Forders-service',
    );
  });
});
