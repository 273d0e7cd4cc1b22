import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  AuditorService,
  AuditorServiceCreateEventOptions,
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { backendFeatures } from './features';
import { grantOf, platformGrants } from './modules/permissionPolicy';
import {
  localConfigWithAbsoluteLocations,
  repoRoot,
} from './__testUtils__/config';

jest.setTimeout(180_000);

/**
 * The permission table of the root README, walked through the whole backend:
 * packages/backend's features with the real permission client and the
 * platform policy behind the permission backend, so that every decision
 * makes the round trip a running portal makes (plugin → permission backend →
 * policy → the plugin's rules).
 */

// Who asks: the seed organization's people (catalog/org.yaml), except the
// guest, who is signed in but in no group here (the seed puts the local guest
// in platform-team, which would make it an admin).
const USERS = {
  owner: ['user:default/carol.diaz', 'group:default/storefront-team'],
  otherTeam: ['user:default/frank.muller', 'group:default/payments-team'],
  admin: ['user:default/alice.nguyen', 'group:default/platform-team'],
  guest: ['user:default/guest'],
} as const;
type User = keyof typeof USERS;
type Caller = User | 'service';
const CALLERS: Caller[] = ['owner', 'otherTeam', 'admin', 'guest', 'service'];

const OWNER_GROUP = 'storefront-team';

function authorization(caller: Caller | 'none'): string | undefined {
  if (caller === 'none') {
    return undefined;
  }
  return caller === 'service'
    ? mockCredentials.service.header()
    : mockCredentials.user.header(USERS[caller][0]);
}

/** What a plugin needs of the test entities; the seed catalog takes minutes to ingest. */
function component(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-location': 'url:https://permission.test/',
        'backstage.io/managed-by-origin-location':
          'url:https://permission.test/',
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: OWNER_GROUP },
  };
}
const template: Entity = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: {
    name: 'permission-test',
    namespace: 'default',
    annotations: component('x').metadata.annotations,
  },
  spec: { type: 'service', owner: 'platform-team', parameters: [], steps: [] },
};
const entities = [
  component('orders-service'),
  ...[...CALLERS, 'none'].map(caller =>
    component(`unregister-me-${caller.toLowerCase()}`),
  ),
  template,
];

const testEntities = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'permission-test-entities',
  register(reg) {
    reg.registerInit({
      deps: { catalog: catalogProcessingExtensionPoint },
      async init({ catalog }) {
        catalog.addEntityProvider({
          getProviderName: () => 'permission-test',
          connect: connection =>
            connection.applyMutation({
              type: 'full',
              entities: entities.map(entity => ({
                entity,
                locationKey: 'permission-test',
              })),
            }),
        });
      },
    });
  },
});

/**
 * Calls between plugins carry the user and the calling plugin, as real
 * tokens do; the test backend's mock tokens drop the plugin, and the
 * permission backend refuses conditional requests of users who call it
 * themselves.
 */
const authWithActors = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const auth = mockServices.auth({ pluginId: plugin.getId() });
    const issue = auth.getPluginRequestToken.bind(auth);
    auth.getPluginRequestToken = async options =>
      auth.isPrincipal(options.onBehalfOf, 'user')
        ? {
            token: mockCredentials.user.token(
              options.onBehalfOf.principal.userEntityRef,
              { actor: { subject: `plugin:${plugin.getId()}` } },
            ),
          }
        : issue(options);
    return auth;
  },
});

const userInfo = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials) {
      const ref = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      const user = Object.values(USERS).find(refs => refs[0] === ref);
      return {
        userEntityRef: ref,
        ownershipEntityRefs: user ? [...user] : [ref],
      };
    },
  }),
});

const auditEvents: Array<{ plugin: string; eventId: string; meta?: object }> =
  [];
const recordingAuditor = createServiceFactory({
  service: coreServices.auditor,
  deps: { plugin: coreServices.pluginMetadata },
  factory: ({ plugin }): AuditorService => ({
    async createEvent(options: AuditorServiceCreateEventOptions) {
      auditEvents.push({
        plugin: plugin.getId(),
        eventId: options.eventId,
        meta: options.meta,
      });
      return { success: async () => {}, fail: async () => {} };
    },
  }),
});

let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
let stop: () => Promise<void>;

