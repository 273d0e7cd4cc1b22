import { expect, request, test } from '@playwright/test';
import {
  Deployment,
  Environment,
  EnvironmentsClient,
} from '@internal/backstage-plugin-environments-common';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/*
 * The idp command line against the real backend and local cluster, spawned
 * as a user runs it after `./platform cli install` (the same bundle, built
 * here): log in with a user token and with the static CI token, request a
 * development environment and wait for it, list and read it, follow its
 * log, read its events, deploy a first version and promote it to staging,
 * deploy a second with the CI token, read the history and the diffs, promote
 * it, roll staging back (which pins it: the next promotion is refused), and
 * tear both down. Exit codes for not found, invalid input and no token.
 * Output is json everywhere but once, where the table's header is checked.
 */

// Storefront Web: no other browser test uses it, and the promotion path needs
// environments named exactly development and staging, unique per component.
const component = 'storefront-web';
const componentRef = `component:default/${component}`;
const repository = `ghcr.io/acme/${component}`;
const started = Date.now();
const run = started % 100000;
const v1 = `1.0.${run}`;
const v2 = `1.1.${run}`;
const development = `${component}/development`;
const staging = `${component}/staging`;
/** The static token of app-config.yaml's backend.auth.externalAccess. */
const ciToken = process.env.IDP_CI_TOKEN ?? 'idp-local-ci-token';

const repoRoot = path.resolve(__dirname, '../../..');
let workDir: string;
let idpBinary: string;
let backendUrl: string;

type Result = { code: number | null; stdout: string; stderr: string };

/** The environment idp runs in: its own config folder, nothing inherited that would choose for it. */
function idpEnv(configHome: string): NodeJS.ProcessEnv {
  const {
    IDP_TOKEN: _token,
    IDP_BACKEND_URL: _url,
    FORCE_COLOR: _color,
    ...rest
  } = process.env;
  return {
    ...rest,
    // The bundle's `#!/usr/bin/env node` finds the Node.js running the tests.
    PATH: `${path.dirname(process.execPath)}${path.delimiter}${
      process.env.PATH
    }`,
    XDG_CONFIG_HOME: configHome,
    NO_COLOR: '1',
  };
}

