import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import fc from 'fast-check';
import { Knex } from 'knex';
import request from 'supertest';
import environmentsModulePostgresql from '@internal/backstage-plugin-environments-backend-module-postgresql';
import environmentsModuleRedis from '@internal/backstage-plugin-environments-backend-module-redis';
import { environmentsPlugin } from '../plugin';

// Generated input against every write endpoint of the real router and store:
// whatever a client sends, the answer is never a 5xx, carries no stack trace,
// and the database holds either the whole change or none of it.

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** Cases per endpoint; PostgreSQL is slower per request, so it gets fewer. */
const RUNS: Record<string, number> = { SQLITE_3: 500, POSTGRES_15: 300 };

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
const unowned: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'website', namespace: 'default' },
  spec: { type: 'website', lifecycle: 'production' },
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
      development: {
        description: 'Day to day',
        cluster: 'local',
        baseline,
        bounds: { cpu: '4', memory: '8Gi' },
      },
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

// ---------------------------------------------------------------- inputs

/** Strings a hostile or careless client sends: unicode, huge, empty, paths. */
const nastyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '../../etc/passwd',
    '%',
    '%00',
    'constructor',
    '__proto__',
    'toString',
    'a'.repeat(10_000),
    '💥'.repeat(100),
    'DROP TABLE environments;--',
    "' OR 1=1 --",
    'NaN',
    'Infinity',
    '-0',
    '1e309',
  ),
);

const number = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(
    0,
    -1,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    1e21,
  ),
);

/** Nested arrays and objects a few thousand levels deep. */
const deep = fc
  .tuple(fc.integer({ min: 10, max: 3000 }), fc.boolean())
  .map(([depth, asArray]) => {
    let value: unknown = 'bottom';
    for (let i = 0; i < depth; i++) {
      value = asArray ? [value] : { a: value };
    }
    return value;
  });

const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: nastyString },
  { weight: 1, arbitrary: number },
  { weight: 1, arbitrary: deep },
);

const duration = fc.oneof(
  fc.constantFrom(
    '30m',
    '4h',
    '1d',
    '3d',
    '4d',
    '0h',
    '100000000d',
    '99999999999999999999999d',
    `${'9'.repeat(400)}m`,
    '1.5h',
    '-1h',
    '2 days',
    '8h',
    '72h',
  ),
  fc
    .tuple(
      fc.bigInt({ min: 0n, max: 10n ** 30n }),
      fc.constantFrom('m', 'h', 'd', 's', ''),
    )
    .map(([count, unit]) => `${count}${unit}`),
  anyJson,
);

const quantity = fc.oneof(
  fc.constantFrom(
    '1',
    '500m',
    '2',
    '512Mi',
    '4Gi',
    '1Pi',
    '9999999999999999999999Ei',
    '1e308',
    '0.0000001',
    '-1',
    '1Ki',
    '.5',
  ),
  fc
    .tuple(
      fc.bigInt({ min: 0n, max: 10n ** 25n }),
      fc.constantFrom('', 'm', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'k', 'E'),
    )
    .map(([count, unit]) => `${count}${unit}`),
  anyJson,
);

const label = fc.oneof(
  fc.constantFrom('db', 'cache', 'pr-1', 'a', 'x'.repeat(63), 'x'.repeat(64)),
  fc.stringMatching(/^[a-z]([a-z0-9-]{0,20}[a-z0-9])?$/),
  nastyString,
);

/** Either one field's value from the valid range, or anything at all. */
function maybe<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 4, arbitrary: valid },
    { weight: 1, arbitrary: anyJson },
  );
}

const resource = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record(
      {
        type: maybe(fc.constantFrom('postgresql', 'redis', 'mysql')),
        name: label,
        version: maybe(fc.constantFrom('16', '15', '7', '7.2', '1', '')),
        storage: quantity,
      },
      { requiredKeys: ['type', 'name'] },
    ),
  },
  { weight: 1, arbitrary: anyJson },
);

const resources = fc.oneof(
  { weight: 4, arbitrary: fc.array(resource, { maxLength: 4 }) },
  {
    weight: 1,
    arbitrary: fc.array(resource, { minLength: 50, maxLength: 300 }),
  },
  { weight: 1, arbitrary: anyJson },
);

const overrides = maybe(
  fc.record({ cpu: quantity, memory: quantity }, { requiredKeys: [] }),
);

const image = maybe(
  fc.constantFrom(
    'ghcr.io/acme/orders:1.1',
    'nginx',
    'registry:5000/a/b@sha256:0123456789abcdef0123456789abcdef',
    'UPPER/case',
    '',
  ),
);

const environmentName = fc.oneof(
  fc
    .tuple(fc.constantFrom('fz', 'pr', 'env'), fc.nat({ max: 1_000_000 }))
    .map(([prefix, n]) => `${prefix}-${n}`),
  label,
);

