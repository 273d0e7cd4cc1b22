import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import { notificationService } from '@backstage/plugin-notifications-node';
import request from 'supertest';
import { Deployment, Environment } from '../../model';
import {
  APPROVALS_LINK,
  APPROVALS_TOPIC,
  ApprovalNotifications,
  createApprovalNotifications,
} from './ApprovalNotifications';

jest.setTimeout(60_000);

const JANE = 'user:default/jane';
const BOB = 'user:default/bob';
const ANN = 'user:default/ann';
const APPROVERS = 'group:default/platform-team';

const user = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: {},
});
// The notifications backend resolves a group to its members by relation.
const platformTeam: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'platform-team', namespace: 'default' },
  spec: { type: 'team', children: [] },
  relations: [JANE, BOB, ANN].map(targetRef => ({
    type: 'hasMember',
    targetRef,
  })),
};

const expiresAt = new Date('2030-01-01T12:00:00.000Z');

function pendingEnvironment(): Environment {
  const at = new Date();
  return {
    id: 'env-1',
    name: 'production',
    namespace: 'orders-service-production',
    componentRef: 'component:default/orders-service',
    ownerRef: 'group:default/team-orders',
    type: 'production',
    status: 'requested',
    reason: `Waiting for approval by ${APPROVERS}`,
    spec: {
      componentRef: 'component:default/orders-service',
      type: 'production',
      name: 'production',
      overrides: {},
      resources: [],
    },
    conditions: [],
    generation: 1,
    observedGeneration: 0,
    version: 1,
    createdBy: JANE,
    createdAt: at,
    updatedAt: at,
    approval: { groups: [APPROVERS], expiresAt },
  };
}

function pendingDeployment(): Deployment {
  const at = new Date();
  return {
    id: 'dep-1',
    environmentId: 'env-1',
    environmentName: 'production',
    type: 'production',
    componentRef: 'component:default/orders-service',
    sequence: 3,
    kind: 'deploy',
    state: 'pending-approval',
    version: '1.4.2',
    resolved: {
      config: {
        image: 'ghcr.io/acme/orders:1.4.2',
        port: 8080,
        replicas: 2,
        env: {},
        secretRefs: {},
        resources: {},
      },
      origins: {},
      layers: { baseline: {}, component: {}, override: {} },
    } as unknown as Deployment['resolved'],
    contentHash: 'a'.repeat(64),
    message: 'Release 1.4.2',
    source: 'ui',
    approval: { groups: [APPROVERS], expiresAt },
    createdBy: JANE,
    createdAt: at,
    updatedAt: at,
  };
}

type Received = { payload: { title: string; description?: string } } & {
  payload: Record<string, unknown>;
};

