import { TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  describeNeeding,
  describeWithCluster,
  eventually,
} from '@internal/cluster-tools/testUtils';
import { randomBytes } from 'node:crypto';
import {
  DeploymentsBackend,
  flowComponent,
  PLATFORM_TEAM,
  removeLeftovers,
  startDeploymentsBackend,
} from '../../__testUtils__/deploymentsBackend';
import {
  createRepository,
  GiteaRepository,
  HookDelivery,
  hookDeliveries,
  localGiteaFromEnv,
  MISSING_GITEA,
} from './__testUtils__/localGitea';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const gitea = localGiteaFromEnv();

const ALICE = 'user:default/alice';
const TEAM = 'group:default/team-flows';
const SECRET = `webhook-${randomBytes(16).toString('hex')}`;

/**
 * The component as the catalog holds it once registered from the
 * repository's catalog-info.yaml: the catalog writes both location
 * annotations from the URL it read, which the webhook matches the pushed
 * repository's page against.
 */
function registeredComponent(name: string, htmlUrl: string): Entity {
  const location = `url:${htmlUrl}/src/branch/main/catalog-info.yaml`;
  return flowComponent(name, {
    'backstage.io/managed-by-location': location,
    'backstage.io/managed-by-origin-location': location,
    'backstage.io/source-location': `url:${htmlUrl}/src/branch/main/`,
  });
}

/**
 * Now, less a minute, to the second: an author time that cannot be the
 * push's. Gitea's push payload carries the head commit's author time only
 * (`head_commit.timestamp`), so that is the commit time recorded.
 */
function authorTime(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
}

