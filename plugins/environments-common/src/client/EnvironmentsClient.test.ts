import { ResponseError } from '@backstage/errors';
import { EnvironmentEvent, EnvironmentPod } from '../observability';
import { AuditEvent, Environment, StatusTransition } from '../types';
import { EnvironmentsClient } from './EnvironmentsClient';

const environment: Environment = {
  id: 'a1b2c3',
  name: 'development',
  namespace: 'orders-service-development',
  componentRef: 'component:default/orders-service',
  ownerRef: 'group:default/team-orders',
  type: 'development',
  status: 'ready',
  conditions: [],
  spec: {
    componentRef: 'component:default/orders-service',
    type: 'development',
    name: 'development',
    resources: [],
  },
  createdBy: 'user:default/jane.doe',
  createdAt: '2026-11-21T09:00:00.000Z',
  updatedAt: '2026-11-21T09:01:00.000Z',
};

function clientAnswering(response: Response) {
  const fetch = jest.fn<Promise<Response>, Parameters<typeof globalThis.fetch>>(
    async () => response,
  );
  const client = new EnvironmentsClient({
    discoveryApi: {
      getBaseUrl: async pluginId => `http://backend.test/api/${pluginId}`,
    },
    fetchApi: { fetch },
  });
  return { client, fetch };
}

