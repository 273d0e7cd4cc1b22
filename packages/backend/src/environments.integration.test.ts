import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  describeWithCluster,
  eventually,
  orchestratorKubeConfig,
} from '@internal/cluster-tools/testUtils';
import { CoreV1Api } from '@kubernetes/client-node';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import request from 'supertest';
import { backendFeatures } from './features';
import { localConfigWithAbsoluteLocations } from './__testUtils__/config';
import { postgresUnderTest } from './__testUtils__/databases';

jest.setTimeout(240_000);

const GUEST = 'user:default/guest';
const NAMESPACE = 'orders-service-it-catalog';

/**
 * The whole backend, as it runs, provisioning into the local control plane:
 * an environment requested through the API becomes a Resource entity of the
 * catalog, whose status follows the environment's within seconds.
 */
describeWithCluster('environments in the catalog, whole backend', kc => {
  const database = postgresUnderTest();
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const orchestrator = await orchestratorKubeConfig(kc());
    const cluster = orchestrator.getCurrentCluster()!;
    const config = await localConfigWithAbsoluteLocations();
    (config.backend as any).database = database.config();
    (config as any).environments.clusters = [
      {
        name: 'local',
        url: cluster.server,
        serviceAccountToken: orchestrator.getCurrentUser()!.token,
        ...(cluster.caData && { caData: cluster.caData }),
        ...(cluster.skipTLSVerify && { skipTLSVerify: true }),
      },
    ];
    const backend = await startTestBackend({
      features: [
        ...backendFeatures,
        mockServices.rootConfig.factory({ data: config }),
        schedulerServiceFactory,
        // The real events service: the test backend's default mock gives each
        // plugin its own, and the catalog would never hear of a change.
        eventsServiceFactory,
        // The platform policy is walked through the whole backend in
        // permissions.integration.test.ts; here the guest acts as an admin would.
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        createServiceFactory({
          service: coreServices.userInfo,
          deps: {},
          factory: () => ({
            getUserInfo: async () => ({
              userEntityRef: GUEST,
              ownershipEntityRefs: [GUEST, 'group:default/platform-team'],
            }),
          }),
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
  });

  afterAll(async () => {
    await stop?.();
    await database.cleanup();
    // A failed run must not leave its namespace to clash with the next one.
    await kc()
      .makeApiClient(CoreV1Api)
      .deleteNamespace({ name: NAMESPACE })
      .catch(() => undefined);
  });

  const as = (method: 'get' | 'post' | 'delete', path: string) =>
    request(server)
      [method](path)
      .set('Authorization', mockCredentials.user.header(GUEST));

  async function catalogEntity(name: string): Promise<Entity | undefined> {
    const res = await as(
      'get',
      `/api/catalog/entities/by-name/resource/default/${name}`,
    );
    return res.status === 200 ? res.body : undefined;
  }

  it('shows a requested environment in the catalog, with its live status, relations and Kubernetes annotations', async () => {
    // The seed catalog must be in before a component can be looked up.
    await eventually(
      'orders-service in the catalog',
      async () =>
        (
          await as(
            'get',
            '/api/catalog/entities/by-name/component/default/orders-service',
          )
        ).status === 200 || undefined,
      120_000,
    );

    const created = await as('post', '/api/environments/environments').send({
      componentRef: 'component:default/orders-service',
      type: 'development',
      name: 'it-catalog',
    });
    expect(created.status).toBe(202);
    const { id, namespace } = created.body;

    let last: unknown;
    const readyInApi = await eventually(
      'environment ready',
      async () => {
        const res = await as('get', `/api/environments/environments/${id}`);
        last = res.body;
        return res.body.status === 'ready' ? Date.now() : undefined;
      },
      120_000,
    ).catch(error => {
      throw new Error(`${error}; last seen: ${JSON.stringify(last)}`);
    });
    const entity = await eventually(
      'catalog shows the environment ready',
      async () => {
        const found = await catalogEntity(namespace);
        return found?.metadata.annotations?.['environments.idp.dev/status'] ===
          'ready'
          ? found
          : undefined;
      },
      30_000,
    );
    // eslint-disable-next-line no-console
    console.log(
      `environment ready → catalog shows ready: ${Date.now() - readyInApi} ms`,
    );

    expect(entity.spec).toMatchObject({
      type: 'environment',
      owner: 'group:default/storefront-team',
      system: 'system:default/storefront',
    });
    expect(entity.metadata.annotations).toMatchObject({
      'backstage.io/kubernetes-namespace': namespace,
      'backstage.io/kubernetes-label-selector': `environments.idp.dev/id=${id}`,
    });
    expect(entity.relations?.map(r => `${r.type} ${r.targetRef}`)).toEqual(
      expect.arrayContaining([
        'dependencyOf component:default/orders-service',
        'ownedBy group:default/storefront-team',
      ]),
    );

    expect(
      (await as('delete', `/api/environments/environments/${id}`)).status,
    ).toBe(202);
    await eventually(
      'environment gone from the catalog',
      async () => ((await catalogEntity(namespace)) ? undefined : true),
      60_000,
    );
  });
});
