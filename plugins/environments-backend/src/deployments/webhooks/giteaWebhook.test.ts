import { mockServices } from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import { Entity } from '@backstage/catalog-model';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CiDeployRequest } from '@internal/backstage-plugin-environments-common';
import express from 'express';
import request from 'supertest';
import { createGiteaWebhookRouter, WebhookDeployments } from './giteaWebhook';
import { giteaSignature } from './signature';

const SECRET = 'webhook-secret-for-tests';
const SHA = '3f2c9e1a0b4d5c6e7f8091a2b3c4d5e6f7081920';

/** A component as the golden paths register it from Gitea. */
function goldenPathComponent(
  name: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-location': `url:http://localhost:3300/idp/${name}/src/branch/main/catalog-info.yaml`,
        'backstage.io/source-location': `url:http://localhost:3300/idp/${name}/src/branch/main/`,
        'environments.idp.dev/image': `registry.local/${name}:latest`,
        ...annotations,
      },
    },
    spec: { type: 'service', owner: 'group:default/team-orders' },
  };
}

function pushEvent(overrides: Record<string, unknown> = {}) {
  return {
    ref: 'refs/heads/main',
    before: '0000000000000000000000000000000000000000',
    after: SHA,
    repository: {
      id: 7,
      name: 'orders-service',
      full_name: 'idp/orders-service',
      html_url: 'http://localhost:3300/idp/orders-service',
      clone_url: 'http://localhost:3300/idp/orders-service.git',
      default_branch: 'main',
    },
    head_commit: {
      id: SHA,
      message: 'Greet politely\n',
      url: `http://localhost:3300/idp/orders-service/commit/${SHA}`,
      timestamp: '2026-12-02T01:05:06Z',
    },
    pusher: { login: 'idp-admin' },
    ...overrides,
  };
}

class FakeDeployments implements WebhookDeployments {
  readonly requests: Array<{ request: CiDeployRequest; options: object }> = [];
  failure?: Error;

  async ciDeploy(deployRequest: CiDeployRequest, options: object) {
    if (this.failure) {
      throw this.failure;
    }
    this.requests.push({ request: deployRequest, options });
    return { id: `dep-${this.requests.length}`, state: 'rolling-out' as const };
  }
}

function setUp(
  options: {
    entities?: Entity[];
    config?: JsonObject;
  } = {},
) {
  const deployments = new FakeDeployments();
  const logger = mockServices.logger.mock();
  const app = express();
  app.use(
    createGiteaWebhookRouter({
      config: mockServices.rootConfig({
        data: {
          environments: options.config ?? { ci: { webhookSecret: SECRET } },
        },
      }),
      logger,
      auth: mockServices.auth(),
      catalog: catalogServiceMock({
        entities: options.entities ?? [goldenPathComponent('orders-service')],
      }),
      deployments,
    }),
  );
  const send = (
    body: unknown,
    headers: Record<string, string | undefined> = {},
  ) => {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const req = request(app)
      .post('/webhooks/gitea')
      .set('Content-Type', 'application/json');
    const all: Record<string, string | undefined> = {
      'X-Gitea-Event': 'push',
      'X-Gitea-Signature': giteaSignature(raw, SECRET),
      ...headers,
    };
    for (const [name, value] of Object.entries(all)) {
      if (value !== undefined) {
        req.set(name, value);
      }
    }
    return req.send(raw);
  };
  return { app, deployments, logger, send };
}