/** A body with one field replaced by anything, or left out. */
function mutated(valid: fc.Arbitrary<Record<string, unknown>>) {
  return valid.chain(body =>
    fc
      .tuple(
        fc.constantFrom(...Object.keys(body), 'unknownField'),
        fc.option(fc.oneof(anyJson, quantity, duration, label), {
          nil: undefined,
        }),
      )
      .map(([field, value]) => ({ ...body, [field]: value })),
  );
}

const validResources = fc.oneof(
  fc.constant([]),
  fc.constant([{ type: 'postgresql', name: 'db', storage: '1Gi' }]),
  fc.constant([{ type: 'redis', name: 'cache' }]),
  fc.constant([
    { type: 'postgresql', name: 'db', version: '16' },
    { type: 'redis', name: 'cache', storage: '1Gi' },
  ]),
);

const validOverrides = fc.record(
  {
    cpu: fc.constantFrom('500m', '1', '2'),
    memory: fc.constantFrom('1Gi', '2Gi'),
  },
  { requiredKeys: [] },
);

const validImage = fc.constantFrom(
  'ghcr.io/acme/orders:1.1',
  'ghcr.io/acme/orders:1.2',
  'nginx',
);

const validCreate: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record(
    {
      componentRef: fc.constantFrom(
        'component:orders-service',
        'orders-service',
        'component:default/orders-service',
      ),
      type: fc.constant('preview'),
      name: environmentName,
      ttl: fc.constantFrom('30m', '4h', '1d', '3d'),
      overrides: validOverrides,
      image: validImage,
      resources: validResources,
    },
    { requiredKeys: ['componentRef', 'type', 'name'] },
  ),
  fc.record(
    {
      componentRef: fc.constant('component:orders-service'),
      type: fc.constant('development'),
      name: environmentName,
      overrides: validOverrides,
      resources: validResources,
    },
    { requiredKeys: ['componentRef', 'type', 'name'] },
  ),
);

const createBody = fc.oneof(
  { weight: 3, arbitrary: validCreate },
  { weight: 3, arbitrary: mutated(validCreate) },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        componentRef: maybe(
          fc.constantFrom(
            'component:orders-service',
            'component:default/orders-service',
            'orders-service',
            'component:default/website',
            'component:default/nope',
            'group:default/team-orders',
            'component:',
            ':/',
          ),
        ),
        type: maybe(
          fc.constantFrom('preview', 'development', 'production', 'toString'),
        ),
        name: environmentName,
        ttl: duration,
        overrides,
        image,
        resources,
        extra: anyJson,
      },
      { requiredKeys: ['componentRef', 'type'] },
    ),
  },
  { weight: 1, arbitrary: anyJson },
);

const validUpdate: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    overrides: fc.oneof(validOverrides, fc.constant(null)),
    image: fc.oneof(validImage, fc.constant(null)),
    resources: validResources,
  },
  { requiredKeys: [] },
);

const updateBody = fc.oneof(
  { weight: 3, arbitrary: validUpdate },
  { weight: 2, arbitrary: mutated(validUpdate) },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        overrides: fc.oneof(overrides, fc.constant(null)),
        image: fc.oneof(image, fc.constant(null)),
        resources,
        name: environmentName,
        type: maybe(fc.constantFrom('preview', 'development')),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: anyJson },
);

const extendBody = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ ttl: fc.constantFrom('2h', '8h', '1d', '2d') }),
  },
  { weight: 3, arbitrary: fc.record({ ttl: duration }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: anyJson },
);

/** Mostly none; else a version, any version, or what is not one. */
const ifMatch = fc.option(
  fc.oneof(
    fc.nat({ max: 5 }).map(version => `"${version}"`),
    fc.constantFrom('*', 'W/"1"', '"1", "2"', '1', '""', '"-1"', '"1e3"'),
    nastyString.filter(value => /^[\x20-\x7e]*$/.test(value)),
  ),
  { nil: undefined, freq: 2 },
);

/** A body as bytes: mostly JSON, sometimes not JSON at all. */
function raw(body: fc.Arbitrary<unknown>) {
  return fc.oneof(
    {
      weight: 9,
      arbitrary: body.map(value => JSON.stringify(value) ?? 'null'),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('', '{', '{"ttl":', 'null', '[]', '{"a":1}}'),
    },
  );
}

// ---------------------------------------------------------------- invariants

type Snapshot = {
  environments: Map<
    string,
    { spec: string; generation: number; expiresAt: string; intent: string }
  >;
  /** Audit rows written on behalf of the caller, by environment and action. */
  audit: Map<string, number>;
};

