import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createAppServer } from './server.ts';

describe('${{ values.name }}', () => {
  const server = createAppServer();
  let baseUrl = '';

  before(async () => {
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise(resolve => server.close(resolve));
  });

  it('reports itself healthy on /healthz', async () => {
    const res = await fetch(`${baseUrl}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  it('greets the name it is given', async () => {
    const res = await fetch(`${baseUrl}/api/greeting?name=Ada`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(await res.json(), { message: 'Hello, Ada!' });
  });

  it('greets the world when no name is given', async () => {
    const res = await fetch(`${baseUrl}/api/greeting`);
    assert.deepEqual(await res.json(), { message: 'Hello, world!' });
  });

  it('rejects a name that is too long, saying why', async () => {
    const res = await fetch(`${baseUrl}/api/greeting?name=${'a'.repeat(101)}`);
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), {
      error: 'name must be 1 to 100 characters long (got 101)',
    });
  });

  it('answers 404 for an unknown path and 405 for a wrong method', async () => {
    const missing = await fetch(`${baseUrl}/nope`);
    assert.equal(missing.status, 404);
    const post = await fetch(`${baseUrl}/api/greeting`, { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
  });
});