const as = (caller: Caller | 'none') => {
  const header = authorization(caller);
  const withAuth = (test: request.Test) =>
    header ? test.set('Authorization', header) : test;
  return {
    get: (url: string) => withAuth(request(server).get(url)),
    post: (url: string, body?: object) =>
      withAuth(request(server).post(url)).send(body),
    patch: (url: string, body: object) =>
      withAuth(request(server).patch(url)).send(body),
    put: (url: string, body: object) =>
      withAuth(request(server).put(url)).send(body),
    delete: (url: string) => withAuth(request(server).delete(url)),
  };
};

async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 250));
  }
}

async function entityUid(name: string): Promise<string> {
  const res = await as('service').get(
    `/api/catalog/entities/by-name/component/default/${name}`,
  );
  return res.body.metadata.uid;
}

/** An environment of orders-service, requested by an admin. */
async function environment(type: string, name: string): Promise<string> {
  const res = await as('admin').post('/api/environments/environments', {
    componentRef: 'component:default/orders-service',
    type,
    name,
  });
  if (res.status !== 202) {
    throw new Error(`environment ${name}: ${res.status} ${res.text}`);
  }
  return res.body.id;
}

let serial = 0;
const unique = (prefix: string) => `${prefix}-${(serial += 1)}`;

let developmentId: string;
let productionId: string;
let ownersTaskId: string;

beforeAll(async () => {
  const config = (await localConfigWithAbsoluteLocations()) as any;
  config.backend.database = {
    client: 'better-sqlite3',
    connection: ':memory:',
  };
  config.catalog.locations = [];
  const backend = await startTestBackend({
    features: [
      ...backendFeatures,
      testEntities,
      mockServices.rootConfig.factory({ data: config }),
      // The real scheduler: the mock runs every task to its end before the
      // backend starts, and some wait for plugins that only answer after.
      schedulerServiceFactory,
      // The real client: asks the permission backend, which asks the policy.
      permissionsServiceFactory,
      authWithActors,
      // A request without a token is unauthenticated, not the mock user.
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      userInfo,
      recordingAuditor,
    ],
  });
  server = backend.server;
  stop = () => backend.stop();

  let seen = '';
  await eventually('the test entities in the catalog', async () => {
    const res = await as('service').get('/api/catalog/entities?limit=100');
    const stitched = (res.body ?? []).filter(
      (e: Entity) => (e.relations ?? []).length > 0,
    );
    seen = `${res.status}: ${stitched.length} of ${res.text.slice(0, 500)}`;
    return stitched.length === entities.length || undefined;
  }).catch(error => {
    throw new Error(`${error}; last seen ${seen}`);
  });

  developmentId = await environment('development', 'perm-dev');
  productionId = await environment('production', 'perm-prod');
  const task = await as('owner').post('/api/scaffolder/v2/tasks', {
    templateRef: 'template:default/permission-test',
    values: {},
  });
  if (task.status !== 201) {
    throw new Error(`scaffolder task: ${task.status} ${task.text}`);
  }
  ownersTaskId = task.body.id;
});

afterAll(async () => {
  await stop?.();
});

type Outcome = 'allow' | 'deny';
type Row = {
  /** The endpoint, as the README's table names it. */
  endpoint: string;
  /** The permission it checks (in platformGrants and the README's table). */
  permission: string;
  /**
   * What an allowed call answers: 2xx unless said otherwise; `not refused`
   * is neither 401 nor 403, for endpoints that cannot do their work here.
   */
  allowed?: number[] | 'not refused';
  call: (caller: Caller | 'none') => Promise<request.Response>;
  outcomes: Record<Caller, Outcome>;
};

const A: Outcome = 'allow';
const D: Outcome = 'deny';
const row = (
  endpoint: string,
  permission: string,
  call: Row['call'],
  [owner, otherTeam, admin, guest, service]: Outcome[],
  allowed?: Row['allowed'],
): Row => ({
  endpoint,
  permission,
  call,
  allowed,
  outcomes: { owner, otherTeam, admin, guest, service },
});

// The logs of an environment that is not provisioned (no cluster here): past
// the permission check, the pod is not found or the cluster not reachable.
const LOGS_PAST_PERMISSION = [404, 503];
// The Kubernetes plugin loads its client with import(), which jest's module
// sandbox refuses (500): past the permission check, the proxy can go no further.
const PROXY_PAST_PERMISSION = 'not refused';