async function snapshot(knex: Knex): Promise<Snapshot> {
  const rows = await knex('environments').select(
    'id',
    'spec',
    'generation',
    'expires_at',
    'status',
  );
  const audit: { environment_id: string; action: string; count: unknown }[] =
    await knex('environment_audit')
      .where({ actor: JANE })
      .select('environment_id', 'action')
      .count({ count: '*' })
      .groupBy('environment_id', 'action');
  return {
    environments: new Map(
      rows.map(row => [
        row.id,
        {
          spec: row.spec,
          generation: Number(row.generation),
          expiresAt: String(
            row.expires_at instanceof Date
              ? row.expires_at.getTime()
              : row.expires_at,
          ),
          // The reconciler moves status on in the background; only whether a
          // delete was asked for is the API's doing.
          intent:
            row.status === 'deleting' || row.status === 'deleted'
              ? 'delete'
              : 'live',
        },
      ]),
    ),
    audit: new Map(
      audit.map(row => [
        `${row.environment_id} ${row.action}`,
        Number(row.count),
      ]),
    ),
  };
}

type Difference = {
  created: string[];
  changed: Map<string, string[]>;
  audit: Map<string, number>;
};

function difference(before: Snapshot, after: Snapshot): Difference {
  const created = [...after.environments.keys()].filter(
    id => !before.environments.has(id),
  );
  const changed = new Map<string, string[]>();
  for (const [id, was] of before.environments) {
    const now = after.environments.get(id);
    if (!now) {
      changed.set(id, ['removed']);
      continue;
    }
    const fields = (Object.keys(was) as Array<keyof typeof was>).filter(
      field => was[field] !== now[field],
    );
    if (fields.length > 0) {
      changed.set(id, fields);
    }
  }
  const audit = new Map<string, number>();
  for (const [key, count] of after.audit) {
    const added = count - (before.audit.get(key) ?? 0);
    if (added !== 0) {
      audit.set(key, added);
    }
  }
  return { created, changed, audit };
}

const asObject = <T>(map: Map<string, T>): Record<string, T> =>
  Object.fromEntries(map);

type ChangeView = {
  created: string[];
  changed: Record<string, string[]>;
  audit: Record<string, number>;
};

const view = (diff: Difference): ChangeView => ({
  created: diff.created,
  changed: asObject(diff.changed),
  audit: asObject(diff.audit),
});

const NO_CHANGE: ChangeView = { created: [], changed: {}, audit: {} };

/**
 * What an answer allows to have been stored: nothing after a 4xx, exactly
 * one whole change of one environment after a 2xx.
 */
function allowedChange(
  endpoint: string,
  status: number,
  id: string,
  diff: Difference,
  wasDeleting: boolean,
): ChangeView {
  const only = (fields: string[], actions: string[]): ChangeView => ({
    created: [],
    changed: fields.length > 0 ? { [id]: fields } : {},
    audit: Object.fromEntries(actions.map(action => [`${id} ${action}`, 1])),
  });
  if (status >= 400) {
    return NO_CHANGE;
  }
  switch (endpoint) {
    case 'create':
      return { created: [id], changed: {}, audit: { [`${id} create`]: 1 } };
    case 'update':
      // A change to what the environment already is stores nothing.
      return diff.changed.size === 0 && diff.audit.size === 0
        ? NO_CHANGE
        : only(['spec', 'generation'], ['update-spec']);
    case 'delete':
      // Deleting twice answers the same and changes nothing.
      return wasDeleting ? NO_CHANGE : only(['intent'], ['delete']);
    case 'extend':
      return only(['expiresAt'], ['extend-expiry']);
    case 'reconcile':
      return only([], ['reconcile']);
    default:
      throw new Error(`unknown endpoint ${endpoint}`);
  }
}

// ---------------------------------------------------------------- the test

