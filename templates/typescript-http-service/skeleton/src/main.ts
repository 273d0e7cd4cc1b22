import { createAppServer } from './server.ts';

const port = Number(process.env.PORT ?? '${{ values.port }}');
const server = createAppServer();

server.listen(port, () => log('Listening', { port }));

// Kubernetes sends SIGTERM before it stops the pod: finish the requests in
// flight, then exit.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    log('Shutting down', { signal });
    server.close(() => process.exit(0));
    server.closeIdleConnections();
  });
}

/** One JSON object per line, which the cluster's log collectors parse. */
function log(message: string, fields: Record<string, unknown>): void {
  const line = {
    time: new Date().toISOString(),
    level: 'info',
    service: '${{ values.name }}',
    message,
    ...fields,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
