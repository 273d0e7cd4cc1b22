/**
 * The HTTP API of ${{ values.name }}: a health check for Kubernetes probes and
 * one JSON endpoint to build on. api/openapi.yaml describes both.
 */
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';

const MAX_NAME_LENGTH = 100;

type Reply = { status: number; body: unknown };
type Route = (url: URL) => Reply;

const routes: Record<string, Route> = {
  '/healthz': () => ({ status: 200, body: { status: 'ok' } }),

  '/api/greeting': url => {
    const name = url.searchParams.get('name') ?? 'world';
    if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
      return {
        status: 400,
        body: {
          error: `name must be 1 to ${MAX_NAME_LENGTH} characters long (got ${name.length})`,
        },
      };
    }
    return { status: 200, body: { message: `Hello, ${name}!` } };
  },
};

/** Creates the server; the caller decides where it listens. */
export function createAppServer(): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = routes[url.pathname];
    if (!route) {
      sendJson(res, {
        status: 404,
        body: { error: `no route for ${url.pathname}` },
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      sendJson(res, {
        status: 405,
        body: { error: `${req.method} is not allowed on ${url.pathname}` },
      });
      return;
    }
    sendJson(res, route(url));
  });
}

function sendJson(res: ServerResponse, { status, body }: Reply): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
  });
  res.end(payload);
}
