import { EnvironmentsClient } from '@internal/backstage-plugin-environments-common';
import { spec } from './openapi/generated/router';

// The client in environments-common is written by hand; this test keeps it
// and openapi.yaml in step: every method of the client calls an operation of
// the spec, and every operation of the spec has a method that calls it.

const BASE_URL = 'http://backend.test/api/environments';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

type PublicMethod = {
  [K in keyof EnvironmentsClient]: EnvironmentsClient[K] extends (
    ...args: never[]
  ) => unknown
    ? K
    : never;
}[keyof EnvironmentsClient];

/** One call of each method; a new method fails to compile until it is here. */
const calls: Record<PublicMethod, (client: EnvironmentsClient) => unknown> = {
  listEnvironments: client => client.listEnvironments({ type: 'preview' }),
  createEnvironment: client =>
    client.createEnvironment({
      componentRef: 'component:default/orders-service',
      type: 'preview',
    }),
  getEnvironment: client => client.getEnvironment('env-1'),
  updateEnvironment: client =>
    client.updateEnvironment('env-1', { image: 'nginx:1.27' }),
  deleteEnvironment: client => client.deleteEnvironment('env-1'),
  extendEnvironment: client => client.extendEnvironment('env-1', { ttl: '8h' }),
  reconcileEnvironment: client => client.reconcileEnvironment('env-1'),
  getAuditTrail: client => client.getAuditTrail('env-1'),
  getStatusHistory: client => client.getStatusHistory('env-1'),
  listTypes: client => client.listTypes(),
  listPods: client => client.listPods('env-1'),
  listEvents: client => client.listEvents('env-1'),
  openLogs: client => client.openLogs('env-1', { pod: 'web-1' }),
  approveEnvironment: client =>
    client.approveEnvironment('env-1', { comment: 'ok' }),
  rejectEnvironment: client =>
    client.rejectEnvironment('env-1', { comment: 'no' }),
  listEnvironmentApprovals: client => client.listEnvironmentApprovals(),
  getConfiguration: client => client.getConfiguration('env-1'),
  listDeployments: client => client.listDeployments('env-1', { limit: 10 }),
  deploy: client => client.deploy('env-1', { tag: '1.5.0' }),
  rollback: client =>
    client.rollback('env-1', { deploymentId: 'dep-1', reason: 'broken' }),
  promote: client => client.promote('env-2', {}),
  getDeployment: client => client.getDeployment('dep-1'),
  diffDeployments: client => client.diffDeployments('dep-1', 'dep-2'),
  approveDeployment: client =>
    client.approveDeployment('dep-1', { comment: 'ok' }),
  rejectDeployment: client =>
    client.rejectDeployment('dep-1', { comment: 'not now' }),
  listPendingApprovals: client => client.listPendingApprovals(),
  getWhatRunsWhere: client =>
    client.getWhatRunsWhere('component:default/orders-service'),
  ciDeploy: client =>
    client.ciDeploy({
      componentRef: 'component:default/orders-service',
      environment: 'development',
      image: 'ghcr.io/acme/orders:1.5.0',
      commit: { sha: 'abc1234' },
    }),
  listSecrets: client => client.listSecrets('env-1'),
  setSecret: client => client.setSecret('env-1', 'DB_PASSWORD', 's3cret'),
  deleteSecret: client => client.deleteSecret('env-1', 'DB_PASSWORD'),
  evaluatePolicy: client =>
    client.evaluatePolicy({
      action: 'deployment.deploy',
      environmentId: 'env-1',
      request: { tag: '1.5.0' },
    }),
  listPolicyRules: client => client.listPolicyRules(),
  listPolicyDecisions: client => client.listPolicyDecisions({ limit: 10 }),
};

/** Every operation of the spec, as `GET /environments/{id}`. */
function specOperations(): string[] {
  return Object.entries(spec.paths).flatMap(([path, item]) =>
    METHODS.filter(method => method in item).map(
      method => `${method.toUpperCase()} ${path}`,
    ),
  );
}

/** The operation of the spec that a request goes to, if any. */
function operationOf(method: string, url: string): string | undefined {
  const path = new URL(url).pathname.slice(new URL(BASE_URL).pathname.length);
  return specOperations().find(operation => {
    const [specMethod, template] = operation.split(' ');
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    return specMethod === method && pattern.test(path);
  });
}

/** The operation each method of the client calls. */
async function operationsCalled(): Promise<Record<string, string>> {
  const called: Record<string, string> = {};
  for (const [name, call] of Object.entries(calls)) {
    const client = new EnvironmentsClient({
      discoveryApi: { getBaseUrl: async () => BASE_URL },
      fetchApi: {
        fetch: async (url, init) => {
          called[name] =
            operationOf(init?.method ?? 'GET', String(url)) ??
            `${init?.method} ${url}, which is not in openapi.yaml`;
          // What is answered does not matter here, only what was asked.
          return Response.json(
            { error: { name: 'Error', message: 'not answered' } },
            { status: 500 },
          );
        },
      },
    });
    await Promise.resolve(call(client)).catch(() => {});
  }
  return called;
}

describe('EnvironmentsClient and openapi.yaml', () => {
  it('calls an operation of the spec from every method', async () => {
    const called = await operationsCalled();

    expect(Object.keys(called).sort()).toEqual(Object.keys(calls).sort());
    for (const operation of Object.values(called)) {
      expect(specOperations()).toContain(operation);
    }
  });

  it('has a method for every operation of the spec', async () => {
    const called = new Set(Object.values(await operationsCalled()));

    expect(
      specOperations().filter(operation => !called.has(operation)),
    ).toEqual([]);
  });

  it('calls each operation from one method only', async () => {
    const called = Object.values(await operationsCalled());

    expect(called).toHaveLength(new Set(called).size);
  });
});
