import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { PolicyInput } from '@internal/backstage-plugin-environments-common';

const REPO = resolve(__dirname, '../../../../..');
const OPA_SCRIPT = join(REPO, 'scripts/local-opa/opa.sh');

/**
 * The opa binary `./platform opa` builds: `$IDP_OPA_BIN`, else the one in
 * the cache. Tests that need it skip, saying so, when it is absent; the
 * `./platform test` run builds it first.
 */
export function opaBinary(): string | undefined {
  const configured = process.env.IDP_OPA_BIN;
  if (configured) return existsSync(configured) ? configured : undefined;
  const cache = join(
    process.env.IDP_CACHE_DIR ?? join(homedir(), '.cache/idp-platform'),
    'opa',
  );
  if (!existsSync(cache)) return undefined;
  return readdirSync(cache)
    .map(version => join(cache, version, 'bin/opa'))
    .find(path => existsSync(path));
}

/**
 * `describe`, or `describe.skip` with the reason printed, when there is no
 * opa binary.
 */
export const describeWithOpa: jest.Describe = opaBinary()
  ? describe
  : (() => {
      // eslint-disable-next-line no-console
      console.warn(
        'Skipping the tests on the real policy bundle: no opa binary (set IDP_OPA_BIN or run ./platform opa path)',
      );
      return describe.skip;
    })();

/** A copy of policies/ that a test may change. */
export async function copyPolicies(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'idp-policies-'));
  await cp(join(REPO, 'policies'), dir, { recursive: true });
  return dir;
}

/** Changes the tunables of a copy of policies/. */
export async function editPolicyData(
  policyDir: string,
  edit: (config: any) => void,
): Promise<void> {
  const path = join(policyDir, 'data.json');
  const data = JSON.parse(await readFile(path, 'utf8'));
  edit(data.idp.config);
  await writeFile(path, JSON.stringify(data, null, 2));
}

/**
 * Builds the bundle as `./platform opa build` does (the real compiler, the
 * rules manifest, the atomic rename) from `policyDir` into `outDir`.
 */
export async function buildBundle(
  outDir: string,
  policyDir = join(REPO, 'policies'),
): Promise<string> {
  return runBuild('build', outDir, policyDir);
}

/**
 * The bundle of test backends (`./platform opa build-for-tests`, which the
 * browser suite's backend runs too): data.json patched by
 * scripts/local-opa/for-tests.patch.json, among others the weekly change
 * freeze off, so that an outcome does not depend on the weekday.
 */
export async function buildTestBundle(
  outDir: string,
  policyDir = join(REPO, 'policies'),
): Promise<string> {
  return runBuild('build-for-tests', outDir, policyDir);
}

async function runBuild(
  command: 'build' | 'build-for-tests',
  outDir: string,
  policyDir: string,
): Promise<string> {
  await promisify(execFile)(OPA_SCRIPT, [command], {
    env: {
      ...process.env,
      IDP_POLICY_OUT: outDir,
      IDP_POLICY_DIR: policyDir,
      ...(process.env.IDP_OPA_BIN && {
        PATH: `${resolve(process.env.IDP_OPA_BIN, '..')}:${process.env.PATH}`,
      }),
    },
  });
  return join(outDir, 'bundle.tar.gz');
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? done(address.port)
          : fail(new Error('no port')),
      );
    });
  });
}

/** `opa run --server` on loopback with a bundle; stop it with `stop()`. */
export async function startOpaServer(bundlePath: string): Promise<{
  url: string;
  stop: () => Promise<void>;
}> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    opaBinary()!,
    [
      'run',
      '--server',
      '--addr',
      `127.0.0.1:${port}`,
      '--log-level',
      'error',
      '--bundle',
      bundlePath,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', chunk => {
    stderr += chunk;
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`opa run exited ${child.exitCode}: ${stderr}`);
    }
    const ready = await fetch(`${url}/health?bundles`)
      .then(response => response.ok)
      .catch(() => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`opa run did not become healthy: ${stderr}`);
    }
    await new Promise(r => setTimeout(r, 100));
  }
  return {
    url,
    stop: () =>
      new Promise(done => {
        if (child.exitCode !== null) {
          done();
          return;
        }
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

/** A valid input of the contract; `overrides` are merged one level deep. */
export function policyInput(
  overrides: { [K in keyof PolicyInput]?: Partial<PolicyInput[K]> } = {},
): PolicyInput {
  const base: PolicyInput = {
    action: 'deployment.deploy',
    now: '2026-12-02T10:00:00.000Z',
    clock: {
      weekday: 'Wednesday',
      hour: 11,
      minute: 0,
      timeZone: 'Europe/Berlin',
    },
    user: {
      ref: 'user:default/jane',
      groups: ['group:default/team-a'],
      isAdmin: false,
    },
    environment: {
      name: 'staging',
      type: 'staging',
      componentRef: 'component:default/shop',
      ownerRef: 'group:default/team-a',
      system: 'system:default/commerce',
      lifecycle: 'production',
      ttl: null,
      replicas: 1,
      image: 'registry.local/shop:1.2.3',
    },
    type: {
      name: 'staging',
      ephemeral: false,
      requiresApproval: false,
      maxTtl: null,
    },
    deployment: {
      image: 'registry.local/shop:1.2.3',
      repository: 'registry.local/shop',
      registry: 'registry.local',
      tag: '1.2.3',
      digest: null,
      replicas: 1,
      message: 'Deployed 1.2.3',
    },
    promotion: null,
    counts: { ownerEnvironments: 1, ownerEnvironmentsOfType: 0 },
  };
  const merged: any = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = (base as any)[key];
    merged[key] =
      value &&
      typeof value === 'object' &&
      current &&
      typeof current === 'object'
        ? { ...current, ...value }
        : value;
  }
  return merged;
}
