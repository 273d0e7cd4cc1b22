import {
  BackstageCredentials,
  BackstageUserPrincipal,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import request from 'supertest';
import { environmentsPlugin } from '../../plugin';

jest.setTimeout(60_000);

// The whole path a person sees: the environments plugin as plugin.ts wires
// it, and the real notifications backend, each on a database of its own.

const JANE = 'user:default/jane';
const BOB = 'user:default/bob';
const APPROVERS = 'group:default/platform-team';

const user = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: {},
});
const entities: Entity[] = [
  user('jane'),
  user('bob'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'platform-team', namespace: 'default' },
    spec: { type: 'team', children: [] },
    relations: [JANE, BOB].map(targetRef => ({ type: 'hasMember', targetRef })),
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'orders-service', namespace: 'default' },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-orders' },
  },
];

const baseline = {
  quota: { cpu: '2', memory: '4Gi', pods: 20 },
  limits: {
    defaultCpu: '500m',
    defaultMemory: '512Mi',
    defaultRequestCpu: '100m',
    defaultRequestMemory: '128Mi',
  },
};

it('asks the approvers of a requested production environment, and tells the requester the decision', async () => {
  const backend = await startTestBackend({
    features: [
      environmentsPlugin,
      notificationsPlugin,
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          environments: {
            // No approverGroups: the admins approve.
            adminGroups: [APPROVERS],
            types: {
              production: {
                description: 'Serves customers',
                cluster: 'local',
                requiresApproval: true,
                baseline,
                bounds: { cpu: '4', memory: '8Gi' },
              },
            },
          },
        },
      }),
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
              ownershipEntityRefs: [userEntityRef, APPROVERS],
            };
          },
        }),
      }),
    ],
  });
  try {
    const api = request(backend.server);
    const as = (who: string) => ({
      get: (path: string) =>
        api.get(path).set('Authorization', mockCredentials.user.header(who)),
      post: (path: string) =>
        api.post(path).set('Authorization', mockCredentials.user.header(who)),
    });
    const titles = async (who: string) => {
      const response = await as(who).get('/api/notifications/notifications');
      expect(response.status).toBe(200);
      return response.body.notifications.map(
        (n: { payload: { title: string } }) => n.payload.title,
      );
    };

    const requested = await as(JANE)
      .post('/api/environments/environments')
      .send({ componentRef: 'component:orders-service', type: 'production' });
    expect(requested.status).toBe(202);
    expect(requested.body.approval.groups).toEqual([APPROVERS]);

    expect(await titles(BOB)).toEqual([
      'Approval needed: orders-service new production environment production',
    ]);
    // Jane is in the group too, but it is her own request.
    expect(await titles(JANE)).toEqual([]);

    const approved = await as(BOB)
      .post(`/api/environments/environments/${requested.body.id}/approve`)
      .send({ comment: 'CHG-11' });
    expect(approved.status).toBe(200);

    expect(await titles(JANE)).toEqual([
      'Approved: orders-service new production environment production',
    ]);
  } finally {
    await backend.stop();
  }
});
