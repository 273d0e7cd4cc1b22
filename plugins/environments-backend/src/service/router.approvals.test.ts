import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  BackstageCredentials,
  BackstageUserPrincipal,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import { environmentsPlugin } from '../plugin';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

// JANE requests; BOB and ANN approve (platform-team); CAROL owns the
// component too but approves nothing.
const JANE = 'user:default/jane';
const BOB = 'user:default/bob';
const ANN = 'user:default/ann';
const CAROL = 'user:default/carol';
const APPROVERS = 'group:default/platform-team';
const GROUPS: Record<string, string[]> = {
  [JANE]: ['group:default/team-orders', APPROVERS],
  [BOB]: [APPROVERS],
  [ANN]: [APPROVERS],
  [CAROL]: ['group:default/team-orders'],
};

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
      production: {
        description: 'Serves customers',
        cluster: 'local',
        requiresApproval: true,
        approverGroups: [APPROVERS],
        approvalTimeout: '2h',
        baseline,
        bounds: { cpu: '4', memory: '8Gi' },
      },
    },
  },
};

describe.each(databases.eachSupportedId())(
  'environment approvals API (%s)',
  databaseId => {
    async function startApi(
      options: {
        permissions?: ReturnType<typeof mockServices.permissions.mock>;
      } = {},
    ) {
      const knex = await databases.init(databaseId);
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
              getUserInfo: async (credentials: BackstageCredentials) => {
                const { userEntityRef } = (
                  credentials as BackstageCredentials<BackstageUserPrincipal>
                ).principal;
                return {
                  userEntityRef,
                  ownershipEntityRefs: [
                    userEntityRef,
                    ...(GROUPS[userEntityRef] ?? []),
                  ],
                };
              },
            }),
          }),
          ...(options.permissions
            ? [
                createServiceFactory({
                  service: coreServices.permissions,
                  deps: {},
                  factory: () => options.permissions!,
                }),
              ]
            : []),
        ],
      });
      const api = request(server);
      const as = (
        user: string,
        method: 'get' | 'post' | 'patch',
        path: string,
      ) =>
        api[method](`/api/environments${path}`).set(
          'Authorization',
          mockCredentials.user.header(user),
        );
      const requestProduction = async (name = 'production') => {
        const response = await as(JANE, 'post', '/environments').send({
          componentRef: 'component:orders-service',
          type: 'production',
          name,
        });
        expect(response.status).toBe(202);
        return response.body;
      };
      return { api, as, requestProduction };
    }

    it('keeps a gated environment requested, with its approvers, and shows it to them only', async () => {
      const { as, requestProduction } = await startApi();
      const before = Date.now();

      const requested = await requestProduction();

      expect(requested).toMatchObject({
        status: 'requested',
        reason: `Waiting for approval by ${APPROVERS}`,
        approval: { groups: [APPROVERS] },
      });
      expect(requested.approval.decision).toBeUndefined();
      const expiresIn = Date.parse(requested.approval.expiresAt) - before;
      expect(expiresIn).toBeGreaterThanOrEqual(2 * 3600_000);
      expect(expiresIn).toBeLessThan(2 * 3600_000 + 60_000);

      const forBob = await as(BOB, 'get', '/environment-approvals');
      expect(forBob.status).toBe(200);
      expect(forBob.body.items.map((e: { id: string }) => e.id)).toEqual([
        requested.id,
      ]);
      // Not the requester's to decide, nor a non-member's.
      for (const user of [JANE, CAROL]) {
        const listed = await as(user, 'get', '/environment-approvals');
        expect(listed.body).toEqual({ items: [] });
      }

      // Nothing may start its provisioning before the approval.
      const reconcile = await as(
        JANE,
        'post',
        `/environments/${requested.id}/reconcile`,
      );
      expect(reconcile.status).toBe(409);
      expect(reconcile.body.error.message).toMatch(/waiting for approval/);
      const change = await as(
        JANE,
        'patch',
        `/environments/${requested.id}`,
      ).send({ overrides: { cpu: '1' } });
      expect(change.status).toBe(409);
    });

    it('refuses the requester and non-members with 403, a missing comment with 400', async () => {
      const { as, requestProduction } = await startApi();
      const { id } = await requestProduction();

      const own = await as(JANE, 'post', `/environments/${id}/approve`).send({
        comment: 'Looks good to me',
      });
      expect(own.status).toBe(403);
      expect(own.body.error.message).toBe(
        'You cannot approve your own request',
      );

      const outsider = await as(
        CAROL,
        'post',
        `/environments/${id}/approve`,
      ).send({ comment: 'Ship it' });
      expect(outsider.status).toBe(403);
      expect(outsider.body.error.message).toContain(APPROVERS);

      const silent = await as(BOB, 'post', `/environments/${id}/approve`).send(
        {},
      );
      expect(silent.status).toBe(400);
      expect(silent.body.error.issues).toEqual([
        { field: 'comment', rule: expect.any(String) },
      ]);
      const blank = await as(BOB, 'post', `/environments/${id}/approve`).send({
        comment: '  ',
      });
      expect(blank.status).toBe(400);
      expect(blank.body.error.issues).toEqual([
        { field: 'comment', rule: 'must not be empty' },
      ]);

      const service = await as(BOB, 'post', `/environments/${id}/approve`)
        .set('Authorization', mockCredentials.service.header())
        .send({ comment: 'Automated' });
      expect([401, 403]).toContain(service.status);

      const after = await as(JANE, 'get', `/environments/${id}`);
      expect(after.body.approval.decision).toBeUndefined();
    });

    it('lets an approver approve once, with the comment on record; a second decision is 409', async () => {
      const { as, requestProduction } = await startApi();
      const { id, version } = await requestProduction();

      const approved = await as(
        BOB,
        'post',
        `/environments/${id}/approve`,
      ).send({ comment: 'Change CHG-7 approved' });

      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({
        id,
        version: version + 1,
        approval: {
          groups: [APPROVERS],
          decision: {
            outcome: 'approved',
            by: BOB,
            comment: 'Change CHG-7 approved',
          },
        },
      });
      expect(approved.body.reason ?? '').not.toMatch(/Waiting for approval/);

      const again = await as(ANN, 'post', `/environments/${id}/approve`).send({
        comment: 'Me too',
      });
      expect(again.status).toBe(409);
      expect(again.body.error.message).toContain(`approved by ${BOB}`);
      const late = await as(ANN, 'post', `/environments/${id}/reject`).send({
        comment: 'No',
      });
      expect(late.status).toBe(409);

      const audit = await as(JANE, 'get', `/environments/${id}/audit`);
      expect(audit.body.items).toContainEqual(
        expect.objectContaining({
          action: 'approve',
          actor: BOB,
          outcome: 'succeeded',
          message: 'Change CHG-7 approved',
        }),
      );
      expect(
        (await as(BOB, 'get', '/environment-approvals')).body.items,
      ).toEqual([]);
    });

    it('ends a rejected environment deleted with the reason, and frees its name', async () => {
      const { as, requestProduction } = await startApi();
      const { id } = await requestProduction();

      const rejected = await as(ANN, 'post', `/environments/${id}/reject`).send(
        {
          comment: 'Not during the freeze',
        },
      );

      expect(rejected.status).toBe(200);
      expect(rejected.body).toMatchObject({
        status: 'deleted',
        reason: `Rejected by ${ANN}: Not during the freeze`,
        approval: { decision: { outcome: 'rejected', by: ANN } },
      });
      const history = await as(
        JANE,
        'get',
        `/environments/${id}/status-history`,
      );
      expect(
        history.body.items.map((t: { status: string }) => t.status),
      ).toEqual(['requested', 'deleted']);

      const again = await requestProduction();
      expect(again.id).not.toBe(id);
      expect(again.status).toBe('requested');
    });

    it('answers 409 for an environment of a type that needs no approval, 404 for none', async () => {
      const { as } = await startApi();
      const created = await as(JANE, 'post', '/environments').send({
        componentRef: 'component:orders-service',
        type: 'development',
      });
      expect(created.body.approval).toBeUndefined();

      const approve = await as(
        BOB,
        'post',
        `/environments/${created.body.id}/approve`,
      ).send({ comment: 'Why not' });
      expect(approve.status).toBe(409);
      expect(approve.body.error.message).toMatch(/does not require it/);

      const missing = await as(
        BOB,
        'post',
        '/environments/00000000-0000-0000-0000-000000000000/approve',
      ).send({ comment: 'Why not' });
      expect(missing.status).toBe(404);
    });

    it('asks the permission framework, on top of the approver groups', async () => {
      const { as, requestProduction } = await startApi({
        permissions: mockServices.permissions.mock({
          authorizeConditional: async requests =>
            requests.map(({ permission }) => ({
              result:
                permission.name ===
                'environments.environment.deployment.approve'
                  ? AuthorizeResult.DENY
                  : AuthorizeResult.ALLOW,
            })),
          authorize: async requests =>
            requests.map(() => ({ result: AuthorizeResult.ALLOW })),
        }),
      });
      const { id } = await requestProduction();

      const approve = await as(BOB, 'post', `/environments/${id}/approve`).send(
        { comment: 'Go' },
      );
      expect(approve.status).toBe(403);
      expect(
        (await as(BOB, 'get', '/environment-approvals')).body.items,
      ).toEqual([]);
    });
  },
);