describe('EnvironmentsClient', () => {
  describe('listEnvironments', () => {
    it('asks the environments backend for the environments matching the filter', async () => {
      const { client, fetch } = clientAnswering(
        Response.json({ items: [environment] }),
      );

      const list = await client.listEnvironments({
        componentRef: 'component:default/orders-service',
        status: 'ready',
      });

      expect(list).toEqual({ items: [environment] });
      expect(fetch).toHaveBeenCalledWith(
        'http://backend.test/api/environments/environments?componentRef=component%3Adefault%2Forders-service&status=ready',
        { method: 'GET', headers: {} },
      );
    });

    it('lists every environment when there is no filter', async () => {
      const { client, fetch } = clientAnswering(Response.json({ items: [] }));

      await client.listEnvironments();

      expect(fetch.mock.calls[0][0]).toBe(
        'http://backend.test/api/environments/environments',
      );
    });

    it('sends the token it is given', async () => {
      const { client, fetch } = clientAnswering(Response.json({ items: [] }));

      await client.listEnvironments({}, { token: 'service-token' });

      expect(fetch.mock.calls[0][1]).toEqual({
        method: 'GET',
        headers: { Authorization: 'Bearer service-token' },
      });
    });

    it('throws a ResponseError that carries the backend error', async () => {
      const { client } = clientAnswering(
        Response.json(
          {
            error: { name: 'NotAllowedError', message: 'Not allowed' },
            request: { method: 'GET', url: '/environments' },
            response: { statusCode: 403 },
          },
          { status: 403, statusText: 'Forbidden' },
        ),
      );

      const failure = client.listEnvironments();

      await expect(failure).rejects.toBeInstanceOf(ResponseError);
      await expect(failure).rejects.toMatchObject({
        statusCode: 403,
        body: { error: { name: 'NotAllowedError', message: 'Not allowed' } },
      });
    });
  });

  describe('an answer outside the API', () => {
    it('is an error naming each field that breaks the contract', async () => {
      const { client } = clientAnswering(
        Response.json({
          items: [{ ...environment, status: 'exploded', createdAt: 'today' }],
        }),
      );

      await expect(client.listEnvironments()).rejects.toThrow(
        'The environments backend answered GET /environments with a body that does not match its API:\n' +
          'items.0.status: must be one of: requested, provisioning, ready, failed, deleting, deleted\n' +
          'items.0.createdAt: must be an ISO 8601 timestamp such as "2026-11-21T09:00:00.000Z"',
      );
    });

    it('is an error when a list has no items', async () => {
      const { client } = clientAnswering(Response.json({ environments: [] }));

      await expect(client.getStatusHistory('a1b2c3')).rejects.toThrow(
        'items: is required',
      );
    });
  });

  describe('createEnvironment', () => {
    it('posts the request as JSON and returns the stored environment', async () => {
      const { client, fetch } = clientAnswering(
        Response.json(
          { ...environment, status: 'requested' },
          {
            status: 202,
            headers: { Location: '/api/environments/environments/a1b2c3' },
          },
        ),
      );

      const created = await client.createEnvironment(
        {
          componentRef: 'component:default/orders-service',
          type: 'development',
          overrides: { cpu: '1' },
        },
        { token: 'user-token' },
      );

      expect(created).toMatchObject({ id: 'a1b2c3', status: 'requested' });
      expect(fetch).toHaveBeenCalledWith(
        'http://backend.test/api/environments/environments',
        {
          method: 'POST',
          headers: {
            Authorization: 'Bearer user-token',
            'Content-Type': 'application/json',
          },
          body: JSON.stringify({
            componentRef: 'component:default/orders-service',
            type: 'development',
            overrides: { cpu: '1' },
          }),
        },
      );
    });

    it('throws a ResponseError with the issues of an invalid request', async () => {
      const issues = [{ field: 'type', rule: 'must be one of: development' }];
      const { client } = clientAnswering(
        Response.json(
          {
            error: {
              name: 'InputError',
              message:
                'Invalid environment request:\ntype: must be one of: development',
              issues,
            },
            request: { method: 'POST', url: '/environments' },
            response: { statusCode: 400 },
          },
          { status: 400, statusText: 'Bad Request' },
        ),
      );

      await expect(
        client.createEnvironment({
          componentRef: 'component:default/orders-service',
          type: 'qa',
        }),
      ).rejects.toMatchObject({
        statusCode: 400,
        body: { error: { name: 'InputError', issues } },
      });
    });
  });

  describe('getEnvironment', () => {
    it('gets the environment by its id, encoded in the path', async () => {
      const { client, fetch } = clientAnswering(Response.json(environment));

      await expect(client.getEnvironment('a1b2/c3')).resolves.toEqual(
        environment,
      );
      expect(fetch).toHaveBeenCalledWith(
        'http://backend.test/api/environments/environments/a1b2%2Fc3',
        { method: 'GET', headers: {} },
      );
    });

    it('throws a ResponseError with status 404 for an unknown id', async () => {
      const { client } = clientAnswering(
        Response.json(
          {
            error: {
              name: 'NotFoundError',
              message: "Environment 'nope' not found",
            },
            request: { method: 'GET', url: '/environments/nope' },
            response: { statusCode: 404 },
          },
          { status: 404, statusText: 'Not Found' },
        ),
      );

      await expect(client.getEnvironment('nope')).rejects.toMatchObject({
        name: 'ResponseError',
        statusCode: 404,
      });
    });
  });

  describe('updateEnvironment', () => {
    it('patches the environment with the change', async () => {
      const { client, fetch } = clientAnswering(
        Response.json({ ...environment, status: 'requested' }, { status: 202 }),
      );

      await client.updateEnvironment('a1b2c3', {
        image: null,
        overrides: { memory: '1Gi' },
      });

      expect(fetch).toHaveBeenCalledWith(
        'http://backend.test/api/environments/environments/a1b2c3',
        {
          method: 'PATCH',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ image: null, overrides: { memory: '1Gi' } }),
        },
      );
    });

    it('makes the change conditional on the version it is given', async () => {
      const { client, fetch } = clientAnswering(
        Response.json({ ...environment, version: 4 }, { status: 202 }),
      );

      await expect(
        client.updateEnvironment(
          'a1b2c3',
          { overrides: { memory: '1Gi' } },
          { version: 3 },
        ),
      ).resolves.toMatchObject({ version: 4 });
      expect(fetch).toHaveBeenCalledWith(
        'http://backend.test/api/environments/environments/a1b2c3',
        expect.objectContaining({
          headers: { 'Content-Type': 'application/json', 'If-Match': '"3"' },
        }),
      );
    });

    it('throws the 412 of a stale version as a ResponseError', async () => {
      const { client } = clientAnswering(
        Response.json(
          {
            error: {
              name: 'StaleVersionError',
              message: "Environment 'a1b2c3' is at version 4, not 3",
            },
            request: { method: 'PATCH', url: '/environments/a1b2c3' },
            response: { statusCode: 412 },
          },
          { status: 412 },
        ),
      );

      await expect(
        client.updateEnvironment('a1b2c3', { image: null }, { version: 3 }),
      ).rejects.toMatchObject({
        name: 'ResponseError',
        statusCode: 412,
        body: { error: { name: 'StaleVersionError' } },
      });
    });
  });

  describe('deleteEnvironment', () => {
    it('deletes the environment and returns it as deleting', async () => {
      const { client, fetch } = clientAnswering(
        Response.json({ ...environment, status: 'deleting' }, { status: 202 }),
      );

      await expect(client.deleteEnvironment('a1b2c3')).resolves.toMatchObject({
        status: 'deleting',
      });
      expect(fetch).toHaveBeenCalledWith(
        'http://backend.test/api/environments/environments/a1b2c3',
        { method: 'DELETE', headers: {} },
      );
    });
  });

  describe('extendEnvironment', () => {
    it('posts the new time to live to the extend endpoint', async () => {
      const expiresAt = '2026-11-21T17:00:00.000Z';
      const { client, fetch } = clientAnswering(
        Response.json({ ...environment, expiresAt }),
      );

      await expect(
        client.extendEnvironment('a1b2c3', { ttl: '8h' }),
      ).resolves.toMatchObject({ expiresAt });
      expect(fetch).toHaveBeenCalledWith(
        'http://backend.test/api/environments/environments/a1b2c3/extend',
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ ttl: '8h' }),
        },
      );
    });

    it('makes the extension conditional on the version it is given', async () => {
      const { client, fetch } = clientAnswering(Response.json(environment));

      await client.extendEnvironment('a1b2c3', { ttl: '8h' }, { version: 7 });

      expect(fetch).toHaveBeenCalledWith(
        'http://backend.test/api/environments/environments/a1b2c3/extend',
        expect.objectContaining({
          headers: { 'Content-Type': 'application/json', 'If-Match': '"7"' },
        }),
      );
    });
  });

  describe('reconcileEnvironment', () => {
    it('posts to the reconcile endpoint and returns the queued environment', async () => {
      const { client, fetch } = clientAnswering(
        Response.json(environment, { status: 202 }),
      );

      await expect(
        client.reconcileEnvironment('a1b2c3', { token: 'user-token' }),
      ).resolves.toEqual(environment);
      expect(fetch).toHaveBeenCalledWith(
        'http://backend.test/api/environments/environments/a1b2c3/reconcile',
        { method: 'POST', headers: { Authorization: 'Bearer user-token' } },
      );
    });
  });

  describe('getAuditTrail', () => {
    it("gets the environment's audit events", async () => {
      const event: AuditEvent = {
        id: '1',
        environmentId: 'a1b2c3',
        actor: 'user:default/jane.doe',
        action: 'create',
        outcome: 'succeeded',
        at: '2026-11-21T09:00:00.000Z',
      };
      const { client, fetch } = clientAnswering(
        Response.json({ items: [event] }),
      );

      await expect(client.getAuditTrail('a1b2c3')).resolves.toEqual({
        items: [event],
      });
      expect(fetch.mock.calls[0][0]).toBe(
        'http://backend.test/api/environments/environments/a1b2c3/audit',
      );
    });
  });

  describe('getStatusHistory', () => {
    it("gets the environment's status transitions, oldest first", async () => {
      const transitions: StatusTransition[] = [
        { status: 'requested', at: '2026-11-21T09:00:00.000Z' },
        { status: 'provisioning', at: '2026-11-21T09:00:01.000Z' },
        {
          status: 'failed',
          reason: 'QuotaExceeded',
          at: '2026-11-21T09:00:30.000Z',
        },
      ];
      const { client, fetch } = clientAnswering(
        Response.json({ items: transitions }),
      );

      await expect(
        client.getStatusHistory('a1b2/c3', { token: 'user-token' }),
      ).resolves.toEqual({ items: transitions });
      expect(fetch).toHaveBeenCalledWith(
        'http://backend.test/api/environments/environments/a1b2%2Fc3/status-history',
        { method: 'GET', headers: { Authorization: 'Bearer user-token' } },
      );
    });
  });

  describe('listTypes', () => {
    it('lists the environment types with whether the caller may use each', async () => {
      const development = {
        name: 'development',
        description: 'Day-to-day work',
        cluster: 'local',
        ephemeral: false,
        requiresApproval: false,
        baseline: {
          quota: {
            cpu: '2',
            memory: '4Gi',
            storage: '10Gi',
            persistentVolumeClaims: 5,
          },
          limits: {
            defaultCpu: '500m',
            defaultMemory: '512Mi',
            defaultRequestCpu: '100m',
            defaultRequestMemory: '128Mi',
          },
          podSecurity: {
            enforce: 'restricted',
            audit: 'restricted',
            warn: 'restricted',
            version: 'latest',
          },
        },
        bounds: {
          cpu: '4',
          memory: '8Gi',
          storage: '5Gi',
          resources: 3,
          replicas: 3,
        },
        allowed: true,
      };
      const { client, fetch } = clientAnswering(
        Response.json({ items: [development] }),
      );

      await expect(client.listTypes({ token: 'user-token' })).resolves.toEqual({
        items: [development],
      });
      expect(fetch).toHaveBeenCalledWith(
        'http://backend.test/api/environments/types',
        { method: 'GET', headers: { Authorization: 'Bearer user-token' } },
      );
    });
  });

  describe('listPods', () => {
    it("gets the environment's pods", async () => {
      const pod: EnvironmentPod = {
        name: 'orders-service-7d9f-x2',
        phase: 'Running',
        ready: true,
        restarts: 0,
        createdAt: '2026-11-21T09:00:30.000Z',
        containers: [
          {
            name: 'orders-service',
            image: 'registry.acme.example/storefront/orders-service:1.4.2',
            ready: true,
            restartCount: 0,
            state: 'running',
          },
        ],
      };
      const { client, fetch } = clientAnswering(
        Response.json({ items: [pod] }),
      );

      await expect(client.listPods('a1b2c3')).resolves.toEqual({
        items: [pod],
      });
      expect(fetch).toHaveBeenCalledWith(
        'http://backend.test/api/environments/environments/a1b2c3/pods',
        { method: 'GET', headers: {} },
      );
    });
  });

  describe('listEvents', () => {
    it("gets the events of the environment's namespace", async () => {
      const event: EnvironmentEvent = {
        type: 'Warning',
        reason: 'BackOff',
        message: 'Back-off restarting failed container',
        object: { kind: 'Pod', name: 'orders-service-7d9f-x2' },
        count: 3,
        firstSeen: '2026-11-21T09:01:00.000Z',
        lastSeen: '2026-11-21T09:03:00.000Z',
        hint: 'The container keeps exiting; read its previous log.',
      };
      const { client, fetch } = clientAnswering(
        Response.json({ items: [event] }),
      );

      await expect(client.listEvents('a1b2c3')).resolves.toEqual({
        items: [event],
      });
      expect(fetch.mock.calls[0][0]).toBe(
        'http://backend.test/api/environments/environments/a1b2c3/events',
      );
    });
  });

  describe('openLogs', () => {
    it('asks for the log with its options and returns the stream as it comes', async () => {
      const { client, fetch } = clientAnswering(
        new Response('first line\nsecond line\n', {
          headers: { 'Content-Type': 'text/plain; charset=utf-8' },
        }),
      );
      const controller = new AbortController();

      const stream = await client.openLogs(
        'a1b2c3',
        {
          pod: 'orders-service-7d9f-x2',
          container: 'orders-service',
          follow: true,
          previous: false,
          tailLines: 100,
        },
        { signal: controller.signal },
      );

      expect(await new Response(stream).text()).toBe(
        'first line\nsecond line\n',
      );
      expect(fetch).toHaveBeenCalledWith(
        'http://backend.test/api/environments/environments/a1b2c3/logs?pod=orders-service-7d9f-x2&container=orders-service&follow=true&previous=false&tailLines=100',
        { method: 'GET', headers: {}, signal: controller.signal },
      );
    });

    it("throws a ResponseError, before any line, for a pod that is not the environment's", async () => {
      const { client } = clientAnswering(
        Response.json(
          {
            error: {
              name: 'NotFoundError',
              message: "Pod 'web-1' is not a pod of environment 'a1b2c3'",
            },
            request: { method: 'GET', url: '/environments/a1b2c3/logs' },
            response: { statusCode: 404 },
          },
          { status: 404, statusText: 'Not Found' },
        ),
      );

      await expect(
        client.openLogs('a1b2c3', { pod: 'web-1' }),
      ).rejects.toMatchObject({ name: 'ResponseError', statusCode: 404 });
    });
  });
});