// Setting a secret writes it to the environment's cluster, which is not
// reachable here: past the permission check, the write fails.
const SECRETS_PAST_PERMISSION = 'not refused';

/**
 * A deployment to production waiting for approval (production requires it,
 * by the platform team), asked for by a service so that the admin is not its
 * requester: a new one for each caller, since a decision ends it.
 */
async function pendingProductionDeployment(): Promise<string> {
  const res = await as('service').post(
    `/api/environments/environments/${productionId}/deployments`,
    { image: `ghcr.io/acme/orders-service:${unique('rc')}` },
  );
  if (res.status !== 202 || res.body.state !== 'pending-approval') {
    throw new Error(`pending deployment: ${res.status} ${res.text}`);
  }
  return res.body.id;
}

// prettier-ignore
const table: Row[] = [
  //  endpoint                              permission                              call                                                                                                                  owner otherTeam admin guest service
  row('GET catalog entity',                 'catalog.entity.read',                  c => as(c).get('/api/catalog/entities/by-name/component/default/orders-service'),                                     [A, A, A, A, A]),
  row('POST catalog refresh',               'catalog.entity.refresh',               c => as(c).post('/api/catalog/refresh', { entityRef: 'component:default/orders-service' }),                          [A, D, A, D, A]),
  row('DELETE catalog entity',              'catalog.entity.delete',                async c => as(c).delete(`/api/catalog/entities/by-uid/${await entityUid(`unregister-me-${c.toLowerCase()}`)}`), [A, D, A, D, A]),
  row('POST catalog location',              'catalog.location.create',              c => as(c).post('/api/catalog/locations', { type: 'url', target: `https://permission.test/${unique('location')}.yaml` }), [A, A, A, A, A]),
  row('DELETE catalog location',            'catalog.location.delete',              async c => as(c).delete(`/api/catalog/locations/${(await as('service').post('/api/catalog/locations', { type: 'url', target: `https://permission.test/${unique('doomed')}.yaml` })).body.location.id}`), [D, D, A, D, A]),
  row('POST scaffolder task',               'scaffolder.task.create',               c => as(c).post('/api/scaffolder/v2/tasks', { templateRef: 'template:default/permission-test', values: {} }),          [A, A, A, A, A]),
  row("GET the owner's scaffolder task",    'scaffolder.task.read',                 c => as(c).get(`/api/scaffolder/v2/tasks/${ownersTaskId}`),                                                          [A, D, A, D, A]),
  row('GET Kubernetes proxy (kube-system)', 'kubernetes.proxy',                     c => as(c).get('/api/kubernetes/proxy/api/v1/namespaces/kube-system/configmaps').set('Backstage-Kubernetes-Cluster', 'local'), [D, D, A, D, A], PROXY_PAST_PERMISSION),
  row('POST Kubernetes services (the tab)', 'kubernetes.resources.read',            c => as(c).post('/api/kubernetes/services/orders-service', { entity: component('orders-service') }),                  [A, A, A, A, A]),
  row('GET Kubernetes clusters (the tab)',  'kubernetes.clusters.read',             c => as(c).get('/api/kubernetes/clusters'),                                                                          [A, A, A, A, A]),
  row('POST environment',                   'environments.environment.create',      c => as(c).post('/api/environments/environments', { componentRef: 'component:default/orders-service', type: 'development', name: unique('perm-new') }), [A, D, A, D, A]),
  row('GET environment',                    'environments.environment.read',        c => as(c).get(`/api/environments/environments/${developmentId}`),                                                   [A, A, A, A, A]),
  row('PATCH environment',                  'environments.environment.update',      c => as(c).patch(`/api/environments/environments/${developmentId}`, { image: 'ghcr.io/acme/orders-service:2' }),    [A, D, A, D, A]),
  row('DELETE environment',                 'environments.environment.delete',      async c => as(c).delete(`/api/environments/environments/${await environment('development', unique('perm-del'))}`), [A, D, A, D, A]),
  row('GET environment logs (development)', 'environments.environment.logs.read',   c => as(c).get(`/api/environments/environments/${developmentId}/logs?pod=web-0`),                                    [A, A, A, A, A], LOGS_PAST_PERMISSION),
  row('GET environment logs (production)',  'environments.environment.logs.read',   c => as(c).get(`/api/environments/environments/${productionId}/logs?pod=web-0`),                                     [A, D, A, D, A], LOGS_PAST_PERMISSION),
  row('POST environment deployment',        'environments.environment.deploy',      c => as(c).post(`/api/environments/environments/${developmentId}/deployments`, { image: `ghcr.io/acme/orders-service:${unique('v')}` }), [A, D, A, D, A]),
  row('PUT environment secret',             'environments.environment.deploy',      c => as(c).put(`/api/environments/environments/${developmentId}/secrets/db-password`, { value: 'not-a-real-secret' }), [A, D, A, D, A], SECRETS_PAST_PERMISSION),
  row('POST deployment approve',            'environments.environment.deployment.approve', async c => as(c).post(`/api/environments/deployments/${await pendingProductionDeployment()}/approve`, { comment: 'Looks good' }), [D, D, A, D, D]),
];

/** What a response says of the decision: refused (403), or allowed as the row expects. */
function outcomeOf(status: number, allowed: Row['allowed']): string {
  if (status === 403) {
    return D;
  }
  const ok =
    allowed === 'not refused'
      ? status !== 401
      : allowed?.includes(status) ?? (status >= 200 && status < 300);
  return ok ? A : `unexpected ${status}`;
}

describe('the permission table, through the whole backend', () => {
  describe.each(table)('$endpoint ($permission)', entry => {
    it.each(CALLERS)('as %s', async caller => {
      const res = await entry.call(caller);
      expect({
        outcome: outcomeOf(res.status, entry.allowed),
        response: `${res.status} ${res.text.slice(0, 300)}`,
      }).toEqual({
        outcome: entry.outcomes[caller],
        response: expect.any(String),
      });
    });

    it('refuses a request without a token with 401', async () => {
      expect((await entry.call('none')).status).toBe(401);
    });

    it('checks a permission the policy grants as the table says', () => {
      const expected = entry.outcomes;
      const grant = grantOf({
        name: entry.permission,
        attributes: {},
        type: 'basic',
      });
      const byUsers = [expected.owner, expected.otherTeam, expected.guest];
      const shapes: Record<typeof grant, string[][]> = {
        everyone: [[A, A, A]],
        owners: [[A, D, D]],
        'owners if sensitive': [
          [A, A, A],
          [A, D, D],
        ],
        admins: [[D, D, D]],
        // Only the type's approver groups (the admins, for production).
        approvers: [[D, D, D]],
      };
      expect(shapes[grant]).toContainEqual(byUsers);
      expect(expected.admin).toBe(A);
    });
  });

  it('audits every read of sensitive logs, allowed or refused, and only those', () => {
    const reads = auditEvents.filter(
      e => e.plugin === 'environments' && e.eventId === 'environment-logs-read',
    );
    // Five callers, each once, on production; none on development.
    expect(reads.map(e => e.meta)).toEqual(
      CALLERS.map(() =>
        expect.objectContaining({ environmentId: productionId }),
      ),
    );
  });
});

// Every plugin of features.ts.
const PLUGIN_IDS = [
  'app',
  'proxy',
  'auth',
  'catalog',
  'scaffolder',
  'permission',
  'search',
  'events',
  'kubernetes',
  'notifications',
  'signals',
  'user-settings',
  'environments',
];

describe('the permission table in the README', () => {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(
    readme.indexOf('\n### Permissions\n'),
    readme.indexOf('\n## ', readme.indexOf('\n### Permissions\n')),
  );
  // | `permission` | who | what it allows |
  const readmeRows = new Map(
    [...section.matchAll(/^\| `([a-z0-9.-]+)` +\| ([^|]+?) +\|/gm)].map(m => [
      m[1],
      m[2],
    ]),
  );

  it('lists every permission the plugins register, with the grant of the policy', async () => {
    const registered = new Set<string>();
    for (const plugin of PLUGIN_IDS) {
      const res = await as('service').get(
        `/api/${plugin}/.well-known/backstage/permissions/metadata`,
      );
      if (!Array.isArray(res.body?.permissions)) {
        continue; // registers no permissions (404, or the app's index.html)
      }
      for (const permission of res.body.permissions) {
        registered.add(permission.name);
      }
    }
    expect([...registered].sort()).toEqual(Object.keys(platformGrants).sort());
    expect(Object.fromEntries(readmeRows)).toEqual(platformGrants);
  });
});