describe('POST /webhooks/gitea', () => {
  describe('signature', () => {
    it('deploys when the body is signed with the webhook secret', async () => {
      const { send, deployments } = setUp();

      const res = await send(pushEvent());

      expect(res.status).toBe(202);
      expect(deployments.requests).toHaveLength(1);
    });

    it.each([
      ['missing', undefined],
      ['made with another secret', giteaSignature('{}', 'another-secret')],
      ['not hex', 'not-a-signature'],
      ['of another length', 'abcd'],
    ])(
      'answers 401, saying no more, when the signature is %s',
      async (_, signature) => {
        const { send, deployments } = setUp();

        const res = await send(pushEvent(), {
          'X-Gitea-Signature': signature,
        });

        expect(res.status).toBe(401);
        expect(res.body.error).toEqual(
          expect.objectContaining({
            name: 'AuthenticationError',
            message: 'Invalid webhook signature',
          }),
        );
        expect(res.body.error.stack).toBeUndefined();
        expect(deployments.requests).toHaveLength(0);
      },
    );

    it('checks the signature over the bytes as sent, not a re-serialization', async () => {
      const { send, deployments } = setUp();
      // Same JSON value, other bytes: signed as sent, it verifies.
      const raw = JSON.stringify(pushEvent(), null, 2);

      const res = await send(raw, {
        'X-Gitea-Signature': giteaSignature(raw, SECRET),
      });

      expect(res.status).toBe(202);
      expect(deployments.requests).toHaveLength(1);
    });

    it('has no route when no webhook secret is configured', async () => {
      const { send, deployments } = setUp({ config: {} });

      const res = await send(pushEvent());

      expect(res.status).toBe(404);
      expect(deployments.requests).toHaveLength(0);
    });
  });

  describe('deploying', () => {
    it("deploys a push to the default branch: the commit's image to development, source webhook", async () => {
      const { send, deployments } = setUp();

      const res = await send(pushEvent());

      expect(res.status).toBe(202);
      expect(res.body).toEqual({
        status: 'processed',
        deployments: [
          {
            componentRef: 'component:default/orders-service',
            outcome: 'deployed',
            image: `registry.local/orders-service:${SHA}`,
            deploymentId: 'dep-1',
            state: 'rolling-out',
          },
        ],
      });
      expect(deployments.requests).toEqual([
        {
          request: {
            componentRef: 'component:default/orders-service',
            environment: 'development',
            image: `registry.local/orders-service:${SHA}`,
            commit: {
              sha: SHA,
              time: '2026-12-02T01:05:06Z',
              url: `http://localhost:3300/idp/orders-service/commit/${SHA}`,
            },
            message: 'Pushed to main of idp/orders-service',
          },
          options: { subject: 'gitea-webhook', source: 'webhook' },
        },
      ]);
    });

    it('deploys a tag push with the tag as the image tag, and the tagged commit with its time', async () => {
      const { send, deployments } = setUp();

      // Gitea 1.26's shape: head_commit is the commit the tag points at.
      const res = await send(pushEvent({ ref: 'refs/tags/v1.2.3' }));

      expect(res.status).toBe(202);
      expect(deployments.requests[0].request).toEqual({
        componentRef: 'component:default/orders-service',
        environment: 'development',
        image: 'registry.local/orders-service:v1.2.3',
        commit: {
          sha: SHA,
          time: '2026-12-02T01:05:06Z',
          url: `http://localhost:3300/idp/orders-service/commit/${SHA}`,
        },
        message: 'Tag v1.2.3 pushed to idp/orders-service',
      });
    });

    it('records the tagged commit of an annotated tag, whose after is the tag object', async () => {
      const { send, deployments } = setUp();
      const tagObject = 'b7e1c0ffee0123456789abcdef0123456789abcd';

      await send(pushEvent({ ref: 'refs/tags/v1.2.3', after: tagObject }));

      expect(deployments.requests[0].request.commit).toEqual({
        sha: SHA,
        time: '2026-12-02T01:05:06Z',
        url: `http://localhost:3300/idp/orders-service/commit/${SHA}`,
      });
    });

    it('takes the commit from after when a tag push has no head_commit (older Gitea releases)', async () => {
      const { send, deployments } = setUp();

      const res = await send(
        pushEvent({ ref: 'refs/tags/v1.2.3', head_commit: null }),
      );

      expect(res.status).toBe(202);
      expect(deployments.requests[0].request).toEqual({
        componentRef: 'component:default/orders-service',
        environment: 'development',
        image: 'registry.local/orders-service:v1.2.3',
        commit: {
          sha: SHA,
          url: `http://localhost:3300/idp/orders-service/commit/${SHA}`,
        },
        message: 'Tag v1.2.3 pushed to idp/orders-service',
      });
    });

    it('deploys to the environment named by environments.ci.webhookEnvironment', async () => {
      const { send, deployments } = setUp({
        config: {
          ci: { webhookSecret: SECRET, webhookEnvironment: 'integration' },
        },
      });

      await send(pushEvent());

      expect(deployments.requests[0].request.environment).toBe('integration');
    });

    it('takes the image repository from the annotation, without its tag or digest', async () => {
      const { send, deployments } = setUp({
        entities: [
          goldenPathComponent('orders-service', {
            'environments.idp.dev/image':
              'registry.local:5000/team/orders@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
          }),
        ],
      });

      await send(pushEvent({ ref: 'refs/tags/v2.0.0' }));

      expect(deployments.requests[0].request.image).toBe(
        'registry.local:5000/team/orders:v2.0.0',
      );
    });

    it('reports a refused deploy (a pinned environment, say) in a 202, not as a failure of the webhook', async () => {
      const { send, deployments } = setUp();
      deployments.failure = new ConflictError(
        'Environment development of component:default/orders-service is pinned by a rollback',
      );

      const res = await send(pushEvent());

      expect(res.status).toBe(202);
      expect(res.body).toEqual({
        status: 'processed',
        deployments: [
          {
            componentRef: 'component:default/orders-service',
            outcome: 'refused',
            reason:
              'Environment development of component:default/orders-service is pinned by a rollback',
          },
        ],
      });
    });

    it('reports a component without the environment in a 202', async () => {
      const { send, deployments } = setUp();
      deployments.failure = new NotFoundError(
        "component:default/orders-service has no environment named 'development'",
      );

      const res = await send(pushEvent());

      expect(res.status).toBe(202);
      expect(res.body.deployments[0]).toMatchObject({ outcome: 'refused' });
    });

    it('answers an unexpected failure of the deployments service with a log id, no stack', async () => {
      const { send, deployments } = setUp();
      deployments.failure = new Error('boom');

      const res = await send(pushEvent());

      expect(res.status).toBe(500);
      expect(res.body.error.message).toMatch(
        /^An internal error occurred logId=/,
      );
      expect(JSON.stringify(res.body)).not.toContain('boom');
    });
  });

  describe('mapping the repository to components', () => {
    it('matches by the repository URL, not the name: a component named otherwise is found', async () => {
      const component = goldenPathComponent('orders');
      component.metadata.annotations![
        'backstage.io/source-location'
      ] = `url:http://localhost:3300/idp/orders-service/src/branch/main/`;
      const { send, deployments } = setUp({ entities: [component] });

      await send(pushEvent());

      expect(deployments.requests[0].request).toMatchObject({
        componentRef: 'component:default/orders',
        image: `registry.local/orders:${SHA}`,
      });
    });

    it('matches by managed-by-location when there is no source-location', async () => {
      const component = goldenPathComponent('orders-service');
      delete component.metadata.annotations!['backstage.io/source-location'];
      const { send, deployments } = setUp({ entities: [component] });

      await send(pushEvent());

      expect(deployments.requests).toHaveLength(1);
    });

    it('does not take a repository whose name only starts the same for it', async () => {
      const { send, deployments } = setUp({
        entities: [goldenPathComponent('orders-service-v2')],
      });

      const res = await send(pushEvent());

      expect(res.status).toBe(202);
      expect(res.body).toEqual({
        status: 'ignored',
        reason:
          'no component in the catalog has its source in http://localhost:3300/idp/orders-service (backstage.io/source-location or backstage.io/managed-by-location)',
      });
      expect(deployments.requests).toHaveLength(0);
    });

    it('deploys every component built from the repository', async () => {
      const api = goldenPathComponent('orders-service-worker');
      api.metadata.annotations![
        'backstage.io/source-location'
      ] = `url:http://localhost:3300/idp/orders-service/src/branch/main/worker/`;
      const { send, deployments } = setUp({
        entities: [goldenPathComponent('orders-service'), api],
      });

      await send(pushEvent());

      expect(
        deployments.requests.map(r => r.request.componentRef).sort(),
      ).toEqual([
        'component:default/orders-service',
        'component:default/orders-service-worker',
      ]);
    });

    it('refuses a component with no image annotation, naming it', async () => {
      const component = goldenPathComponent('orders-service');
      delete component.metadata.annotations!['environments.idp.dev/image'];
      const { send, deployments } = setUp({ entities: [component] });

      const res = await send(pushEvent());

      expect(res.body.deployments).toEqual([
        {
          componentRef: 'component:default/orders-service',
          outcome: 'refused',
          reason:
            'component:default/orders-service has no environments.idp.dev/image annotation to take the image repository from',
        },
      ]);
      expect(deployments.requests).toHaveLength(0);
    });
  });

  describe('what it ignores, with a reason', () => {
    it.each([
      [
        'an event other than push',
        { 'X-Gitea-Event': 'issues' },
        pushEvent(),
        'only push events deploy, not "issues"',
      ],
      [
        'a request without X-Gitea-Event',
        { 'X-Gitea-Event': undefined },
        pushEvent(),
        'only push events deploy, not events without X-Gitea-Event',
      ],
      [
        'a push to another branch',
        {},
        pushEvent({ ref: 'refs/heads/feature/greetings' }),
        'refs/heads/feature/greetings is neither a tag nor the default branch (main)',
      ],
      [
        'a deleted branch',
        {},
        pushEvent({
          after: '0000000000000000000000000000000000000000',
          head_commit: null,
        }),
        'refs/heads/main was deleted',
      ],
      [
        'a tag that is no image tag',
        {},
        pushEvent({ ref: 'refs/tags/.hidden' }),
        'tag .hidden is not a valid image tag (letters, digits, "_", "." and "-", at most 128, not starting with "." or "-")',
      ],
    ])('%s', async (_, headers, body, reason) => {
      const { send, deployments } = setUp();

      const res = await send(body, headers);

      expect(res.status).toBe(202);
      expect(res.body).toEqual({ status: 'ignored', reason });
      expect(deployments.requests).toHaveLength(0);
    });
  });

  describe('bad input', () => {
    it('answers 400 naming each field and its rule', async () => {
      const { send } = setUp();

      const res = await send(
        pushEvent({ after: 'HEAD', repository: { full_name: 'idp/x' } }),
      );

      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/^Invalid Gitea push event:\n/);
      expect(res.body.error.message).toContain('after: must be a commit SHA');
      expect(res.body.error.message).toContain('repository.html_url');
      expect(res.body.error.stack).toBeUndefined();
    });

    it('answers 400 for a body that is not JSON', async () => {
      const { send } = setUp();

      const res = await send('payload=%7B%7D');

      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        "request body: must be the JSON of a Gitea push event (set the webhook's content type to application/json)",
      );
    });

    it('answers 413 for a body over 1 MiB, before checking anything', async () => {
      const { send, deployments } = setUp();
      const big = JSON.stringify({
        ...pushEvent(),
        padding: 'x'.repeat(1024 * 1024),
      });

      const res = await send(big);

      expect(res.status).toBe(413);
      expect(res.body.error.message).toBe(
        'request body: must be at most 1 MiB',
      );
      expect(deployments.requests).toHaveLength(0);
    });
  });
});
