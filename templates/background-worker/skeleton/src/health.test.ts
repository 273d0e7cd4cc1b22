import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { createHealthServer, type HealthOptions } from './health.ts';
import { WorkerStatus } from './worker.ts';

async function probe(options: HealthOptions) {
  const server = createHealthServer(options);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    return { status: res.status, body: await res.json() };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

describe('the health check', () => {
  const startedAt = new Date('2025-01-01T00:00:00Z');
  const minutesLater = (minutes: number) => () =>
    new Date(startedAt.getTime() + minutes * 60_000);

  it('is healthy while runs succeed', async () => {
    const status = new WorkerStatus(startedAt);
    status.recordSuccess(minutesLater(9)());
    const res = await probe({
      status,
      staleAfterMs: 2 * 60_000,
      now: minutesLater(10),
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'ok');
  });

  it('is healthy just after the start, before the first run', async () => {
    const status = new WorkerStatus(startedAt);
    const res = await probe({
      status,
      staleAfterMs: 2 * 60_000,
      now: minutesLater(1),
    });
    assert.equal(res.status, 200);
  });

  it('is unhealthy when no run has succeeded for too long, and says why', async () => {
    const status = new WorkerStatus(startedAt);
    status.recordSuccess(minutesLater(1)());
    status.recordFailure(new Error('queue unreachable'));
    const res = await probe({
      status,
      staleAfterMs: 2 * 60_000,
      now: minutesLater(10),
    });
    assert.equal(res.status, 503);
    assert.deepEqual(res.body, {
      status: 'stale',
      lastSuccessAt: '2025-01-01T00:01:00.000Z',
      consecutiveFailures: 1,
      lastError: 'queue unreachable',
    });
  });
});