describe('ApprovalNotifications, with the real notifications backend', () => {
  let notifier: ApprovalNotifications;
  let inbox: (who: string) => Promise<Received[]>;
  let stop: () => Promise<void>;
  const failures: string[] = [];

  beforeAll(async () => {
    let captured: ApprovalNotifications | undefined;
    const approvalsProbe = createBackendPlugin({
      pluginId: 'approvals-probe',
      register(env) {
        env.registerInit({
          deps: {
            notifications: notificationService,
            logger: coreServices.logger,
          },
          async init({ notifications, logger }) {
            captured = createApprovalNotifications({ notifications, logger });
          },
        });
      },
    });
    const backend = await startTestBackend({
      features: [
        notificationsPlugin,
        approvalsProbe,
        mockServices.rootConfig.factory({
          data: { app: { baseUrl: 'http://localhost:3000' } },
        }),
        catalogServiceMock.factory({
          entities: [platformTeam, user('jane'), user('bob'), user('ann')],
        }),
      ],
    });
    stop = () => backend.stop();
    notifier = captured!;
    const api = request(backend.server);
    inbox = async who => {
      const response = await api
        .get('/api/notifications/notifications')
        .set('Authorization', mockCredentials.user.header(who));
      if (response.status !== 200) {
        failures.push(`${response.status} ${response.text}`);
      }
      return response.body.notifications ?? [];
    };
  });

  afterAll(async () => {
    await stop?.();
  });

  it('asks the approvers, not the requester, to approve a gated environment', async () => {
    await notifier.environmentApprovalRequested(pendingEnvironment());

    for (const approver of [BOB, ANN]) {
      expect(await inbox(approver)).toEqual([
        expect.objectContaining({
          payload: expect.objectContaining({
            title:
              'Approval needed: orders-service new production environment production',
            link: APPROVALS_LINK,
            topic: APPROVALS_TOPIC,
            severity: 'normal',
            description: expect.stringContaining(`Requested by ${JANE}`),
          }),
        }),
      ]);
    }
    expect(await inbox(JANE)).toEqual([]);
    expect(failures).toEqual([]);
  });

  it('asks for a deployment waiting for approval, and tells the requester the outcome once', async () => {
    const pending = pendingDeployment();
    await notifier.deploymentChanged(pending);

    const bobs = await inbox(BOB);
    expect(bobs.map(n => n.payload.title)).toContain(
      'Approval needed: orders-service 1.4.2 to production',
    );
    expect(
      bobs.find(n => n.payload.title.includes('1.4.2'))?.payload.description,
    ).toContain('Release 1.4.2');

    const at = new Date();
    const approved: Deployment = {
      ...pending,
      state: 'rolling-out',
      startedAt: at,
      updatedAt: at,
      approval: {
        ...pending.approval!,
        decision: { outcome: 'approved', by: BOB, at, comment: 'CHG-9 ok' },
      },
    };
    await notifier.deploymentChanged(approved);
    // The rollout's end carries the same decision: nothing more to tell.
    const later = new Date(at.getTime() + 5000);
    await notifier.deploymentChanged({
      ...approved,
      state: 'succeeded',
      finishedAt: later,
      updatedAt: later,
    });

    const janes = await inbox(JANE);
    expect(janes).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({
          title: 'Approved: orders-service 1.4.2 to production',
          description: `Approved by ${BOB}: CHG-9 ok`,
          link: '/catalog/default/component/orders-service',
          topic: APPROVALS_TOPIC,
        }),
      }),
    ]);
  });

  it('tells the requester of a rejection and of an expiry, with the comment', async () => {
    const environment = pendingEnvironment();
    const at = new Date();
    await notifier.environmentApprovalDecided({
      ...environment,
      id: 'env-2',
      status: 'deleted',
      approval: {
        ...environment.approval!,
        decision: { outcome: 'rejected', by: ANN, at, comment: 'Freeze' },
      },
    });
    await notifier.deploymentChanged({
      ...pendingDeployment(),
      id: 'dep-2',
      state: 'expired',
    });

    const titles = (await inbox(JANE)).map(n => [
      n.payload.title,
      n.payload.description,
    ]);
    expect(titles).toEqual(
      expect.arrayContaining([
        [
          'Rejected: orders-service new production environment production',
          `Rejected by ${ANN}: Freeze`,
        ],
        [
          'Expired: orders-service 1.4.2 to production',
          expect.stringContaining('Nobody approved it by'),
        ],
      ]),
    );
  });

  it('tells no service principal, and never fails the caller when sending fails', async () => {
    const child = mockServices.logger.mock();
    const logger = mockServices.logger.mock({ child: () => child });
    const broken = createApprovalNotifications({
      notifications: {
        send: async () => {
          throw new Error('notifications backend is down');
        },
      },
      logger,
    });

    await expect(
      broken.environmentApprovalRequested(pendingEnvironment()),
    ).resolves.toBeUndefined();
    expect(child.warn).toHaveBeenCalledWith(
      'Failed to notify the approvers of an approval',
      expect.objectContaining({ error: 'notifications backend is down' }),
    );

    const send = jest.fn();
    const quiet = createApprovalNotifications({
      notifications: { send },
      logger,
    });
    await quiet.deploymentChanged({
      ...pendingDeployment(),
      state: 'expired',
      createdBy: 'external:ci',
    });
    expect(send).not.toHaveBeenCalled();
  });
});