// Gitea's webhook end to end: the real local Gitea delivers push events,
// from git pushes over HTTP, to the real environments backend listening on
// loopback, on PostgreSQL and SQLite, which deploys to the real cluster.
describeNeeding(
  'Gitea webhook, from the real Gitea',
  gitea ? undefined : MISSING_GITEA,
  () => {
    describeWithCluster('deploys pushes and tags', kc => {
      const components: string[] = [];

      afterAll(async () => {
        await removeLeftovers(kc(), components);
      });

      describe.each(databases.eachSupportedId())('on %s', databaseId => {
        const name = `hook-${
          databaseId === 'SQLITE_3' ? 'sq' : 'pg'
        }-${randomBytes(2).toString('hex')}`;
        const componentRef = `component:default/${name}`;
        components.push(name);
        let repository: GiteaRepository;
        let backend: DeploymentsBackend;
        let environment: { id: string; namespace: string };
        let hookId: number;
        let hookUrl: string;

        beforeAll(async () => {
          repository = await createRepository(gitea!, name);
          backend = await startDeploymentsBackend({
            databases,
            databaseId,
            admin: kc(),
            components: [registeredComponent(name, repository.htmlUrl)],
            users: { [ALICE]: [TEAM, PLATFORM_TEAM] },
            environments: { ci: { webhookSecret: SECRET } },
          });
          environment = await backend.createEnvironment(
            ALICE,
            componentRef,
            'development',
          );
          // Gitea's [webhook] ALLOWED_HOST_LIST is loopback.
          hookUrl = `http://127.0.0.1:${backend.port}/api/environments/webhooks/gitea`;
          hookId = await repository.addWebhook(hookUrl, SECRET);
        });

        afterAll(async () => {
          await backend?.stop();
          await repository?.remove();
        });

        const history = async (): Promise<any[]> =>
          (
            await backend.expectStatus(
              200,
              ALICE,
              'get',
              `/environments/${environment.id}/deployments`,
            )
          ).items;

        /** The deployment Gitea's delivery of `ref` at `after` asked for, once recorded. */
        const deploymentOf = (what: (deployment: any) => boolean) =>
          eventually('the webhook deployment', async () =>
            (await history()).find(what),
          );

        /** Gitea's delivery of the push of `ref`, once it has the backend's answer. */
        const deliveryOf = (id: number, ref: string) =>
          eventually(
            `Gitea's delivery of ${ref}`,
            async (): Promise<HookDelivery | undefined> =>
              (await hookDeliveries(gitea!, id)).find(
                // Gitea marks a task delivered before it sends it, and
                // writes the request and the answer once it has the answer.
                delivery =>
                  delivery.response !== undefined &&
                  delivery.eventType === 'push' &&
                  delivery.payload?.ref === ref,
              ),
          );

        it('deploys a push to main: source webhook, the pushed SHA and its (author) time, rolled out to succeeded', async () => {
          const time = authorTime();
          const sha = await repository.pushCommit('Greet politely', time);

          const delivery = await deliveryOf(hookId, 'refs/heads/main');
          expect(delivery.request?.headers).toMatchObject({
            'X-Gitea-Event': 'push',
            'X-Gitea-Signature': expect.stringMatching(/^[0-9a-f]{64}$/),
          });
          expect(delivery.response?.status).toBe(202);
          expect(delivery.succeeded).toBe(true);
          const deployment = await deploymentOf(d => d.commit?.sha === sha);
          expect(deployment).toMatchObject({
            source: 'webhook',
            createdBy: 'gitea-webhook',
            version: sha,
            message: `Pushed to main of ${repository.fullName}`,
            config: expect.objectContaining({
              image: `registry.local/${name}:${sha}`,
            }),
            commit: {
              sha,
              time: expect.any(String),
              url: `${repository.htmlUrl}/commit/${sha}`,
            },
          });
          expect(new Date(deployment.commit.time).getTime()).toBe(
            time.getTime(),
          );

          await backend.waitForDeployment(ALICE, deployment.id, 'succeeded');
          const running = await backend.workload(environment.namespace, name);
          expect(running.spec?.template.spec?.containers[0].image).toBe(
            `registry.local/${name}:${sha}`,
          );
        });

        it('deploys a pushed tag as the image tag, with the tagged commit and its time', async () => {
          const time = authorTime();
          const sha = await repository.pushCommit('Release 1.0.0', time);
          await deploymentOf(d => d.commit?.sha === sha);

          await repository.pushTag('v1.0.0');

          const delivery = await deliveryOf(hookId, 'refs/tags/v1.0.0');
          expect(delivery.response?.status).toBe(202);
          const deployment = await deploymentOf(d => d.version === 'v1.0.0');
          expect(deployment).toMatchObject({
            source: 'webhook',
            message: `Tag v1.0.0 pushed to ${repository.fullName}`,
            config: expect.objectContaining({
              image: `registry.local/${name}:v1.0.0`,
            }),
            commit: { sha, url: `${repository.htmlUrl}/commit/${sha}` },
          });
          expect(new Date(deployment.commit.time).getTime()).toBe(
            time.getTime(),
          );
          await backend.waitForDeployment(ALICE, deployment.id, 'succeeded');
        });

        it('deploys an annotated tag with the commit it tags, not the tag object', async () => {
          const sha = await repository.pushTag('v1.1.0', {
            annotated: 'Release 1.1.0',
          });

          const delivery = await deliveryOf(hookId, 'refs/tags/v1.1.0');
          // What Gitea sends: after is the tag object, head_commit the commit.
          expect(delivery.payload.after).not.toBe(sha);
          expect(delivery.payload.head_commit.id).toBe(sha);
          const deployment = await deploymentOf(d => d.version === 'v1.1.0');
          expect(deployment.commit).toMatchObject({ sha });
          expect(deployment.commit.time).toEqual(expect.any(String));
          await backend.waitForDeployment(ALICE, deployment.id, 'succeeded');
        });

        it('refuses a delivery signed with another secret (401 in Gitea) and deploys nothing', async () => {
          await repository.setWebhookActive(hookId, false);
          const wrongHookId = await repository.addWebhook(
            hookUrl,
            `not-${SECRET}`,
          );
          const before = await history();

          const sha = await repository.pushCommit('Unsigned', authorTime());

          const delivery = await deliveryOf(wrongHookId, 'refs/heads/main');
          expect(delivery.payload.after).toBe(sha);
          expect(delivery.succeeded).toBe(false);
          expect(delivery.response?.status).toBe(401);
          expect(JSON.parse(delivery.response!.body).error.message).toBe(
            'Invalid webhook signature',
          );
          // The backend answered before deploying anything: Gitea has its 401.
          const after = await history();
          expect(after.map(d => d.id)).toEqual(before.map(d => d.id));
          expect(after.some(d => d.commit?.sha === sha)).toBe(false);
          // Only the hook with the wrong secret was called.
          expect(
            (await hookDeliveries(gitea!, hookId)).filter(
              d => d.payload?.after === sha,
            ),
          ).toEqual([]);
        });

        it('deletes the environment, leaving nothing in the cluster', async () => {
          expect(await backend.deleteEnvironments(ALICE)).toEqual([]);
        });
      });
    });
  },
);
