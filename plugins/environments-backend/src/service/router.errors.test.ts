import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import express from 'express';
import { once } from 'node:events';
import { AddressInfo, createServer } from 'node:net';
import knexFactory from 'knex';
import request from 'supertest';
import { environmentsPlugin } from '../plugin';
import { EnvironmentObservability } from './EnvironmentObservability';
import { EnvironmentsService } from './EnvironmentsService';
import { isUnreachable } from './httpErrors';
import { createRouter } from './router';

// How the API fails: the status a client can act on, one sentence it can
// read, and never a stack trace, whatever NODE_ENV says.

jest.setTimeout(30_000);

const JANE = 'user:default/jane';
const orders: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'orders-service',
    namespace: 'default',
    annotations: { 'environments.idp.dev/image': 'ghcr.io/acme/orders:1.0' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-orders' },
};
const baseline = {
  quota: { cpu: '2', memory: '4Gi', pods: 20 },
  limits: {
    defaultCpu: '500m',
    defaultMemory: '512Mi',
    defaultRequestCpu: '100m',
    defaultRequestMemory: '128Mi',
  },
};
const config = {
  environments: {
    types: {
      preview: {
        description: 'Short-lived',
        cluster: 'local',
        ephemeral: true,
        ttl: { default: '4h', max: '3d' },
        baseline,
        bounds: { cpu: '2', memory: '4Gi' },
      },
    },
  },
};

/** Runs with NODE_ENV=development, where Backstage's handler shows stacks. */
async function inDevelopment<T>(run: () => Promise<T>): Promise<T> {
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'development';
  try {
    return await run();
  } finally {
    process.env.NODE_ENV = previous;
  }
}

async function startApi() {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  const { server } = await startTestBackend({
    features: [
      environmentsPlugin,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({ data: config }),
      catalogServiceMock.factory({ entities: [orders] }),
      createServiceFactory({
        service: coreServices.userInfo,
        deps: {},
        factory: () => ({
          getUserInfo: async () => ({
            userEntityRef: JANE,
            ownershipEntityRefs: [JANE, 'group:default/team-orders'],
          }),
        }),
      }),
    ],
  });
  const api = request(server);
  const as = (method: 'get' | 'post' | 'patch' | 'delete', path: string) =>
    api[method](`/api/environments${path}`).set(
      'Authorization',
      mockCredentials.user.header(JANE),
    );
  const created = await as('post', '/environments').send({
    componentRef: 'component:orders-service',
    type: 'preview',
    name: 'pr-1',
  });
  expect(created.status).toBe(202);
  return { as, knex, id: created.body.id as string };
}

