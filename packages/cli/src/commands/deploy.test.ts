import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeBackend, startFakeBackend } from '../testUtils/fakeBackend';
import { runCli } from '../testUtils/runCli';

describe('idp deploy, rollback, promote, history, diff, approvals', () => {
  let backend: FakeBackend;
  let env: Record<string, string>;

  beforeEach(async () => {
    backend = await startFakeBackend();
    env = {
      IDP_BACKEND_URL: backend.url,
      IDP_TOKEN: 'token',
      XDG_CONFIG_HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'idp-')),
    };
    backend.api.add({
      name: 'development',
      type: 'development',
      status: 'ready',
      spec: {
        componentRef: 'component:default/orders-service',
        type: 'development',
        name: 'development',
        image: 'ghcr.io/acme/orders-service:1.0.0',
        resources: [],
      },
    });
    backend.api.add({ name: 'staging', type: 'staging', status: 'ready' });
  });

  afterEach(() => backend.close());

  const deployments = (environment: string) =>
    runCli(['history', `orders-service/${environment}`, '-o', 'json'], {
      env,
    }).then(
      result =>
        JSON.parse(result.stdout).items as {
          id: string;
          version: string;
          state: string;
          kind: string;
        }[],
    );

  it('deploys a new tag as source cli and follows it to succeeded', async () => {
    backend.api.rolloutOutcome = 'rolling-out';
    const waiting = runCli(
      [
        'deploy',
        'orders-service/development',
        '--tag',
        '1.1.0',
        '-m',
        'new checkout',
        '--wait',
        '-o',
        'json',
      ],
      { env },
    );
    // The rollout finishes once the CLI has read it rolling out at least
    // once, however slowly the machine runs the CLI.
    const finish = setInterval(() => {
      for (const deployment of backend.api.deployments.values()) {
        const readRollingOut = backend.requests.some(
          r => r.method === 'GET' && r.path.includes(deployment.id),
        );
        if (deployment.state === 'rolling-out' && readRollingOut) {
          backend.api.deployments.set(deployment.id, {
            ...deployment,
            state: 'succeeded',
          });
        }
      }
    }, 50);
    const result = await waiting;
    clearInterval(finish);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      state: 'succeeded',
      version: '1.1.0',
      source: 'cli',
    });
    expect(result.stderr).toContain(
      'deploy #1 of 1.1.0 to development: rolling-out',
    );
    expect(result.stderr).toMatch(/development: succeeded after \d+s/);
    const sent = backend.requests.find(r => r.method === 'POST');
    expect(sent?.body).toEqual({
      tag: '1.1.0',
      message: 'new checkout',
      source: 'cli',
    });
  });

  it('exits 1 with the reason when the deployment fails', async () => {
    backend.api.rolloutOutcome = 'failed';
    const result = await runCli(
      ['deploy', 'orders-service/development', '--tag', '1.1.0', '--wait'],
      { env },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'error: deploy #1 of 1.1.0 to development: failed',
    );
  });

  it('checks the deploy request with the contract before sending it', async () => {
    const result = await runCli(
      [
        'deploy',
        'orders-service/development',
        '--image',
        'ghcr.io/acme/x:1',
        '--tag',
        '2',
        '--replicas',
        '-1',
        '--env',
        'NOVALUE',
      ],
      { env },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: --env must be NAME=value (got "NOVALUE")\n',
    );

    const both = await runCli(
      [
        'deploy',
        'orders-service/development',
        '--image',
        'ghcr.io/acme/x:1',
        '--tag',
        '2',
        '--replicas',
        '-1',
        '--cpu',
        'lots',
      ],
      { env },
    );
    expect(both.code).toBe(2);
    expect(both.stderr).toContain(
      'tag (--tag): give either image or tag, not both',
    );
    expect(both.stderr).toContain(
      'replicas (--replicas): must not be negative',
    );
    expect(both.stderr).toContain('resources.cpu (--cpu): ');
    expect(backend.requests).toHaveLength(0);
  });

  it('rolls back to the last deployment that succeeded before the current one, with a reason', async () => {
    await runCli(['deploy', 'orders-service/development', '--tag', '1.1.0'], {
      env,
    });
    await runCli(['deploy', 'orders-service/development', '--tag', '1.2.0'], {
      env,
    });
    const before = await deployments('development');

    const noReason = await runCli(['rollback', 'orders-service/development'], {
      env,
    });
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain(
      "required option '--reason <text>' not specified",
    );

    const result = await runCli(
      [
        'rollback',
        'orders-service/development',
        '--reason',
        'checkout errors',
        '--wait',
        '-o',
        'json',
      ],
      { env },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      `Rolling back to #1 (1.1.0, ${before[1].id})`,
    );
    expect(JSON.parse(result.stdout)).toMatchObject({
      kind: 'rollback',
      version: '1.1.0',
      state: 'succeeded',
    });
    expect(
      backend.requests.find(r => r.path.endsWith('/rollback'))?.body,
    ).toEqual({
      deploymentId: before[1].id,
      reason: 'checkout errors',
      source: 'cli',
    });
  });

  it('exits 5 when there is nothing to roll back to, or the backend answers 409', async () => {
    const nothing = await runCli(
      ['rollback', 'orders-service/staging', '--reason', 'x'],
      { env },
    );
    expect(nothing.code).toBe(5);
    expect(nothing.stderr).toContain(
      'has no earlier deployment that succeeded',
    );

    backend.answerNext('POST', /\/promote$/, 409, {
      error: {
        name: 'PinnedEnvironmentError',
        message: "Environment 'x' is pinned by rollback y",
      },
      response: { statusCode: 409 },
    });
    const pinned = await runCli(['promote', 'orders-service/staging'], { env });
    expect(pinned.code).toBe(5);
    expect(pinned.stderr).toBe(
      "error: Environment 'x' is pinned by rollback y\n",
    );
  });

  it('promotes what succeeded upstream, shows the diff first with diff --promote, and the history', async () => {
    await runCli(['deploy', 'orders-service/development', '--tag', '1.1.0'], {
      env,
    });
    await runCli(
      [
        'deploy',
        'orders-service/staging',
        '--image',
        'ghcr.io/acme/orders-service:1.0.0',
      ],
      { env },
    );

    const preview = await runCli(
      ['diff', 'orders-service/staging', '--promote'],
      { env },
    );
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain(
      '- image: ghcr.io/acme/orders-service:1.0.0\n+ image: ghcr.io/acme/orders-service:1.1.0',
    );

    const promoted = await runCli(
      ['promote', 'orders-service/staging', '--wait', '-o', 'json'],
      { env },
    );
    expect(promoted.code).toBe(0);
    expect(JSON.parse(promoted.stdout)).toMatchObject({
      kind: 'promotion',
      version: '1.1.0',
    });

    const history = await runCli(['history', 'orders-service/staging'], {
      env,
    });
    const lines = history.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^#\s+ENVIRONMENT\s+KIND\s+STATE\s+VERSION\s+BY\s+CREATED\s+MESSAGE\s+ID$/,
    );
    expect(lines[1]).toMatch(
      /^2\s+staging\s+promotion\s+succeeded\s+1\.1\.0\s/,
    );
    expect(lines).toHaveLength(3);

    const lastChange = await runCli(
      ['diff', 'orders-service/staging', '-o', 'json'],
      { env },
    );
    expect(JSON.parse(lastChange.stdout).changes).toEqual([
      {
        path: 'image',
        change: 'changed',
        from: 'ghcr.io/acme/orders-service:1.0.0',
        to: 'ghcr.io/acme/orders-service:1.1.0',
      },
    ]);
  });

  it('lists what waits for approval and approves it by id, with a comment', async () => {
    backend.api.typesRequiringApproval.add('staging');
    const requested = await runCli(
      [
        'deploy',
        'orders-service/staging',
        '--image',
        'ghcr.io/acme/orders-service:2.0.0',
        '-o',
        'json',
      ],
      { env },
    );
    const { id, state } = JSON.parse(requested.stdout);
    expect(state).toBe('pending-approval');

    const pending = await runCli(['approvals'], { env });
    expect(pending.stdout).toMatch(
      /Deployments:\n#.*\n1\s+staging\s+deploy\s+pending-approval\s+2\.0\.0/,
    );

    const noComment = await runCli(['approve', id, '--comment', '  '], { env });
    expect(noComment.code).toBe(2);
    expect(noComment.stderr).toContain(
      'comment (--comment): must not be empty',
    );

    const approved = await runCli(
      ['approve', id, '--comment', 'checked the diff', '-o', 'json'],
      { env },
    );
    expect(approved.code).toBe(0);
    expect(JSON.parse(approved.stdout).approval.decision).toMatchObject({
      outcome: 'approved',
      comment: 'checked the diff',
    });
  });
});

