import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { PermissionsService } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  EnvironmentEvent,
  EnvironmentPod,
  EnvironmentSpec,
} from '@internal/backstage-plugin-environments-common';
import {
  describeWithCluster,
  eventually,
  orchestratorKubeConfig,
} from '@internal/cluster-tools/testUtils';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import express from 'express';
import { randomBytes } from 'node:crypto';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { DatabaseEnvironmentsStore } from '../database/DatabaseEnvironmentsStore';
import { Environment } from '../model';
import { EnvironmentAuthorizer } from '../permissions/EnvironmentAuthorizer';
import {
  desiredObjects,
  EnvironmentClusters,
  KubernetesProvisioner,
} from '../kubernetes';
import {
  developmentType,
  testDrivers,
} from '../kubernetes/__testUtils__/fixtures';
import { EnvironmentObservability } from './EnvironmentObservability';
import { EnvironmentsService } from './EnvironmentsService';
import { createRouter } from './router';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** Reads a streamed response line by line, with when each line arrived. */
async function* linesOf(body: ReadableStream<Uint8Array>) {
  const decoder = new TextDecoder();
  let pending = '';
  const reader = body.getReader();
  for (;;) {
    const { done, value: chunk } = await reader.read();
    if (done) {
      break;
    }
    const arrivedAt = Date.now();
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      yield { line, arrivedAt };
    }
  }
}

/** The time a line was written, from the RFC 3339 prefix of `timestamps=true`. */
function writtenAt(line: string): number {
  const [, seconds, fraction] =
    line.match(/^(\S+T\d\d:\d\d:\d\d)(\.\d+)?Z /) ?? [];
  if (!seconds) {
    throw new Error(`No timestamp at the start of "${line}"`);
  }
  return Date.parse(`${seconds}${(fraction ?? '.000').slice(0, 4)}Z`);
}

