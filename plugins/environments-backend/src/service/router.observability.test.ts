import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import express from 'express';
import { AddressInfo } from 'node:net';
import { Server } from 'node:http';
import { PassThrough } from 'node:stream';
import request from 'supertest';
import { EnvironmentObservability } from './EnvironmentObservability';
import { EnvironmentsService } from './EnvironmentsService';
import { createRouter } from './router';

// The router as the backend serves it: behind the root router's compression
// and error handling, so that what a client sees here is what it gets.
async function startApp() {
  const logs = new PassThrough();
  const observability = {
    pods: jest.fn(async () => []),
    events: jest.fn(async () => []),
    openLogs: jest.fn(
      async (..._args: Parameters<EnvironmentObservability['openLogs']>) =>
        logs,
    ),
  };
  const middleware = MiddlewareFactory.create({
    config: mockServices.rootConfig(),
    logger: mockServices.logger.mock(),
  });
  const app = express();
  app.use(middleware.compression());
  app.use(
    await createRouter({
      httpAuth: mockServices.httpAuth(),
      auditor: mockServices.auditor.mock(),
      service: {} as EnvironmentsService,
      observability,
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    }),
  );
  app.use(middleware.error());
  return { app, logs, observability };
}

const authorization = mockCredentials.user.header('user:default/jane');

describe('observability routes', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.close();
    server = undefined;
  });

  async function listen(app: express.Express) {
    server = app.listen(0);
    await new Promise(resolve => server!.once('listening', resolve));
    return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  }

  it('passes the query on with its types, and 500 lines by default in the service', async () => {
    const { app, logs, observability } = await startApp();
    logs.end('line 1\n');

    const response = await request(app)
      .get(
        '/environments/env-1/logs?pod=orders-1&container=orders&follow=false&previous=true&tailLines=20&sinceSeconds=60&timestamps=true',
      )
      .set('Authorization', authorization);

    expect(response.status).toBe(200);
    expect(response.text).toBe('line 1\n');
    expect(observability.openLogs).toHaveBeenCalledWith(
      'env-1',
      {
        pod: 'orders-1',
        container: 'orders',
        follow: false,
        previous: true,
        tailLines: 20,
        sinceSeconds: 60,
        timestamps: true,
      },
      expect.objectContaining({ signal: expect.any(AbortSignal) }),
    );
  });

  it.each([
    ['', /pod/],
    ['?pod=', /pod/],
    ['?pod=orders-1&tailLines=-1', /tailLines.*>= 0/],
    ['?pod=orders-1&tailLines=many', /tailLines.*integer/],
    ['?pod=orders-1&tailLines=10001', /tailLines.*<= 10000/],
    ['?pod=orders-1&sinceSeconds=0', /sinceSeconds.*>= 1/],
    ['?pod=orders-1&follow=yes', /follow.*boolean/],
    ['?pod=orders-1&lines=5', /lines/],
  ])(
    'refuses logs%s with 400, naming the parameter and the rule',
    async (query, message) => {
      const { app, observability } = await startApp();

      const response = await request(app)
        .get(`/environments/env-1/logs${query}`)
        .set('Authorization', authorization);

      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(message),
      });
      expect(observability.openLogs).not.toHaveBeenCalled();
    },
  );

  it('answers 404 with the message of the service', async () => {
    const { app, observability } = await startApp();
    observability.openLogs.mockRejectedValue(
      new NotFoundError("Pod 'orders-2' was not found in environment 'dev'"),
    );

    const response = await request(app)
      .get('/environments/env-1/logs?pod=orders-2')
      .set('Authorization', authorization);

    expect(response.status).toBe(404);
    expect(response.body.error.message).toBe(
      "Pod 'orders-2' was not found in environment 'dev'",
    );
  });

  it('streams each line as soon as it is written, uncompressed', async () => {
    const { app, logs } = await startApp();
    const base = await listen(app);

    const response = await fetch(
      `${base}/environments/env-1/logs?pod=orders-1&follow=true`,
      { headers: { authorization, 'Accept-Encoding': 'gzip, deflate, br' } },
    );
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();

    expect(response.headers.get('content-type')).toBe(
      'text/plain; charset=utf-8',
    );
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    for (const line of ['first line\n', 'second line\n']) {
      logs.write(line);
      // One short line: compression would hold it back, waiting for more.
      const { value } = await reader.read();
      expect(decoder.decode(value)).toBe(line);
    }
    await reader.cancel();
  });

  it('stops reading from Kubernetes when the client disconnects', async () => {
    const { app, logs, observability } = await startApp();
    const base = await listen(app);
    const client = new AbortController();

    const response = await fetch(
      `${base}/environments/env-1/logs?pod=orders-1&follow=true`,
      { headers: { authorization }, signal: client.signal },
    );
    logs.write('a line\n');
    await response.body!.getReader().read();
    const { signal } = observability.openLogs.mock.calls[0][2];
    expect(signal.aborted).toBe(false);

    client.abort();

    await new Promise<void>(resolve =>
      signal.aborted
        ? resolve()
        : signal.addEventListener('abort', () => resolve()),
    );
    expect(signal.aborted).toBe(true);
  });

  it('lists pods and events as JSON items', async () => {
    const { app, observability } = await startApp();
    observability.pods.mockResolvedValue([{ name: 'orders-1' }] as any);
    observability.events.mockResolvedValue([{ reason: 'Scheduled' }] as any);

    const pods = await request(app)
      .get('/environments/env-1/pods')
      .set('Authorization', authorization);
    const events = await request(app)
      .get('/environments/env-1/events')
      .set('Authorization', authorization);

    expect(pods.body).toEqual({ items: [{ name: 'orders-1' }] });
    expect(events.body).toEqual({ items: [{ reason: 'Scheduled' }] });
    expect(observability.pods).toHaveBeenCalledWith('env-1', {
      credentials: expect.anything(),
    });
  });
});
