import { EnvironmentsClient } from './EnvironmentsClient';

const event = (id: string) => ({
  id,
  environmentId: 'a1b2c3',
  actor: 'user:default/jane.doe',
  action: 'create',
  outcome: 'succeeded',
  at: '2026-11-21T09:00:00.000Z',
});

/** A backend whose answers are the given pages, in order. */
function clientAnswering(pages: object[]) {
  const fetch = jest.fn<Promise<Response>, Parameters<typeof globalThis.fetch>>(
    async () => Response.json(pages.shift()),
  );
  const client = new EnvironmentsClient({
    discoveryApi: {
      getBaseUrl: async pluginId => `http://backend.test/api/${pluginId}`,
    },
    fetchApi: { fetch },
  });
  return { client, fetch };
}

describe('EnvironmentsClient pages', () => {
  it('lists every page when no page is asked for, as before the API had pages', async () => {
    const { client, fetch } = clientAnswering([
      { items: [], nextPageToken: 'two' },
      { items: [], nextPageToken: 'three' },
      { items: [] },
    ]);

    await expect(client.listEnvironments({ type: 'preview' })).resolves.toEqual(
      { items: [] },
    );
    expect(fetch.mock.calls.map(([url]) => url)).toEqual([
      'http://backend.test/api/environments/environments?type=preview',
      'http://backend.test/api/environments/environments?type=preview&pageToken=two',
      'http://backend.test/api/environments/environments?type=preview&pageToken=three',
    ]);
  });

  it('lists one page when asked, with where the next starts', async () => {
    const { client, fetch } = clientAnswering([
      { items: [], nextPageToken: 'next' },
    ]);

    await expect(
      client.listEnvironments({ limit: 500, pageToken: 'this' }),
    ).resolves.toEqual({ items: [], nextPageToken: 'next' });
    expect(fetch).toHaveBeenCalledWith(
      'http://backend.test/api/environments/environments?limit=500&pageToken=this',
      expect.anything(),
    );
  });

  it('reads the whole audit trail, or one page of it', async () => {
    const { client, fetch } = clientAnswering([
      { items: [event('1'), event('2')], nextPageToken: 'more' },
      { items: [event('3')] },
      { items: [event('1')], nextPageToken: 'more' },
    ]);

    const whole = await client.getAuditTrail('a1b2c3');
    const page = await client.getAuditTrail('a1b2c3', { page: { limit: 1 } });

    expect(whole.items.map(e => e.id)).toEqual(['1', '2', '3']);
    expect(page).toMatchObject({ nextPageToken: 'more' });
    expect(fetch.mock.calls.map(([url]) => url)).toEqual([
      'http://backend.test/api/environments/environments/a1b2c3/audit',
      'http://backend.test/api/environments/environments/a1b2c3/audit?pageToken=more',
      'http://backend.test/api/environments/environments/a1b2c3/audit?limit=1',
    ]);
  });

  it('reads the whole status history', async () => {
    const transition = { status: 'requested', at: '2026-11-21T09:00:00.000Z' };
    const { client, fetch } = clientAnswering([
      { items: [transition], nextPageToken: 'more' },
      { items: [transition] },
    ]);

    const history = await client.getStatusHistory('a1b2c3');

    expect(history.items).toHaveLength(2);
    expect(fetch.mock.calls.map(([url]) => url)).toEqual([
      'http://backend.test/api/environments/environments/a1b2c3/status-history',
      'http://backend.test/api/environments/environments/a1b2c3/status-history?pageToken=more',
    ]);
  });
});