describe('idp logs, events, pods', () => {
  let backend: FakeBackend;
  let env: Record<string, string>;
  let id: string;

  beforeEach(async () => {
    backend = await startFakeBackend();
    env = { IDP_BACKEND_URL: backend.url, IDP_TOKEN: 'token' };
    id = backend.api.add({
      name: 'development',
      type: 'development',
      status: 'ready',
    }).id;
    backend.pods.set(id, [
      {
        name: 'orders-db-0',
        phase: 'Pending',
        ready: false,
        restarts: 0,
        createdAt: new Date().toISOString(),
        containers: [],
      },
      {
        name: 'orders-7d9f',
        phase: 'Running',
        ready: true,
        restarts: 2,
        createdAt: new Date().toISOString(),
        containers: [
          {
            name: 'app',
            image: 'x',
            ready: true,
            restartCount: 2,
            state: 'running',
          },
        ],
      },
    ]);
  });

  afterEach(() => backend.close());

  it('reads the log of the running pod, with the flags as query parameters', async () => {
    backend.logs.set(`${id}/orders-7d9f`, {
      lines: ['started', 'listening on 8080'],
    });
    const result = await runCli(
      [
        'logs',
        'orders-service/development',
        '--tail',
        '50',
        '--previous',
        '-c',
        'app',
      ],
      { env },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('started\nlistening on 8080\n');
    expect(result.stderr).toContain('Log of pod orders-7d9f');
    const query = backend.requests.at(-1)!.query;
    expect(Object.fromEntries(query)).toEqual({
      pod: 'orders-7d9f',
      container: 'app',
      previous: 'true',
      tailLines: '50',
    });
  });

  it('follows a log until Ctrl-C, and exits 0', async () => {
    backend.logs.set(`${id}/orders-7d9f`, { lines: ['first'], holdOpen: true });
    const controller = new AbortController();
    const result = await runCli(['logs', 'orders-service/development', '-f'], {
      env,
      signal: controller.signal,
      onStdout: chunk => chunk.includes('first') && controller.abort(),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('first\n');
    expect(backend.requests.at(-1)!.query.get('follow')).toBe('true');
  });

  it('exits 3 for an unknown pod and 2 for a bad --tail', async () => {
    const unknown = await runCli(
      ['logs', 'orders-service/development', '--pod', 'nope'],
      { env },
    );
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain("has no pod 'nope'");
    const bad = await runCli(
      ['logs', 'orders-service/development', '--tail', '99999'],
      { env },
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('tailLines (--tail): ');
  });

  it('lists pods and events, with the hint of a warning', async () => {
    backend.events.set(id, [
      {
        type: 'Warning',
        reason: 'BackOff',
        message: 'Back-off pulling image',
        object: { kind: 'Pod', name: 'orders-7d9f' },
        count: 3,
        firstSeen: new Date().toISOString(),
        lastSeen: new Date().toISOString(),
        hint: 'check the image tag exists',
      },
    ]);
    const events = await runCli(['events', 'orders-service/development'], {
      env,
    });
    expect(events.stdout).toMatch(
      /Warning\s+BackOff\s+Pod\/orders-7d9f\s+3\s+Back-off pulling image \(hint: check the image tag exists\)/,
    );
    const pods = await runCli(['pods', 'orders-service/development'], { env });
    expect(pods.stdout).toMatch(/orders-7d9f\s+1\/1\s+Running\s+2\s/);
  });
});

describe('idp approve and reject an environment request', () => {
  let backend: FakeBackend;
  let env: Record<string, string>;

  beforeEach(async () => {
    backend = await startFakeBackend({
      tokens: { alice: 'user:default/alice', bob: 'user:default/bob' },
    });
    env = { IDP_BACKEND_URL: backend.url, IDP_TOKEN: 'bob' };
    backend.api.add({
      name: 'production',
      type: 'production',
      status: 'requested',
      approval: {
        groups: ['group:default/platform-team'],
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      },
    });
  });

  afterEach(() => backend.close());

  it('lists it under the environment requests and approves it by <component>/<name>', async () => {
    const pending = await runCli(['approvals'], { env });
    expect(pending.stdout).toMatch(
      /Environment requests:\nCOMPONENT.*\norders-service\s+production\s+production\s+requested/,
    );
    const approved = await runCli(
      ['approve', 'orders-service/production', '--comment', 'go', '-o', 'json'],
      { env },
    );
    expect(approved.code).toBe(0);
    expect(approved.stderr).toContain(
      'Approved environment component:default/orders-service production',
    );
    expect(JSON.parse(approved.stdout).approval.decision).toMatchObject({
      outcome: 'approved',
      by: 'user:default/bob',
      comment: 'go',
    });
  });

  it('rejects one, and says so when there is nothing by that name', async () => {
    const rejected = await runCli(
      ['reject', 'orders-service/production', '--comment', 'not now'],
      { env },
    );
    expect(rejected.code).toBe(0);
    expect(rejected.stdout).toContain('rejected by user:default/bob: not now');
    const missing = await runCli(
      ['approve', 'orders-service/qa', '--comment', 'x'],
      { env },
    );
    expect(missing.code).toBe(3);
  });
});
