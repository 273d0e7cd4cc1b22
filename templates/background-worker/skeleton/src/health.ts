/**
 * The health check Kubernetes probes: healthy while the job has succeeded
 * recently (or the worker has only just started), so that a worker whose
 * runs keep failing, or that hangs, is restarted.
 */
import { createServer, type Server } from 'node:http';
import type { WorkerStatus } from './worker.ts';

export interface HealthOptions {
  status: WorkerStatus;
  /** How long without a successful run before the worker is unhealthy. */
  staleAfterMs: number;
  now?: () => Date;
}

export function createHealthServer(options: HealthOptions): Server {
  const { status, staleAfterMs, now = () => new Date() } = options;
  return createServer((req, res) => {
    if (req.url !== '/healthz') {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: `no route for ${req.url}` }));
      return;
    }
    const lastGood = status.lastSuccessAt ?? status.startedAt;
    const healthy = now().getTime() - lastGood.getTime() <= staleAfterMs;
    res.writeHead(healthy ? 200 : 503, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({
        status: healthy ? 'ok' : 'stale',
        lastSuccessAt: status.lastSuccessAt?.toISOString() ?? null,
        consecutiveFailures: status.consecutiveFailures,
        lastError: status.lastError ?? null,
      }),
    );
  });
}