// A Deployment provisioned as the orchestrator provisions it (its own
// ServiceAccount, which proves its roles cover pods, logs and events), and
// the HTTP API in front of it as the backend serves it: behind the root
// router's compression and error handling. The admin kubeconfig (kc) only
// inspects, scales and cleans up. The log lines come from the local cluster's
// kwok ClusterLogs file, which scripts/local-cluster/log-ticker.sh appends a
// line to every few seconds.
describeWithCluster(
  'environment pods, logs and events on the local control plane',
  kc => {
    const suffix = randomBytes(3).toString('hex');
    const namespace = `it-observe-${suffix}`;
    const types = { development: developmentType };
    const servers: Server[] = [];
    let environment: Environment;
    let api: string;
    let deniedApi: string;

    async function serve(
      permissions: PermissionsService,
      store: DatabaseEnvironmentsStore,
    ) {
      const logger = mockServices.logger.mock();
      const authorizer = new EnvironmentAuthorizer({
        permissions,
        ruleset: {
          getRuleByName: name => {
            throw new Error(`No permission rule ${name} in this test`);
          },
        },
      });
      const service = new EnvironmentsService({
        store,
        types,
        catalog: catalogServiceMock(),
        authorizer,
        userInfo: mockServices.userInfo(),
        drivers: testDrivers,
      });
      const clusters = EnvironmentClusters.fromConnections(
        [
          {
            name: developmentType.cluster,
            kubeConfig: await orchestratorKubeConfig(kc()),
          },
        ],
        { logger, drivers: testDrivers },
      );
      const observability = new EnvironmentObservability({
        environments: service,
        types,
        authorizer,
        observerFor: cluster => clusters.observer(cluster),
      });
      const middleware = MiddlewareFactory.create({
        config: mockServices.rootConfig(),
        logger,
      });
      const app = express();
      app.use(middleware.compression());
      app.use(
        await createRouter({
          httpAuth: mockServices.httpAuth(),
          auditor: mockServices.auditor.mock(),
          service,
          observability,
          config: mockServices.rootConfig(),
          logger,
        }),
      );
      app.use(middleware.error());
      const server = app.listen(0, '127.0.0.1');
      servers.push(server);
      await new Promise(resolve => server.once('listening', resolve));
      const { port } = server.address() as AddressInfo;
      return `http://127.0.0.1:${port}/environments/${environment.id}`;
    }

    beforeAll(async () => {
      const store = await DatabaseEnvironmentsStore.create({
        database: mockServices.database({
          knex: await databases.init('SQLITE_3'),
        }),
      });
      const spec: EnvironmentSpec = {
        componentRef: 'component:default/orders-service',
        type: 'development',
        name: `it-${suffix}`,
        resources: [],
      };
      environment = await store.createEnvironment({
        name: spec.name,
        namespace,
        componentRef: spec.componentRef,
        ownerRef: 'group:default/team-orders',
        type: spec.type,
        spec,
        createdBy: 'user:default/jane',
      });
      const provisioner = KubernetesProvisioner.create({
        kubeConfig: await orchestratorKubeConfig(kc()),
        logger: mockServices.logger.mock(),
        drivers: testDrivers,
      });
      await provisioner.apply(
        desiredObjects({
          environment: { ...environment, spec },
          type: developmentType,
          workload: { image: 'ghcr.io/acme/orders-service:1.4.2' },
          drivers: testDrivers,
        }),
      );
      await store.updateStatus({ id: environment.id, status: 'ready' });

      api = await serve(
        mockServices.permissions({ result: AuthorizeResult.ALLOW }),
        store,
      );
      deniedApi = await serve(
        mockServices.permissions({ result: AuthorizeResult.DENY }),
        store,
      );
    });

    afterAll(async () => {
      for (const server of servers) {
        server.closeAllConnections();
        server.close();
      }
      await kc()
        .makeApiClient(CoreV1Api)
        .deleteNamespace({ name: namespace })
        .catch(() => {});
    });

    const authorization = mockCredentials.user.header('user:default/jane');
    const get = (path: string, init?: RequestInit, base = api) =>
      fetch(`${base}${path}`, { ...init, headers: { authorization } });

    async function runningPod(): Promise<EnvironmentPod> {
      return eventually('the pod is running and ready', async () => {
        const response = await get('/pods');
        if (!response.ok) {
          throw new Error(`${response.status}: ${await response.text()}`);
        }
        const { items } = (await response.json()) as {
          items: EnvironmentPod[];
        };
        return items.find(p => p.phase === 'Running' && p.ready);
      });
    }

    it('lists the running pod of the Deployment', async () => {
      const pod = await runningPod();

      expect(pod).toEqual({
        name: expect.stringMatching(/^orders-service-/),
        phase: 'Running',
        ready: true,
        restarts: 0,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        nodeName: expect.any(String),
        containers: [
          {
            name: 'orders-service',
            image: 'ghcr.io/acme/orders-service:1.4.2',
            ready: true,
            restartCount: 0,
            state: 'running',
          },
        ],
      });
    });

    it('returns the last lines of the log as plain text', async () => {
      const pod = await runningPod();

      const response = await get(`/logs?pod=${pod.name}&tailLines=3`);
      const text = await response.text();

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(
        'text/plain; charset=utf-8',
      );
      const lines = text.split('\n');
      expect(lines.pop()).toBe('');
      expect(lines).toHaveLength(3);
      expect(lines.every(line => line.length > 0)).toBe(true);
    });

    it('follows the log: new lines arrive within seconds of being written', async () => {
      const pod = await runningPod();
      const client = new AbortController();

      const response = await get(
        `/logs?pod=${pod.name}&follow=true&tailLines=0&timestamps=true`,
        { signal: client.signal },
      );
      expect(response.status).toBe(200);
      const delays: number[] = [];
      const deadline = setTimeout(() => client.abort(), 30_000);
      try {
        for await (const { line, arrivedAt } of linesOf(response.body!)) {
          delays.push(arrivedAt - writtenAt(line));
          if (delays.length === 2) {
            break;
          }
        }
      } finally {
        clearTimeout(deadline);
        client.abort();
      }

      // eslint-disable-next-line no-console
      console.log(
        `Log lines arrived ${delays
          .map(ms => `${ms} ms`)
          .join(', ')} after they were written`,
      );
      expect(delays).toHaveLength(2);
      for (const delay of delays) {
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(3_000);
      }
    });

    it('returns the log of the previous container', async () => {
      const pod = await runningPod();

      const response = await get(`/logs?pod=${pod.name}&previous=true`);

      // The local cluster's kwok serves pod-logs/previous.log as every
      // container's previous log (a cluster created before that was
      // configured answers 400: recreate it with cluster.sh down and up).
      expect(response.status).toBe(200);
      expect(await response.text()).toMatch(/simulated previous container/);
    });

    it('lists the Normal events of the pod, its ReplicaSet and its Deployment, newest first', async () => {
      const pod = await runningPod();

      const events = await eventually('the events are recorded', async () => {
        const { items } = (await (await get('/events')).json()) as {
          items: EnvironmentEvent[];
        };
        const kinds = new Set(items.map(e => e.object.kind));
        return ['Pod', 'ReplicaSet', 'Deployment'].every(k => kinds.has(k))
          ? items
          : undefined;
      });

      expect(events).toContainEqual({
        type: 'Normal',
        reason: 'Scheduled',
        message: expect.stringContaining(`${namespace}/${pod.name}`),
        object: { kind: 'Pod', name: pod.name },
        count: 1,
        firstSeen: expect.any(String),
        lastSeen: expect.any(String),
      });
      expect(events).toContainEqual(
        expect.objectContaining({
          type: 'Normal',
          reason: 'SuccessfulCreate',
          object: { kind: 'ReplicaSet', name: expect.any(String) },
        }),
      );
      expect(events).toContainEqual(
        expect.objectContaining({
          type: 'Normal',
          reason: 'ScalingReplicaSet',
          object: { kind: 'Deployment', name: 'orders-service' },
        }),
      );
      const lastSeen = events.map(e => e.lastSeen);
      expect(lastSeen).toEqual([...lastSeen].sort().reverse());
    });

    it('answers 404 naming a pod that is not in the environment', async () => {
      const response = await get('/logs?pod=orders-service-nope');

      expect(response.status).toBe(404);
      expect((await response.json()).error).toMatchObject({
        name: 'NotFoundError',
        message: `Pod 'orders-service-nope' was not found in environment 'it-${suffix}' (namespace ${namespace})`,
      });
    });

    it('answers 400 naming a container the pod does not have', async () => {
      const pod = await runningPod();

      const response = await get(`/logs?pod=${pod.name}&container=sidecar`);

      expect(response.status).toBe(400);
      expect((await response.json()).error).toMatchObject({
        name: 'InputError',
        message: expect.stringContaining(
          `container: must be a container of pod ${pod.name} (orders-service); got "sidecar"`,
        ),
      });
    });

    it('answers 403 to whoever may not read the environment', async () => {
      const pod = await runningPod();

      for (const path of ['/pods', '/events', `/logs?pod=${pod.name}`]) {
        const response = await get(path, {}, deniedApi);
        expect(response.status).toBe(403);
        expect((await response.json()).error.name).toBe('NotAllowedError');
      }
    });

    it('explains a pod the quota has no room for', async () => {
      // Each pod gets the LimitRange's default of 500m CPU and the quota
      // allows 2 cores: the fifth replica is refused.
      await kc()
        .makeApiClient(AppsV1Api)
        .patchNamespacedDeploymentScale({
          name: 'orders-service',
          namespace,
          body: [{ op: 'replace', path: '/spec/replicas', value: 5 }],
        });

      const warning = await eventually('the quota refuses a pod', async () => {
        const { items } = (await (await get('/events')).json()) as {
          items: EnvironmentEvent[];
        };
        return items.find(e => e.reason === 'FailedCreate');
      });

      expect(warning).toMatchObject({
        type: 'Warning',
        message: expect.stringContaining('exceeded quota: environment-quota'),
        object: { kind: 'ReplicaSet' },
        hint: expect.stringContaining(
          "The namespace's ResourceQuota (environment-quota) has no room",
        ),
      });
    });
  },
);
