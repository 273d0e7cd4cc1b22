import http from 'node:http';
import { CliError, EXIT } from '../exitCodes';

/**
 * The port of the login's redirect: the auth backend's CLI client document
 * (`/api/auth/.well-known/oauth-client/cli.json`) registers
 * `http://127.0.0.1:8055/callback` as its only redirect URI.
 */
export const CALLBACK_PORT = 8055;

export type CallbackServer = {
  /** The redirect URI to send to the authorize endpoint. */
  url: string;
  /** The authorization code, once the browser is redirected with it. */
  waitForCode(signal?: AbortSignal): Promise<string>;
  close(): Promise<void>;
};

/**
 * Listens on 127.0.0.1 for the browser's redirect after the user approves
 * the login, and hands over the code when `state` matches. A redirect that
 * carries `error` (the user rejected the request) ends the wait with it.
 */
export async function startCallbackServer(options: {
  state: string;
  port?: number;
}): Promise<CallbackServer> {
  const server = http.createServer();
  let settle: {
    resolve: (code: string) => void;
    reject: (error: Error) => void;
  };
  const result = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // Unobserved until waitForCode is called; never an unhandled rejection.
  result.catch(() => {});

  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback') {
      res.writeHead(404).end('Not found');
      return;
    }
    const reply = (status: number, text: string) =>
      res
        .writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' })
        .end(text);
    if (url.searchParams.get('state') !== options.state) {
      reply(400, 'This login does not match the one idp started.');
      return;
    }
    const error = url.searchParams.get('error');
    if (error) {
      const description = url.searchParams.get('error_description') ?? '';
      reply(
        200,
        `Login refused: ${description || error}. You may close this window.`,
      );
      settle.reject(
        new CliError(
          `Login refused: ${error}${description ? ` (${description})` : ''}`,
          EXIT.notAllowed,
        ),
      );
      return;
    }
    const code = url.searchParams.get('code');
    if (!code) {
      reply(400, 'The redirect carries no code.');
      return;
    }
    reply(200, 'Logged in to idp. You may close this window.');
    settle.resolve(code);
  });

  const port = options.port ?? CALLBACK_PORT;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new CliError(
              `Port ${port} on 127.0.0.1 is in use; the login's redirect needs it. Close what uses it (another idp login?) and try again.`,
            )
          : error,
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const boundPort =
    typeof address === 'object' && address ? address.port : port;

  return {
    url: `http://127.0.0.1:${boundPort}/callback`,
    waitForCode(signal) {
      if (!signal) return result;
      return Promise.race([
        result,
        new Promise<string>((_, reject) => {
          const abort = () =>
            reject(new CliError('Login cancelled', EXIT.failed));
          if (signal.aborted) abort();
          signal.addEventListener('abort', abort, { once: true });
        }),
      ]);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}
