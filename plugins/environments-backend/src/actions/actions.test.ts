import {
  AuditorServiceCreateEventOptions,
  BackstageCredentials,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { environmentsPlugin } from '../plugin';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const JANE = 'user:default/jane';
const MALLORY = 'user:default/mallory';
const orders: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'orders-service', namespace: 'default' },
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
      development: {
        description: 'Day to day',
        cluster: 'local',
        baseline,
        bounds: { cpu: '4', memory: '8Gi' },
      },
    },
  },
};

type AuditRecord = AuditorServiceCreateEventOptions & {
  outcome?: 'success' | 'fail';
};

/*
 * The actions as the MCP actions backend and the CLI reach them: over the
 * plugin's Actions Registry endpoints (`/.backstage/actions/v1/...`, which
 * DefaultActionsService calls), with the caller's token, beside the REST API
 * of the same backend. Jane may do everything; the permission framework
 * denies Mallory everything.
 */
describe.each(databases.eachSupportedId())('environments actions (%s)', id => {
  async function start() {
    const knex = await databases.init(id);
    const audits: AuditRecord[] = [];
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
            getUserInfo: async (credentials: BackstageCredentials<any>) => ({
              userEntityRef: credentials.principal.userEntityRef,
              ownershipEntityRefs: [
                credentials.principal.userEntityRef,
                'group:default/team-orders',
              ],
            }),
          }),
        }),
        createServiceFactory({
          service: coreServices.permissions,
          deps: {},
          factory: () =>
            mockServices.permissions.mock({
              authorizeConditional: async (requests, options) =>
                requests.map(() => ({
                  result:
                    (options?.credentials as BackstageCredentials<any>)
                      ?.principal?.userEntityRef === MALLORY
                      ? AuthorizeResult.DENY
                      : AuthorizeResult.ALLOW,
                })),
              authorize: async requests =>
                requests.map(() => ({ result: AuthorizeResult.ALLOW })),
            }),
        }),
        createServiceFactory({
          service: coreServices.auditor,
          deps: {},
          factory: () => ({
            createEvent: async (options: AuditorServiceCreateEventOptions) => {
              const record: AuditRecord = { ...options };
              audits.push(record);
              return {
                success: async () => {
                  record.outcome = 'success';
                },
                fail: async () => {
                  record.outcome = 'fail';
                },
              };
            },
          }),
        }),
      ],
    });
    const api = request(server);
    const invoke = (user: string, action: string, input: unknown) =>
      api
        .post(
          `/api/environments/.backstage/actions/v1/actions/environments:${action}/invoke`,
        )
        .set('Authorization', mockCredentials.user.header(user))
        .send(input as object);
    const rest = (user: string, method: 'get' | 'post', path: string) =>
      api[method](`/api/environments${path}`).set(
        'Authorization',
        mockCredentials.user.header(user),
      );
    return { api, invoke, rest, audits };
  }

  it('lists every action with its attributes and the contract’s fields', async () => {
    const { api } = await start();

    const response = await api
      .get('/api/environments/.backstage/actions/v1/actions')
      .set('Authorization', mockCredentials.user.header(JANE));

    expect(response.status).toBe(200);
    const actions = Object.fromEntries(
      response.body.actions.map((action: any) => [action.id, action]),
    );
    expect(Object.keys(actions).sort()).toEqual(
      [
        'approve-deployment',
        'delete-environment',
        'deploy-to-environment',
        'diff-deployments',
        'extend-environment',
        'get-deployment',
        'get-environment',
        'list-deployments',
        'list-environments',
        'promote-to-environment',
        'reject-deployment',
        'request-environment',
        'rollback-environment',
      ].map(name => `environments:${name}`),
    );
    expect(actions['environments:list-environments'].attributes).toEqual({
      readOnly: true,
      destructive: false,
      idempotent: true,
    });
    expect(actions['environments:delete-environment'].attributes).toEqual({
      readOnly: false,
      destructive: true,
      idempotent: true,
    });
    expect(actions['environments:approve-deployment'].attributes).toEqual({
      readOnly: false,
      destructive: true,
      idempotent: false,
    });
    // The deploy request's contract, described: fields, their rules, and
    // the action's own parameter.
    const deploy = actions['environments:deploy-to-environment'].schema.input;
    expect(deploy.type).toBe('object');
    expect(deploy.required).toEqual(['environmentId']);
    expect(deploy.additionalProperties).toBe(false);
    expect(deploy.properties.environmentId.description).toMatch(/id/);
    expect(deploy.properties.tag).toMatchObject({
      type: 'string',
      pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$',
    });
    expect(deploy.properties.source.enum).toContain('cli');
    const requestSchema =
      actions['environments:request-environment'].schema.input;
    expect(requestSchema.required).toEqual(['componentRef', 'type']);
    expect(
      actions['environments:get-environment'].schema.output.properties.status
        .enum,
    ).toContain('ready');
  });

  it('requests, reads and deletes an environment as the REST API does, with the same audit events', async () => {
    const { invoke, rest, audits } = await start();

    const requested = await invoke(JANE, 'request-environment', {
      componentRef: 'component:orders-service',
      type: 'development',
      name: 'dev-mcp',
    });
    expect(requested.status).toBe(200);
    const environment = requested.body.output;
    expect(environment).toMatchObject({
      name: 'dev-mcp',
      componentRef: 'component:default/orders-service',
      ownerRef: 'group:default/team-orders',
      status: 'requested',
      createdBy: JANE,
    });

    const viaRest = await rest(JANE, 'get', `/environments/${environment.id}`);
    expect(viaRest.status).toBe(200);
    const viaAction = await invoke(JANE, 'get-environment', {
      environmentId: environment.id,
    });
    // The same environment; its status and reason may move on in between,
    // as the reconciler takes the request up.
    const stable = ({
      status,
      reason,
      conditions,
      updatedAt,
      version,
      ...fields
    }: any) => fields;
    expect(stable(viaAction.body.output)).toEqual(stable(viaRest.body));

    const listed = await invoke(JANE, 'list-environments', {
      componentRef: 'orders-service',
    });
    expect(listed.body.output.items.map((e: any) => e.id)).toEqual([
      environment.id,
    ]);

    const deleted = await invoke(JANE, 'delete-environment', {
      environmentId: environment.id,
    });
    expect(deleted.body.output.status).toBe('deleting');

    expect(
      audits
        .filter(audit => audit.eventId.startsWith('environment-'))
        .map(({ eventId, meta, outcome }) => ({ eventId, meta, outcome })),
    ).toEqual([
      {
        eventId: 'environment-create',
        meta: {
          componentRef: 'component:orders-service',
          type: 'development',
          action: 'environments:request-environment',
          actor: JANE,
        },
        outcome: 'success',
      },
      {
        eventId: 'environment-delete',
        meta: {
          environmentId: environment.id,
          action: 'environments:delete-environment',
          actor: JANE,
        },
        outcome: 'success',
      },
    ]);
  });

  it('refuses a caller without permission as the REST API does, and audits the refusal', async () => {
    const { invoke, rest, audits } = await start();
    const created = await rest(JANE, 'post', '/environments').send({
      componentRef: 'component:orders-service',
      type: 'development',
    });
    expect(created.status).toBe(202);

    const viaRest = await rest(
      MALLORY,
      'get',
      `/environments/${created.body.id}`,
    );
    const viaAction = await invoke(MALLORY, 'get-environment', {
      environmentId: created.body.id,
    });
    expect(viaRest.status).toBe(403);
    expect(viaAction.status).toBe(403);
    expect(viaAction.body.error).toMatchObject({
      name: 'NotAllowedError',
      message: viaRest.body.error.message,
    });

    const deleted = await invoke(MALLORY, 'delete-environment', {
      environmentId: created.body.id,
    });
    expect(deleted.status).toBe(403);
    expect(deleted.body.error.name).toBe('NotAllowedError');
    expect(audits.at(-1)).toMatchObject({
      eventId: 'environment-delete',
      meta: { actor: MALLORY, action: 'environments:delete-environment' },
      outcome: 'fail',
    });
    const stillThere = await rest(
      JANE,
      'get',
      `/environments/${created.body.id}`,
    );
    expect(stillThere.body.status).not.toBe('deleting');
  });

  it('names the field and the rule of bad input', async () => {
    const { invoke, rest } = await start();
    const created = await rest(JANE, 'post', '/environments').send({
      componentRef: 'component:orders-service',
      type: 'development',
    });

    const missing = await invoke(JANE, 'deploy-to-environment', {
      image: 'registry.local/orders:2.0.0',
      replicas: -1,
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({
      name: 'InputError',
      message:
        'Invalid deployment:\nenvironmentId: is required\nreplicas: must not be negative',
    });

    const badTag = await invoke(JANE, 'deploy-to-environment', {
      environmentId: created.body.id,
      tag: '-latest',
      replicas: 'two',
    });
    expect(badTag.status).toBe(400);
    expect(badTag.body.error.name).toBe('InputError');
    expect(badTag.body.error.message).toContain('tag: must be an image tag');
    expect(badTag.body.error.message).toContain(
      'replicas: must be a number, not a string',
    );
    // The REST API's words for the same body.
    const viaRest = await rest(
      JANE,
      'post',
      `/environments/${created.body.id}/deployments`,
    ).send({ tag: '-latest' });
    expect(viaRest.status).toBe(400);

    const unknown = await invoke(JANE, 'get-environment', {
      environmentId: created.body.id,
      verbose: true,
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain(
      'verbose: is not a known field',
    );

    const badRequest = await invoke(JANE, 'request-environment', {
      componentRef: 'component:orders-service',
      type: 'development',
      name: 'Not A Label',
    });
    expect(badRequest.status).toBe(400);
    expect(badRequest.body.error.message).toMatch(
      /^Invalid environment request:\nname: /,
    );

    const notAnId = await invoke(JANE, 'get-environment', {
      environmentId: '../etc',
    });
    expect(notAnId.status).toBe(404);
    expect(notAnId.body.error.message).toBe("No environment with id '../etc'");
  });
});
