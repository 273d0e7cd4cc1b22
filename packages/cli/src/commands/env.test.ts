import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stripColors } from '../output/color';
import { FakeBackend, startFakeBackend } from '../testUtils/fakeBackend';
import { runCli } from '../testUtils/runCli';

describe('idp env', () => {
  let backend: FakeBackend;
  let env: Record<string, string>;

  beforeEach(async () => {
    backend = await startFakeBackend({
      tokens: { 'good-token': 'user:default/guest' },
    });
    env = {
      IDP_BACKEND_URL: backend.url,
      IDP_TOKEN: 'good-token',
      XDG_CONFIG_HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'idp-')),
    };
  });

  afterEach(() => backend.close());

  it('lists environments as a table, and as the API object with -o json', async () => {
    backend.api.add({
      name: 'development',
      type: 'development',
      status: 'ready',
    });
    backend.api.add({ name: 'pr-42', type: 'preview', status: 'provisioning' });

    const table = await runCli(['env', 'ls'], { env });
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^COMPONENT\s+NAME\s+TYPE\s+STATUS\s+OWNER\s+EXPIRES\s+ID$/,
    );
    expect(lines[1]).toMatch(
      /^orders-service\s+development\s+development\s+ready\s/,
    );
    expect(lines).toHaveLength(3);
    // Piped: no colour codes.
    expect(table.stdout).not.toContain('\u001b[');

    const json = await runCli(['env', 'ls', '-o', 'json'], { env });
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.items.map((e: { name: string }) => e.name)).toEqual([
      'development',
      'pr-42',
    ]);
    expect(backend.requests.at(-1)?.authorization).toBe('Bearer good-token');

    const yaml = await runCli(['env', 'ls', '-o', 'yaml'], { env });
    expect(yaml.stdout).toContain('name: development');
  });

  it('fits a table to the terminal, with colours unless NO_COLOR is set', async () => {
    backend.api.add({
      name: 'a-rather-long-environment-name',
      type: 'development',
      status: 'ready',
    });
    const narrow = await runCli(['env', 'ls'], { env, tty: true, columns: 70 });
    for (const line of stripColors(narrow.stdout).trimEnd().split('\n')) {
      expect(line.length).toBeLessThanOrEqual(70);
    }
    expect(narrow.stdout).toContain('…');
    expect(narrow.stdout).toContain('\u001b[32mready');

    const plain = await runCli(['env', 'ls'], {
      env: { ...env, NO_COLOR: '1' },
      tty: true,
      columns: 70,
    });
    expect(plain.stdout).not.toContain('\u001b[');
  });

  it('finds an environment by <component>/<name>, and says which names exist when it is not there', async () => {
    const dev = backend.api.add({
      name: 'development',
      type: 'development',
      status: 'ready',
    });
    const byName = await runCli(
      ['env', 'get', 'orders-service/development', '-o', 'json'],
      { env },
    );
    expect(byName.stderr).toBe('');
    expect(byName.code).toBe(0);
    expect(JSON.parse(byName.stdout).id).toBe(dev.id);

    const missing = await runCli(['env', 'get', 'orders-service/staging'], {
      env,
    });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain(
      'component:default/orders-service has no environment named "staging" (it has: development)',
    );

    const unknownId = await runCli(['env', 'get', 'no-such-id'], { env });
    expect(unknownId.code).toBe(3);
    expect(unknownId.stderr).toMatch(/^error: .*no-such-id/);
  });

  it('rejects a bad request before sending it, naming the field, the flag and the rule', async () => {
    const result = await runCli(
      [
        'env',
        'request',
        '--component',
        'orders-service',
        '--type',
        'preview',
        '--name',
        'PR_42',
        '--ttl',
        '4 hours',
      ],
      { env },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('name (--name): must be a DNS-1123 label');
    expect(result.stderr).toContain('ttl (--ttl): must be a duration');
    expect(backend.requests).toHaveLength(0);
  });

  it("surfaces the backend's own validation errors as they are, with exit code 2", async () => {
    backend.answerNext('POST', /\/environments$/, 400, {
      error: {
        name: 'InputError',
        message: 'Invalid environment request',
        issues: [
          {
            field: 'type',
            rule: 'must be one of the configured types: development, preview',
          },
        ],
      },
      response: { statusCode: 400 },
    });
    const result = await runCli(
      ['env', 'request', '--component', 'orders-service', '--type', 'nope'],
      { env },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: Invalid environment request\n  type: must be one of the configured types: development, preview\n',
    );
  });

  it('requests resources with --resource, checked by the resource schemas', async () => {
    const bad = await runCli(
      [
        'env',
        'request',
        '--component',
        'orders-service',
        '--type',
        'development',
        '--resource',
        'postgresql:orders-db,version=sixteen',
        '--resource',
        'mongodb:docs',
        '--resource',
        'redis',
      ],
      { env },
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'error: --resource must be TYPE:NAME[,KEY=VALUE...], such as postgresql:orders-db,version=16 (got "redis")\n',
    );
    const invalid = await runCli(
      [
        'env',
        'request',
        '--component',
        'orders-service',
        '--type',
        'development',
        '--resource',
        'postgresql:orders-db,version=sixteen',
        '--resource',
        'mongodb:docs',
      ],
      { env },
    );
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain(
      'resources.0.version (--resource): must be a PostgreSQL version',
    );
    expect(invalid.stderr).toContain(
      'resources.1.type (--resource): must be one of: postgresql, redis',
    );
    expect(backend.requests).toHaveLength(0);

    const result = await runCli(
      [
        'env',
        'request',
        '--component',
        'orders-service',
        '--type',
        'development',
        '--resource',
        'postgresql:orders-db,version=16,storage=1Gi',
        '--resource',
        'redis:cache',
      ],
      { env },
    );
    expect(result.code).toBe(0);
    expect(
      (backend.requests[0].body as { resources: unknown }).resources,
    ).toEqual([
      { type: 'postgresql', name: 'orders-db', version: '16', storage: '1Gi' },
      { type: 'redis', name: 'cache' },
    ]);
  });

  it('requests an environment and waits for it with a progress line on stderr', async () => {
    const result = await runCli(
      [
        'env',
        'request',
        '--component',
        'orders-service',
        '--type',
        'preview',
        '--name',
        'pr-42',
        '--wait',
        '-o',
        'json',
      ],
      { env },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      name: 'pr-42',
      status: 'ready',
    });
    expect(result.stderr).toContain(
      'component:default/orders-service pr-42: provisioning',
    );
    expect(result.stderr).toMatch(/pr-42: ready after \d+s/);
    expect(backend.requests[0].body).toEqual({
      componentRef: 'component:default/orders-service',
      type: 'preview',
      name: 'pr-42',
    });
  });

  it('exits 6 when a wait runs out of --timeout, and 1 when the environment fails', async () => {
    const stuck = backend.api.add({
      name: 'stuck',
      type: 'development',
      status: 'provisioning',
    });
    backend.api.progress(
      stuck.id,
      Array(1000).fill({ status: 'provisioning' }),
    );
    const timedOut = await runCli(
      ['env', 'wait', 'orders-service/stuck', '--timeout', '1s'],
      { env },
    );
    expect(timedOut.code).toBe(6);
    expect(timedOut.stderr).toContain(
      'Timed out after 1s waiting for component:default/orders-service stuck to be ready',
    );

    const broken = backend.api.add({
      name: 'broken',
      type: 'development',
      status: 'provisioning',
    });
    backend.api.progress(broken.id, [
      { status: 'failed', reason: 'ImagePullBackOff' },
    ]);
    const failed = await runCli(['env', 'wait', broken.id], { env });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('broken failed: ImagePullBackOff');
  });

  it('extends and tears down, waiting for deleted', async () => {
    const preview = backend.api.add({
      name: 'pr-7',
      type: 'preview',
      status: 'ready',
    });
    const bad = await runCli(
      ['env', 'extend', 'orders-service/pr-7', '--ttl', '8 hours'],
      { env },
    );
    expect(bad.code).toBe(2);
    const extended = await runCli(
      ['env', 'extend', 'orders-service/pr-7', '--ttl', '8h'],
      { env },
    );
    expect(extended.code).toBe(0);
    expect(backend.requests.at(-1)).toMatchObject({
      method: 'POST',
      body: { ttl: '8h' },
    });

    const removed = await runCli(
      ['env', 'rm', 'orders-service/pr-7', '--wait', '-o', 'json'],
      { env },
    );
    expect(removed.code).toBe(0);
    expect(JSON.parse(removed.stdout).status).toBe('deleted');
    expect(backend.api.environments.get(preview.id)?.status).toBe('deleted');
  });

  it('exits 4 without a token the backend accepts, saying how to log in', async () => {
    const result = await runCli(['env', 'ls'], {
      env: { ...env, IDP_TOKEN: 'wrong' },
    });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('Missing credentials');
    expect(result.stderr).toContain('run idp login (or set IDP_TOKEN)');
  });

  it('exits 7 when the backend cannot be reached', async () => {
    await backend.close();
    const result = await runCli(['env', 'ls'], { env });
    expect(result.code).toBe(7);
    expect(result.stderr).toContain(
      `Cannot reach the backend at ${backend.url}`,
    );
    backend = await startFakeBackend();
  });

  it('exits 2 on a usage error and 0 on --help, whose examples are there', async () => {
    const usage = await runCli(['env', 'ls', '--status', 'sleeping'], { env });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("argument 'sleeping' is invalid");
    const help = await runCli(['env', 'request', '--help'], { env });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:\n  $ idp env request');
  });
});
