#!/usr/bin/env node
// Benchmark of the idp command line against a running backend and its
// cluster: `idp env request --wait` and `idp deploy --wait` timed as whole
// commands, spawned as a user runs them (process start, token, requests,
// polling until ready or succeeded, output), each --runs times. Prints the
// median, min and max; it is not a test and asserts nothing.
//
//   ./platform benchmark cli [--url http://localhost:7007] [--token TOKEN]
//       [--runs 10] [--component storefront-web] [--idp PATH]
//
// --token (or IDP_TOKEN): a user token; without one, the guest provider's
// (development backends). --idp: an installed idp to time; by default the
// bundle `./platform cli install` installs is built into a temporary folder.
// Each `env request` is a preview environment of its own, torn down (untimed)
// before the next; the deploys go to one development environment, each with a
// new tag so that each rolls out. What the benchmark creates is deleted at the
// end, also when it fails.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : fallback;
};
const BASE = (
  option('url', process.env.IDP_URL ?? 'http://localhost:7007') ?? ''
).replace(/\/+$/, '');
const RUNS = Number(option('runs', '10'));
const COMPONENT = option('component', 'storefront-web');
if (!Number.isInteger(RUNS) || RUNS < 1) {
  console.error(
    `--runs must be a whole number of at least 1 (got "${option('runs')}")`,
  );
  process.exit(2);
}
const stamp = Date.now().toString(36);
const work = mkdtempSync(join(tmpdir(), 'idp-benchmark-'));

async function guestToken() {
  const response = await fetch(`${BASE}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  }).catch(error => {
    throw new Error(
      `The backend does not answer at ${BASE} (${error.message}); start it with ./platform start, or name another with --url`,
    );
  });
  if (!response.ok) {
    throw new Error(
      `Guest sign-in failed (${response.status}): pass a user token with --token or IDP_TOKEN`,
    );
  }
  return (await response.json()).backstageIdentity.token;
}

/** The idp to time: --idp, else the bundle `./platform cli install` installs, built here. */
function idpBinary() {
  const given = option('idp');
  if (given) return resolve(given);
  const outfile = join(work, 'idp');
  execFileSync(
    process.execPath,
    [join(root, 'packages/cli/scripts/bundle.mjs'), '--outfile', outfile],
    { cwd: join(root, 'packages/cli'), stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return outfile;
}

const token = option('token', process.env.IDP_TOKEN) ?? (await guestToken());
const idp = idpBinary();
const env = {
  ...process.env,
  // The bundle's `#!/usr/bin/env node` finds this Node.js.
  PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}`,
  IDP_BACKEND_URL: BASE,
  IDP_TOKEN: token,
  XDG_CONFIG_HOME: join(work, 'config'),
  NO_COLOR: '1',
};

/** Runs idp as a user would; resolves to its wall time in ms and its output, rejects when it fails. */
function run(argv) {
  const started = performance.now();
  const child = spawn(idp, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', chunk => (stdout += chunk));
  child.stderr.on('data', chunk => (stderr += chunk));
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', code => {
      const ms = Math.round(performance.now() - started);
      if (code === 0) resolvePromise({ ms, stdout });
      else
        reject(new Error(`idp ${argv.join(' ')} exited ${code}:\n${stderr}`));
    });
  });
}

const created = new Set();
async function remove(id) {
  await run(['env', 'rm', id, '--wait', '--timeout', '5m']);
  created.delete(id);
}

const median = values => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[middle]
    : Math.round((sorted[middle - 1] + sorted[middle]) / 2);
};
const figures = values =>
  `median ${median(values)} ms   min ${Math.min(...values)} ms   max ${Math.max(
    ...values,
  )} ms   (${values.length} runs: ${values.join(', ')})`;

const image = tag => `registry.local/${COMPONENT}:${tag}`;

try {
  console.log(
    `idp against ${BASE}, ${
      cpus().length
    } cores, component ${COMPONENT}, ${RUNS} runs each`,
  );

  const requests = [];
  for (let i = 1; i <= RUNS; i++) {
    const { ms, stdout } = await run([
      'env',
      'request',
      '--component',
      COMPONENT,
      '--type',
      'preview',
      '--name',
      `bench-${stamp}-${i}`,
      '--ttl',
      '1h',
      '--image',
      image('bench-1'),
      '--wait',
      '-o',
      'json',
    ]);
    const { id } = JSON.parse(stdout);
    created.add(id);
    requests.push(ms);
    process.stdout.write(`\r  env request --wait: ${i}/${RUNS} (${ms} ms)   `);
    // Torn down before the next, untimed: previews are limited per team.
    await remove(id);
  }
  process.stdout.write('\n');
  console.log(`idp env request --wait   ${figures(requests)}`);

  const target = JSON.parse(
    (
      await run([
        'env',
        'request',
        '--component',
        COMPONENT,
        '--type',
        'development',
        '--name',
        `bench-${stamp}`,
        '--image',
        image('bench-0'),
        '--wait',
        '-o',
        'json',
      ])
    ).stdout,
  );
  created.add(target.id);
  const deploys = [];
  for (let i = 1; i <= RUNS; i++) {
    const { ms } = await run([
      'deploy',
      `${COMPONENT}/${target.name}`,
      '--image',
      image(`bench-${stamp}-${i}`),
      '-m',
      `benchmark ${i}`,
      '--wait',
      '-o',
      'json',
    ]);
    deploys.push(ms);
    process.stdout.write(`\r  deploy --wait: ${i}/${RUNS} (${ms} ms)   `);
  }
  process.stdout.write('\n');
  console.log(`idp deploy --wait        ${figures(deploys)}`);
} finally {
  for (const id of created) {
    await remove(id).catch(error => console.error(error.message));
  }
  rmSync(work, { recursive: true, force: true });
}
