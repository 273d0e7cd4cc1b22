import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  describeWithCluster,
  eventually,
  orchestratorKubeConfig,
} from '@internal/cluster-tools/testUtils';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import http from 'node:http';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { environmentsPlugin } from './plugin';

jest.setTimeout(180_000);

const USER = 'user:default/carol.diaz';
const COMPONENT = 'fence-api';
const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: COMPONENT,
    namespace: 'default',
    annotations: { 'environments.idp.dev/image': 'registry.local/fence:1' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'storefront-team' },
};

/**
 * A proxy in front of the API server that holds the server-side apply of
 * any Namespace whose name contains `held` until `release()`: a reconcile
 * caught inside its first write, before the namespace exists, which is when
 * a teardown has nothing to delete and finishes at once.
 */
async function startNamespaceHolder(server: {
  url: string;
  caData?: string;
  skipTLSVerify?: boolean;
}) {
  const upstream = new URL(server.url);
  const agent = new https.Agent({
    keepAlive: true,
    ...(server.caData && { ca: Buffer.from(server.caData, 'base64') }),
    rejectUnauthorized: !server.skipTLSVerify,
  });
  let release!: () => void;
  const released = new Promise<void>(resolve => {
    release = resolve;
  });
  let heldOne!: () => void;
  const held = new Promise<void>(resolve => {
    heldOne = resolve;
  });
  const proxy = http.createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const body: Buffer[] = [];
    for await (const chunk of req) body.push(chunk as Buffer);
    if (
      req.method === 'PATCH' &&
      /^\/api\/v1\/namespaces\/[^/]*held[^/]*$/.test(path)
    ) {
      heldOne();
      await released;
    }
    const forwarded = https.request(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: upstream.host },
        agent,
      },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', error => {
      if (!res.headersSent) res.writeHead(502);
      res.end(String(error));
    });
    res.on('close', () => {
      if (!res.writableFinished) forwarded.destroy();
    });
    forwarded.end(Buffer.concat(body));
  });
  await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    held,
    release,
    async close() {
      release();
      proxy.closeAllConnections();
      await new Promise(resolve => proxy.close(resolve));
      agent.destroy();
    },
  };
}

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

describeWithCluster('a deletion against the local control plane', kc => {
  const stops: Array<() => Promise<void>> = [];

  afterEach(async () => {
    await Promise.all(stops.splice(0).map(stop => stop()));
  });

  afterAll(async () => {
    // A failed test must not leave namespaces behind for the next run.
    const core = kc().makeApiClient(CoreV1Api);
    const left = await core.listNamespace({
      labelSelector: `environments.idp.dev/component=${COMPONENT}`,
    });
    await Promise.all(
      left.items.map(ns =>
        core
          .deleteNamespace({ name: ns.metadata!.name! })
          .catch(() => undefined),
      ),
    );
  });

  async function startBackend(orchestrator: KubeConfig, url: string) {
    const cluster = orchestrator.getCurrentCluster()!;
    const knex = await databases.init('POSTGRES_15');
    const backend = await startTestBackend({
      features: [
        environmentsPlugin,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            environments: {
              // So that a teardown that does not wait would start at once.
              reconciler: { pollInterval: { seconds: 1 } },
              clusters: [
                {
                  name: 'local',
                  url,
                  serviceAccountToken: orchestrator.getCurrentUser()!.token,
                  skipTLSVerify: true,
                  ...(cluster.caData && { caData: cluster.caData }),
                },
              ],
              types: {
                development: {
                  description: 'Day to day',
                  cluster: 'local',
                  baseline: {
                    quota: { cpu: '2', memory: '4Gi', pods: 20 },
                    limits: {
                      defaultCpu: '500m',
                      defaultMemory: '512Mi',
                      defaultRequestCpu: '100m',
                      defaultRequestMemory: '128Mi',
                    },
                  },
                  bounds: { cpu: '4', memory: '8Gi' },
                },
              },
            },
          },
        }),
        schedulerServiceFactory,
        catalogServiceMock.factory({ entities: [component] }),
        createServiceFactory({
          service: coreServices.userInfo,
          deps: {},
          factory: () => ({
            getUserInfo: async () => ({
              userEntityRef: USER,
              ownershipEntityRefs: [USER, 'group:default/storefront-team'],
            }),
          }),
        }),
      ],
    });
    stops.push(() => backend.stop());
    return (method: 'get' | 'post' | 'delete', path: string, body?: object) => {
      const call = request(backend.server)
        [method](`/api/environments${path}`)
        .set('Authorization', mockCredentials.user.header(USER));
      return body ? call.send(body) : call;
    };
  }

  it('leaves no namespace when the delete is accepted while the first apply is in flight', async () => {
    const orchestrator = await orchestratorKubeConfig(kc());
    const cluster = orchestrator.getCurrentCluster()!;
    const holder = await startNamespaceHolder({
      url: cluster.server,
      caData: cluster.caData,
      skipTLSVerify: cluster.skipTLSVerify,
    });
    stops.push(() => holder.close());
    const call = await startBackend(orchestrator, holder.url);
    const core = kc().makeApiClient(CoreV1Api);

    const created = await call('post', '/environments', {
      componentRef: `component:${COMPONENT}`,
      type: 'development',
      name: 'held',
    });
    expect(created.status).toBe(202);
    const { id, namespace } = created.body;
    await holder.held;

    expect((await call('delete', `/environments/${id}`)).status).toBe(202);
    // Time enough for a teardown that does not wait to find nothing and finish.
    await new Promise(resolve => setTimeout(resolve, 4_000));
    holder.release();

    await eventually(
      `environment ${id} deleted`,
      async () =>
        (await call('get', `/environments/${id}`)).body.status === 'deleted' ||
        undefined,
      120_000,
    );
    // Longer than the rest of an apply would take.
    await new Promise(resolve => setTimeout(resolve, 5_000));
    const selector = `environments.idp.dev/id=${id}`;
    const leftover = await core.readNamespace({ name: namespace }).then(
      ns => ns.status?.phase ?? 'present',
      (error: any) => (error.code === 404 ? undefined : Promise.reject(error)),
    );
    expect(leftover).toBeUndefined();
    expect(
      (await core.listPodForAllNamespaces({ labelSelector: selector })).items,
    ).toEqual([]);
  });
});
