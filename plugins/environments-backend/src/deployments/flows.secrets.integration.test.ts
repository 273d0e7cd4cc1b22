import { TestDatabases } from '@backstage/backend-test-utils';
import {
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
} from '../__testUtils__/deploymentsBackend';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const ALICE = 'user:default/alice';
const TEAM = 'group:default/team-flows';

/** A value nothing else could contain, and the forms a leak of it might take. */
function distinctiveSecret() {
  const value = `s3cr3t-${randomBytes(12).toString('hex')}`;
  return {
    value,
    forms: [
      value,
      Buffer.from(value).toString('base64'),
      encodeURIComponent(value),
    ],
  };
}

// A secret's value goes through its own endpoint into the environment's
// Kubernetes Secret, and nowhere else: not into any answer of the API, any
// log line, any audit event or any row of the database, on the real
// backend, database and cluster.
describeWithCluster('deployments: secrets', kc => {
  const components: string[] = [];

  afterAll(async () => {
    await removeLeftovers(kc(), components);
  });

  describe.each(databases.eachSupportedId())('on %s', databaseId => {
    const name = `flows-sec-${
      databaseId === 'SQLITE_3' ? 'sq' : 'pg'
    }-${randomBytes(2).toString('hex')}`;
    const componentRef = `component:default/${name}`;
    components.push(name);
    const first = distinctiveSecret();
    const rotated = distinctiveSecret();
    const leaks = [...first.forms, ...rotated.forms];
    let backend: DeploymentsBackend;
    let environment: { id: string; namespace: string };
    let deployment: any;

    beforeAll(async () => {
      backend = await startDeploymentsBackend({
        databases,
        databaseId,
        admin: kc(),
        components: [flowComponent(name)],
        users: { [ALICE]: [TEAM, PLATFORM_TEAM] },
      });
      environment = await backend.createEnvironment(
        ALICE,
        componentRef,
        'development',
      );
    });

    afterAll(async () => {
      await backend?.stop();
    });

    /** The values of every Secret of the namespace, decoded. */
    async function secretValues(): Promise<string[]> {
      const secrets = await backend.core.listNamespacedSecret({
        namespace: environment.namespace,
      });
      return secrets.items.flatMap(secret =>
        Object.values(secret.data ?? {}).map(data =>
          Buffer.from(data, 'base64').toString('utf8'),
        ),
      );
    }

    it('writes a secret value into the namespace’s Secret and names only its key', async () => {
      const empty = await backend.call(
        ALICE,
        'put',
        `/environments/${environment.id}/secrets/db-password`,
        { value: '' },
      );
      expect(empty.status).toBe(400);
      expect(empty.body.error.message).toContain('value');
      const badKey = await backend.call(
        ALICE,
        'put',
        `/environments/${environment.id}/secrets/${encodeURIComponent(
          'db password',
        )}`,
        { value: first.value },
      );
      expect(badKey.status).toBe(400);
      expect(badKey.body.error.message).toContain('key');

      const set = await backend.call(
        ALICE,
        'put',
        `/environments/${environment.id}/secrets/db-password`,
        { value: first.value },
      );
      expect(set.status).toBe(204);

      const listed = await backend.expectStatus(
        200,
        ALICE,
        'get',
        `/environments/${environment.id}/secrets`,
      );
      expect(listed.items).toEqual([
        { key: 'db-password', updatedAt: expect.any(String) },
      ]);

      deployment = (
        await backend.call(
          ALICE,
          'post',
          `/environments/${environment.id}/deployments`,
          {
            tag: '1.0.0',
            secretRefs: { DB_PASSWORD: 'db-password' },
            message: 'Use the database password',
          },
        )
      ).body;
      expect(deployment.config.secretRefs).toEqual({
        DB_PASSWORD: 'db-password',
      });
      await backend.waitForDeployment(ALICE, deployment.id, 'succeeded');

      const running = await backend.workload(environment.namespace, name);
      const variable = running.spec?.template.spec?.containers[0].env?.find(
        e => e.name === 'DB_PASSWORD',
      );
      expect(variable?.value).toBeUndefined();
      expect(variable?.valueFrom?.secretKeyRef).toMatchObject({
        key: 'db-password',
        name: expect.any(String),
      });
      const secret = await backend.core.readNamespacedSecret({
        namespace: environment.namespace,
        name: variable!.valueFrom!.secretKeyRef!.name!,
      });
      expect(
        Buffer.from(secret.data!['db-password'], 'base64').toString('utf8'),
      ).toBe(first.value);
    });

    it('rotates the value in the Secret', async () => {
      const set = await backend.call(
        ALICE,
        'put',
        `/environments/${environment.id}/secrets/db-password`,
        { value: rotated.value },
      );
      expect(set.status).toBe(204);
      await eventually('the Secret holds the new value', async () => {
        const values = await secretValues();
        return values.includes(rotated.value) && !values.includes(first.value)
          ? true
          : undefined;
      });

      // Every read endpoint that shows a deployment or the environment,
      // so that a leak in any of them is caught below.
      const redeploy = await backend.call(
        ALICE,
        'post',
        `/environments/${environment.id}/deployments`,
        { tag: '1.0.1' },
      );
      expect(redeploy.status).toBe(202);
      await backend.waitForDeployment(ALICE, redeploy.body.id, 'succeeded');
      for (const path of [
        `/environments/${environment.id}`,
        `/environments/${environment.id}/configuration`,
        `/environments/${environment.id}/deployments`,
        `/environments/${environment.id}/secrets`,
        `/environments/${environment.id}/audit`,
        `/deployments/${deployment.id}`,
        `/deployments/${deployment.id}/diff?to=${redeploy.body.id}`,
        `/what-runs-where?componentRef=${encodeURIComponent(componentRef)}`,
        '/approvals',
      ]) {
        await backend.expectStatus(200, ALICE, 'get', path);
      }
    });

    it('deletes a secret, then the environment, leaving nothing in the cluster', async () => {
      const removed = await backend.call(
        ALICE,
        'delete',
        `/environments/${environment.id}/secrets/db-password`,
      );
      expect(removed.status).toBe(204);
      expect(await backend.deleteEnvironments(ALICE)).toEqual([]);
    });

    it('has the value in no answer, log line, audit event or database row', async () => {
      expect(backend.answers.length).toBeGreaterThan(10);
      const leakedIn = (text: string) =>
        leaks.some(leak => text.includes(leak));

      const answers = backend.answers.filter(answer =>
        leakedIn(JSON.stringify(answer)),
      );
      expect(answers.map(a => `${a.method} ${a.path}`)).toEqual([]);

      expect(backend.logs.length).toBeGreaterThan(0);
      const lines = backend.logs.filter(line =>
        leakedIn(backend.logText(line)),
      );
      expect(lines.map(line => line.message)).toEqual([]);
      // The audit events of the secret's writes are there, without the value.
      expect(
        backend.logs.some(line => /secret/i.test(backend.logText(line))),
      ).toBe(true);

      const audit = await backend.expectStatus(
        200,
        ALICE,
        'get',
        `/environments/${environment.id}/audit`,
      );
      expect(audit.items.length).toBeGreaterThan(0);
      expect(leakedIn(JSON.stringify(audit))).toBe(false);
      const auditRows = await backend.knex('environment_audit').select();
      expect(auditRows.length).toBeGreaterThan(0);
      expect(leakedIn(JSON.stringify(auditRows))).toBe(false);

      const rows = await backend.everyRow();
      expect(rows.map(r => r.table)).toEqual(
        expect.arrayContaining([
          'environments',
          'environment_audit',
          'deployments',
        ]),
      );
      expect(rows.filter(r => leakedIn(r.row)).map(r => r.table)).toEqual([]);
    });
  });
});