describe.each(databases.eachSupportedId())(
  'the environments API under generated input (%s)',
  (databaseId: TestDatabaseId) => {
    it('never answers 5xx and never stores a change half-way', async () => {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          environmentsPlugin,
          environmentsModulePostgresql,
          environmentsModuleRedis,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({ data: config }),
          catalogServiceMock.factory({ entities: [orders, unowned] }),
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
      const send = (method: 'post' | 'patch' | 'delete', path: string) =>
        api[method](`/api/environments${path}`)
          .set('Authorization', mockCredentials.user.header(JANE))
          .set('Content-Type', 'application/json');

      // Environments for the id-taking endpoints to find: fresh ones are
      // requested as the generated deletes use them up.
      let seeded = 0;
      async function liveEnvironments(): Promise<string[]> {
        const rows: { id: string; status: string }[] = await knex(
          'environments',
        ).select('id', 'status');
        const live = rows
          .filter(row => row.status !== 'deleting' && row.status !== 'deleted')
          .map(row => row.id);
        while (live.length < 3) {
          seeded += 1;
          const response = await send('post', '/environments').send({
            componentRef: 'component:orders-service',
            type: seeded % 2 ? 'preview' : 'development',
            name: `seed-${seeded}`,
            ttl: seeded % 2 ? '1h' : undefined,
          });
          expect(response.status).toBe(202);
          live.push(response.body.id);
        }
        return [...live, ...rows.map(row => row.id)];
      }

      const outcomes = new Map<string, Map<number, number>>();
      const record = (endpoint: string, status: number) => {
        const byStatus = outcomes.get(endpoint) ?? new Map<number, number>();
        byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
        outcomes.set(endpoint, byStatus);
      };

      const pathId = (known: string[]) =>
        fc.oneof(
          { weight: 6, arbitrary: fc.constantFrom(...known) },
          { weight: 1, arbitrary: fc.uuid() },
          // An empty id addresses another route, not an environment.
          { weight: 1, arbitrary: nastyString.filter(id => id !== '') },
        );

      async function check(
        endpoint: string,
        id: string,
        perform: () => request.Test,
      ) {
        const before = await snapshot(knex);
        const wasDeleting = before.environments.get(id)?.intent === 'delete';
        const response = await perform();
        record(endpoint, response.status);

        expect(response.status).toBeLessThan(500);
        expect(response.text).not.toMatch(/\n\s+at /);
        expect(response.body?.error?.stack).toBeUndefined();
        // Every refusal says why.
        expect(
          response.status < 400 ||
            typeof response.body?.error?.message === 'string',
        ).toBe(true);
        const diff = difference(before, await snapshot(knex));
        expect(view(diff)).toEqual(
          allowedChange(
            endpoint,
            response.status,
            endpoint === 'create' ? response.body.id : id,
            diff,
            wasDeleting,
          ),
        );
      }

      const runs = RUNS[databaseId] ?? 100;
      const started = Date.now();
      // Each endpoint on its own, so that every one gets its share of cases.
      const endpoints: Array<{
        name: string;
        property: (known: string[]) => fc.IAsyncProperty<any>;
      }> = [
        {
          name: 'create',
          property: () =>
            fc.asyncProperty(raw(createBody), body =>
              check('create', '', () =>
                send('post', '/environments').send(body),
              ),
            ),
        },
        {
          name: 'update',
          property: known =>
            fc.asyncProperty(
              pathId(known),
              raw(updateBody),
              ifMatch,
              (id, body, version) =>
                check('update', id, () => {
                  const test = send(
                    'patch',
                    `/environments/${encodeURIComponent(id)}`,
                  );
                  return (
                    version === undefined ? test : test.set('If-Match', version)
                  ).send(body);
                }),
            ),
        },
        {
          name: 'extend',
          property: known =>
            fc.asyncProperty(
              pathId(known),
              raw(extendBody),
              ifMatch,
              (id, body, version) =>
                check('extend', id, () => {
                  const test = send(
                    'post',
                    `/environments/${encodeURIComponent(id)}/extend`,
                  );
                  return (
                    version === undefined ? test : test.set('If-Match', version)
                  ).send(body);
                }),
            ),
        },
        {
          name: 'reconcile',
          property: known =>
            fc.asyncProperty(
              pathId(known),
              fc.option(raw(anyJson)),
              (id, body) =>
                check('reconcile', id, () => {
                  const test = send(
                    'post',
                    `/environments/${encodeURIComponent(id)}/reconcile`,
                  );
                  return body === null ? test : test.send(body);
                }),
            ),
        },
        {
          name: 'delete',
          property: known =>
            fc.asyncProperty(pathId(known), id =>
              check('delete', id, () =>
                send('delete', `/environments/${encodeURIComponent(id)}`),
              ),
            ),
        },
      ];
      for (const { property } of endpoints) {
        // Batches, so that deletes and creates keep finding live environments.
        for (let done = 0; done < runs; done += 50) {
          await fc.assert(property(await liveEnvironments()), {
            numRuns: Math.min(50, runs - done),
            endOnFailure: true,
          });
        }
      }

      const total = [...outcomes.values()]
        .flatMap(byStatus => [...byStatus.values()])
        .reduce((sum, count) => sum + count, 0);
      const lines = [...outcomes].map(
        ([endpoint, byStatus]) =>
          `  ${endpoint}: ${[...byStatus]
            .sort(([a], [b]) => a - b)
            .map(([status, count]) => `${status}×${count}`)
            .join(' ')}`,
      );
      process.stdout.write(
        `generated-input test on ${databaseId}: ${total} cases in ${
          Date.now() - started
        } ms\n${lines.join('\n')}\n`,
      );
      expect(total).toBe(runs * endpoints.length);
      // Every endpoint was also reached with input it accepts.
      for (const [, byStatus] of outcomes) {
        expect([...byStatus.keys()].some(status => status < 300)).toBe(true);
      }
    });
  },
);