describe('errors of the environments API', () => {
  it('answers 400 naming ttl for a duration that would overflow a date', async () => {
    const { as, id } = await startApi();

    const response = await inDevelopment(() =>
      as('post', `/environments/${id}/extend`).send({ ttl: '100000000d' }),
    );

    expect(response.status).toBe(400);
    expect(response.body.error.issues).toEqual([
      {
        field: 'ttl',
        rule: expect.stringContaining('must be at most 3650d'),
      },
    ]);
    expect(response.body.error.stack).toBeUndefined();
  });

  it('answers 400 naming the body when it is not JSON', async () => {
    const { as, id } = await startApi();

    const response = await as('post', `/environments/${id}/extend`)
      .set('Content-Type', 'application/json')
      .send('{"ttl":');

    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(
      /^request body: must be a JSON object or array \(/,
    );
  });

  it('answers 404, not a database error, for ids no environment can have', async () => {
    const { as } = await startApi();

    for (const id of ['\u0000', 'ä', 'a'.repeat(65)]) {
      const response = await as(
        'patch',
        `/environments/${encodeURIComponent(id)}`,
      ).send({});
      expect(response.status).toBe(404);
    }
  });

  it('answers 400 naming the filter that holds control characters', async () => {
    const { as } = await startApi();

    const response = await as('get', '/environments').query({
      type: 'pre\u0000view',
    });

    expect(response.status).toBe(400);
    expect(response.body.error.issues).toEqual([
      { field: 'type', rule: 'must not contain control characters' },
    ]);
  });

  it('accepts one reconcile per environment every 5 s, and says when to retry', async () => {
    const { as, id } = await startApi();

    expect((await as('post', `/environments/${id}/reconcile`)).status).toBe(
      202,
    );
    const again = await as('post', `/environments/${id}/reconcile`);

    expect(again.status).toBe(429);
    expect(again.headers['retry-after']).toMatch(/^[1-5]$/);
    expect(again.body.error).toEqual({
      name: 'TooManyRequestsError',
      message: expect.stringMatching(
        /^Environment 'pr-1' was reconciled less than 5s ago; try again in [1-5]s$/,
      ),
      statusCode: 429,
      retryAfterSeconds: Number(again.headers['retry-after']),
    });
  });

  it('answers 503 when the database is gone, with no stack trace', async () => {
    const { as, knex } = await startApi();
    await knex.destroy();

    const responses = await inDevelopment(() =>
      Promise.all([
        as('get', '/environments'),
        as('post', '/environments').send({
          componentRef: 'component:orders-service',
          type: 'preview',
          name: 'pr-2',
        }),
      ]),
    );

    for (const response of responses) {
      expect(response.status).toBe(503);
      expect(response.body.error).toEqual({
        name: 'ServiceUnavailableError',
        message:
          'The environments database cannot be reached; try again shortly',
      });
    }
  });

  it('answers 503 naming a backend service, not the database, when the permission backend resets the connection', async () => {
    const app = express().use(
      await createRouter({
        httpAuth: mockServices.httpAuth(),
        auditor: mockServices.auditor.mock(),
        service: Object.assign(Object.create(EnvironmentsService.prototype), {
          list: async () => {
            // What node-fetch, under the permission client, throws.
            throw Object.assign(
              new Error(
                'request to http://127.0.0.1:7007/api/permission/authorize failed, reason: read ECONNRESET',
              ),
              { name: 'FetchError', code: 'ECONNRESET', errno: 'ECONNRESET' },
            );
          },
        }),
        observability: {} as EnvironmentObservability,
        config: mockServices.rootConfig(),
        logger: mockServices.logger.mock(),
      }),
    );

    const response = await request(app)
      .get('/environments')
      .set('Authorization', mockCredentials.user.header(JANE));

    expect(response.status).toBe(503);
    expect(response.body.error).toEqual({
      name: 'ServiceUnavailableError',
      message:
        'A service the environments API depends on cannot be reached; try again shortly',
    });
  });

  it('hides internal errors behind a log id, in development too', async () => {
    const logger = mockServices.logger.mock();
    const app = express().use(
      await createRouter({
        httpAuth: mockServices.httpAuth(),
        auditor: mockServices.auditor.mock(),
        // Every other method of the service is left out: only list is called.
        service: Object.assign(Object.create(EnvironmentsService.prototype), {
          list: async () => {
            throw new TypeError(
              "Cannot read properties of undefined (reading 'spec')",
            );
          },
        }),
        observability: {} as EnvironmentObservability,
        config: mockServices.rootConfig(),
        logger,
      }),
    );

    const response = await inDevelopment(() =>
      request(app)
        .get('/environments')
        .set('Authorization', mockCredentials.user.header(JANE)),
    );

    expect(response.status).toBe(500);
    expect(response.body.error).toEqual({
      name: 'Error',
      message: expect.stringMatching(/^An internal error occurred logId=\w+$/),
    });
    expect(response.text).not.toContain('spec');
  });
});

describe('isUnreachable', () => {
  it('recognizes a PostgreSQL server that refuses connections', async () => {
    const knex = knexFactory({
      client: 'pg',
      connection: 'postgresql://postgres@127.0.0.1:1/postgres',
      pool: { min: 0, max: 1 },
      log: { error: () => {}, warn: () => {} },
    });
    const error = await knex.raw('select 1').catch(e => e);
    await knex.destroy();

    expect(isUnreachable(error)).toBe(true);
  });

  it('recognizes another backend that refuses connections', async () => {
    // A port that was just free, so that nothing listens on it.
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    await new Promise(resolve => server.close(resolve));
    const error = await fetch(`http://127.0.0.1:${port}/api/catalog`).catch(
      e => e,
    );

    expect(isUnreachable(error)).toBe(true);
  });

  it('does not take a bad value for an outage', () => {
    expect(
      isUnreachable(
        Object.assign(new Error('invalid message format'), { code: '08P01' }),
      ),
    ).toBe(false);
    expect(isUnreachable(new TypeError('x is undefined'))).toBe(false);
  });
});