function spawnIdp(args: string[], configHome: string): ChildProcess {
  return spawn(idpBinary, ['--backend-url', backendUrl, ...args], {
    env: idpEnv(configHome),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs idp to its end; rejects only if it does not end within `timeoutMs`. */
function idp(
  args: string[],
  options: { as?: string; timeoutMs?: number } = {},
): Promise<Result> {
  const child = spawnIdp(args, options.as ?? path.join(workDir, 'user'));
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', chunk => (stdout += chunk));
  child.stderr!.on('data', chunk => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `idp ${args.join(' ')} did not end in ${
            options.timeoutMs ?? 180_000
          } ms\n${stderr}`,
        ),
      );
    }, options.timeoutMs ?? 180_000);
    child.on('error', reject);
    child.on('close', code => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs idp with `-o json`, expects exit code 0 and returns what it printed, parsed. */
async function idpJson<T>(
  args: string[],
  options: { as?: string } = {},
): Promise<T> {
  const result = await idp([...args, '-o', 'json'], options);
  expect(
    result.code,
    `idp ${args.join(' ')}:\n${result.stderr}${result.stdout}`,
  ).toBe(0);
  return JSON.parse(result.stdout) as T;
}

test.describe('idp, the command line', () => {
  let token: string;
  let api: EnvironmentsClient;

  /** Deletes the run's environments and waits until they are gone. */
  async function removeEnvironments() {
    const client = api;
    const options = { token };
    const { items } = await client.listEnvironments({ componentRef }, options);
    const ours = items.filter(e => ['development', 'staging'].includes(e.name));
    for (const environment of ours) {
      if (environment.status !== 'deleting') {
        await client.deleteEnvironment(environment.id, options);
      }
    }
    for (const environment of ours) {
      await expect
        .poll(
          async () =>
            (
              await client.getEnvironment(environment.id, options)
            ).status,
          { timeout: 180_000, intervals: [1_000] },
        )
        .toBe('deleted');
    }
  }

  test.beforeAll(async ({ baseURL }) => {
    test.setTimeout(300_000);
    backendUrl = baseURL!;
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idp-e2e-'));
    // What `./platform cli install` puts on PATH: the bundle, needing only Node.js.
    idpBinary = path.join(workDir, 'bin', 'idp');
    execFileSync(
      process.execPath,
      [
        path.join(repoRoot, 'packages/cli/scripts/bundle.mjs'),
        '--outfile',
        idpBinary,
      ],
      { cwd: path.join(repoRoot, 'packages/cli'), stdio: 'pipe' },
    );

    // A user token, as the portal gets it from the guest provider.
    const http = await request.newContext({ baseURL });
    const response = await http.get('/api/auth/guest/refresh?env=development', {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    });
    expect(response.ok(), await response.text()).toBe(true);
    token = (await response.json()).backstageIdentity.token;
    await http.dispose();

    api = new EnvironmentsClient({
      discoveryApi: { getBaseUrl: async () => `${baseURL}/api/environments` },
    });
    // A run that stopped half way left its environments: the names are needed again.
    await removeEnvironments();
  });

  test.afterAll(async () => {
    test.setTimeout(300_000);
    try {
      if (api) await removeEnvironments();
    } finally {
      if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
    }
  });

  test('from login to a deployed, promoted and rolled-back service, and its teardown', async () => {
    test.setTimeout(600_000);
    const ci = path.join(workDir, 'ci');

    await test.step('login with a user token and with the CI token', async () => {
      const user = await idp(['login', '--token', token]);
      expect(user.code, user.stderr).toBe(0);
      expect(user.stdout).toBe(
        `Logged in to ${backendUrl} as user:default/guest\n`,
      );
      const whoami = await idpJson<{ user: string; token: string }>(['whoami']);
      expect(whoami.user).toBe('user:default/guest');
      expect(whoami.token).toMatch(/^login --token/);

      const service = await idp(['login', '--token', ciToken], { as: ci });
      expect(service.code, service.stderr).toBe(0);
      expect(service.stdout).toBe(`Logged in to ${backendUrl} with a token\n`);
    });

    let dev: Environment;
    await test.step('env request --wait: a development environment, ready', async () => {
      dev = await idpJson<Environment>([
        'env',
        'request',
        '--component',
        component,
        '--type',
        'development',
        '--image',
        `${repository}:${v1}`,
        '--wait',
        '--timeout',
        '3m',
      ]);
      expect(dev).toMatchObject({
        componentRef,
        name: 'development',
        status: 'ready',
        createdBy: 'user:default/guest',
      });
    });

    await test.step('env ls: json for scripts, a table for people', async () => {
      const list = await idpJson<{ items: Environment[] }>([
        'env',
        'ls',
        '--component',
        component,
      ]);
      expect(list.items.map(e => e.id)).toEqual([dev.id]);

      const table = await idp(['env', 'ls', '--component', component]);
      expect(table.code, table.stderr).toBe(0);
      const [header, row] = table.stdout.split('\n');
      expect(header.split(/\s+/)).toEqual([
        'COMPONENT',
        'NAME',
        'TYPE',
        'STATUS',
        'OWNER',
        'EXPIRES',
        'ID',
      ]);
      expect(row).toContain(dev.id);
    });

    await test.step('env get, by name and by id', async () => {
      const byName = await idpJson<Environment>(['env', 'get', development]);
      expect(byName.id).toBe(dev.id);
      expect(byName.namespace).toBe(dev.namespace);
      const byId = await idpJson<Environment>(['env', 'get', dev.id]);
      expect(byId.name).toBe('development');
    });

    await test.step('logs -f prints the running pod’s lines until Ctrl-C', async () => {
      const child = spawnIdp(
        ['logs', development, '-f', '--tail', '1'],
        path.join(workDir, 'user'),
      );
      let stdout = '';
      let stderr = '';
      child.stderr!.on('data', chunk => (stderr += chunk));
      const ended = new Promise<number | null>(resolve =>
        child.on('close', resolve),
      );
      try {
        // The pods' log ticker writes a request line every few seconds.
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`no log line in 60 s\n${stderr}`)),
            60_000,
          );
          child.stdout!.on('data', chunk => {
            stdout += chunk;
            if (stdout.includes('\n')) {
              clearTimeout(timer);
              resolve();
            }
          });
          child.on('close', code => {
            clearTimeout(timer);
            reject(new Error(`idp logs ended with ${code}\n${stderr}`));
          });
        });
      } finally {
        child.kill('SIGINT');
      }
      expect(await ended).toBe(0);
      expect(stderr).toMatch(/^Log of pod storefront-web-/);
      expect(stdout.split('\n')[0]).toMatch(/"msg":"request served"/);
    });

    await test.step('events: the namespace’s events, newest first', async () => {
      const events = await idpJson<{
        items: Array<{ reason: string; firstSeen: string }>;
      }>(['events', development]);
      expect(events.items.map(e => e.reason)).toContain('ScalingReplicaSet');
      // Each seen during this run: the scheduler's events carry no firstTimestamp.
      for (const event of events.items) {
        expect(Date.parse(event.firstSeen), event.reason).toBeGreaterThan(
          started - 600_000,
        );
      }
    });

    let first: Deployment;
    let stage: Environment;
    let promotedFirst: Deployment;
    await test.step('deploy --wait v1, then promote it to staging --wait', async () => {
      first = await idpJson<Deployment>([
        'deploy',
        development,
        '--tag',
        v1,
        '-m',
        'First release',
        '--wait',
      ]);
      expect(first).toMatchObject({
        state: 'succeeded',
        version: v1,
        source: 'cli',
        createdBy: 'user:default/guest',
      });
      stage = await idpJson<Environment>([
        'env',
        'request',
        '--component',
        component,
        '--type',
        'staging',
        '--wait',
      ]);
      expect(stage.status).toBe('ready');
      // v1 first, so that staging has a deployment to roll back to later.
      promotedFirst = await idpJson<Deployment>(['promote', staging, '--wait']);
      expect(promotedFirst).toMatchObject({
        kind: 'promotion',
        state: 'succeeded',
        version: v1,
        promotedFrom: { deploymentId: first.id },
      });
    });

    let second: Deployment;
    await test.step('deploy --wait v2, with the CI token', async () => {
      second = await idpJson<Deployment>(
        ['deploy', development, '--tag', v2, '-m', 'Second release', '--wait'],
        { as: ci },
      );
      expect(second).toMatchObject({
        state: 'succeeded',
        version: v2,
        createdBy: 'ci',
      });
    });

    type Diff = {
      from: string;
      to: string;
      changes: Array<{ path: string; from?: unknown; to?: unknown }>;
    };
    const imageChange = expect.objectContaining({
      path: 'image',
      from: `${repository}:${v1}`,
      to: `${repository}:${v2}`,
    });
    await test.step('history and diff', async () => {
      const history = await idpJson<{ items: Deployment[] }>([
        'history',
        development,
      ]);
      expect(history.items.map(d => [d.id, d.state])).toEqual([
        [second.id, 'succeeded'],
        [first.id, 'superseded'],
      ]);
      const diff = await idpJson<Diff>(['diff', development]);
      expect(diff).toMatchObject({ from: first.id, to: second.id });
      expect(diff.changes).toContainEqual(imageChange);
      // What promoting v2 into staging would change.
      const promotion = await idpJson<Diff>(['diff', staging, '--promote']);
      expect(promotion).toMatchObject({
        from: promotedFirst.id,
        to: second.id,
      });
      expect(promotion.changes).toContainEqual(imageChange);
    });

    let promotedSecond: Deployment;
    await test.step('promote v2 to staging --wait', async () => {
      promotedSecond = await idpJson<Deployment>([
        'promote',
        staging,
        '--wait',
      ]);
      expect(promotedSecond).toMatchObject({
        kind: 'promotion',
        state: 'succeeded',
        version: v2,
        promotedFrom: { deploymentId: second.id },
      });
    });
    await test.step('rollback --reason --wait, which pins staging', async () => {
      const reason = 'checkout errors since the second release';
      const rollback = await idpJson<Deployment>([
        'rollback',
        staging,
        '--reason',
        reason,
        '--wait',
      ]);
      expect(rollback).toMatchObject({
        kind: 'rollback',
        state: 'succeeded',
        version: v1,
        rollbackOf: promotedFirst.id,
      });
      const where = await api.getWhatRunsWhere(componentRef, { token });
      expect(
        where.environments.find(e => e.environmentId === stage.id)?.pin,
      ).toMatchObject({ deploymentId: rollback.id, reason });
      // A promotion is automatic: the pin refuses it, a conflict (exit code 5).
      const refused = await idp(['promote', staging]);
      expect(refused.code, refused.stderr).toBe(5);
      expect(refused.stderr).toContain('pinned');
    });

    await test.step('exit codes: not found, invalid, not allowed', async () => {
      const missing = await idp([
        'env',
        'get',
        '00000000-0000-4000-8000-000000000000',
      ]);
      expect(missing.code).toBe(3);
      expect(missing.stderr).toContain(
        "No environment with id '00000000-0000-4000-8000-000000000000'",
      );

      const invalid = await idp([
        'env',
        'request',
        '--component',
        component,
        '--type',
        'preview',
        '--ttl',
        'soon',
      ]);
      expect(invalid.code).toBe(2);
      expect(invalid.stderr).toMatch(/ttl \(--ttl\): must be a duration/);

      const anonymous = await idp(['env', 'ls'], {
        as: path.join(workDir, 'nobody'),
      });
      expect(anonymous.code).toBe(4);
      expect(anonymous.stderr).toContain('run idp login');
    });

    await test.step('env rm --wait, both environments gone', async () => {
      for (const name of [staging, development]) {
        const deleted = await idpJson<Environment>([
          'env',
          'rm',
          name,
          '--wait',
          '--timeout',
          '3m',
        ]);
        expect(deleted.status).toBe('deleted');
      }
      const left = await idpJson<{ items: Environment[] }>([
        'env',
        'ls',
        '--component',
        component,
      ]);
      expect(left.items).toEqual([]);
    });
  });
});
