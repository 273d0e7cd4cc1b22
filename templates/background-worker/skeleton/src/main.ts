import { createHealthServer } from './health.ts';
import { job } from './job.ts';
import { log } from './log.ts';
import { runWorker, WorkerStatus } from './worker.ts';

const intervalMs = Number(process.env.WORK_INTERVAL_SECONDS ?? '30') * 1000;
const port = Number(process.env.PORT ?? '${{ values.port }}');

const status = new WorkerStatus(new Date());
const health = createHealthServer({ status, staleAfterMs: 3 * intervalMs });
health.listen(port, () => log('Health check listening', { port }));

// Kubernetes sends SIGTERM before it stops the pod: let the run in progress
// finish, then exit.
const stopping = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    log('Shutting down', { signal });
    stopping.abort();
  });
}

log('Worker started', { intervalMs });
await runWorker({ job, intervalMs, signal: stopping.signal, status, log });
health.closeAllConnections();
health.close(() => log('Stopped'));
