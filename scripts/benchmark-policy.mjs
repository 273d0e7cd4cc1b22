#!/usr/bin/env node
// Benchmark of policy evaluation (issue 16): the cost of one decision of the
// platform's policies, embedded (the compiled bundle in this process through
// @open-policy-agent/opa-wasm, as WasmPolicyEvaluator calls it) and against
// `opa run --server` on loopback (one POST /v1/data/idp/decision per
// decision, as OpaServerEvaluator sends it, keep-alive). The bundle is built
// from policies/ by the real opa into a temporary folder. Prints p50, p99
// and max per evaluation over a mix of inputs (an allowed deploy, a denied
// one, a production deploy with a warning, a preview request, a promotion);
// it is not a test and asserts nothing. Target: embedded p99 <= 2 ms.
//
//   ./platform benchmark policy [--iterations 5000] [--server-iterations 2000]
//
// Building the input (the caller's groups, the component from the catalog,
// the owner's environment count) is not in these figures: it is the
// catalog's and the database's cost, the same with or without policies.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const ITERATIONS = option('iterations', 5000);
const SERVER_ITERATIONS = option('server-iterations', 2000);
const WARMUP = 200;

const require = createRequire(
  join(root, 'plugins/environments-backend/package.json'),
);
const { loadPolicy } = require('@open-policy-agent/opa-wasm');

function log(message) {
  process.stderr.write(`[benchmark-policy] ${message}\n`);
}

function percentile(sorted, p) {
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

function summary(name, samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const fmt = ms => `${ms.toFixed(3)} ms`;
  return `${name.padEnd(9)} n=${String(sorted.length).padEnd(6)} p50 ${fmt(
    percentile(sorted, 50),
  )}   p99 ${fmt(percentile(sorted, 99))}   max ${fmt(
    sorted[sorted.length - 1],
  )}`;
}

const base = {
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
    replicas: 2,
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
    replicas: 2,
    message: 'Deployed 1.2.3',
  },
  promotion: null,
  counts: { ownerEnvironments: 3, ownerEnvironmentsOfType: 1 },
};
const with_ = changes =>
  Object.fromEntries(
    Object.entries(base).map(([key, value]) => [
      key,
      key in changes
        ? changes[key] && typeof changes[key] === 'object' && value
          ? { ...value, ...changes[key] }
          : changes[key]
        : value,
    ]),
  );
const INPUTS = [
  base,
  with_({
    deployment: {
      image: 'evil.example.com/shop:latest',
      repository: 'evil.example.com/shop',
      registry: 'evil.example.com',
      tag: 'latest',
    },
    environment: { image: 'evil.example.com/shop:latest' },
  }),
  with_({
    environment: { name: 'production', type: 'production', replicas: 1 },
    type: { name: 'production', requiresApproval: true },
    deployment: { replicas: 1 },
    clock: { weekday: 'Friday', hour: 16, minute: 30 },
  }),
  with_({
    action: 'environment.request',
    environment: {
      name: 'pr-42',
      type: 'preview',
      ttl: '4h',
      image: null,
      replicas: null,
    },
    type: { name: 'preview', ephemeral: true, maxTtl: '3d' },
    deployment: null,
    counts: { ownerEnvironments: 6, ownerEnvironmentsOfType: 5 },
  }),
  with_({
    action: 'deployment.promote',
    environment: { name: 'production', type: 'production' },
    type: { name: 'production', requiresApproval: true },
    promotion: {
      from: {
        environmentName: 'staging',
        type: 'staging',
        state: 'succeeded',
        succeededAt: '2026-12-02T09:50:00.000Z',
      },
    },
  }),
];

async function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => (port ? done(port) : fail(new Error('no port'))));
    });
  });
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'idp-benchmark-policy-'));
  let server;
  try {
    log(
      'building the bundle from policies/ (./platform opa build into a temporary folder)',
    );
    execFileSync(join(root, 'scripts/local-opa/opa.sh'), ['build'], {
      env: { ...process.env, IDP_POLICY_OUT: work },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const bundle = join(work, 'bundle.tar.gz');
    const opa = execFileSync(join(root, 'scripts/local-opa/opa.sh'), ['path'], {
      encoding: 'utf8',
    }).trim();
    const unpacked = join(work, 'unpacked');
    execFileSync('mkdir', ['-p', unpacked]);
    execFileSync('tar', ['-xzf', bundle, '-C', unpacked]);
    const manifest = JSON.parse(
      readFileSync(join(unpacked, '.manifest'), 'utf8'),
    );

    // Embedded: as WasmPolicyEvaluator evaluates.
    const policy = await loadPolicy(
      readFileSync(join(unpacked, 'policy.wasm')),
    );
    policy.setData(
      JSON.parse(readFileSync(join(unpacked, 'data.json'), 'utf8')),
    );
    const entrypoint = policy.entrypoints['idp/decision'];
    const embedded = [];
    for (let i = 0; i < WARMUP + ITERATIONS; i++) {
      const input = INPUTS[i % INPUTS.length];
      const start = performance.now();
      const [{ result }] = policy.evaluate(input, entrypoint);
      const elapsed = performance.now() - start;
      if (!Array.isArray(result?.deny)) throw new Error('no decision');
      if (i >= WARMUP) embedded.push(elapsed);
    }

    // Server: as OpaServerEvaluator asks.
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/v1/data/idp/decision?provenance=true`;
    server = spawn(
      opa,
      [
        'run',
        '--server',
        '--addr',
        `127.0.0.1:${port}`,
        '--log-level',
        'error',
        '--bundle',
        bundle,
      ],
      {
        stdio: 'ignore',
      },
    );
    const deadline = Date.now() + 20000;
    while (
      !(await fetch(`http://127.0.0.1:${port}/health?bundles`).then(
        r => r.ok,
        () => false,
      ))
    ) {
      if (Date.now() > deadline)
        throw new Error('opa run did not become healthy');
      await new Promise(r => setTimeout(r, 100));
    }
    const remote = [];
    for (let i = 0; i < WARMUP + SERVER_ITERATIONS; i++) {
      const input = INPUTS[i % INPUTS.length];
      const start = performance.now();
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ input }),
        signal: AbortSignal.timeout(2000),
      });
      const body = await response.json();
      const elapsed = performance.now() - start;
      if (!Array.isArray(body.result?.deny))
        throw new Error(`no decision: ${JSON.stringify(body)}`);
      if (i >= WARMUP) remote.push(elapsed);
    }

    const rules = manifest.metadata?.rules?.length ?? '?';
    console.log(
      `Policy evaluation per decision (bundle ${manifest.revision}, ${rules} rules, ${INPUTS.length} inputs in turn, ${WARMUP} warm-up each)`,
    );
    console.log(summary('embedded', embedded));
    console.log(summary('server', remote));
    const p99 = percentile(
      [...embedded].sort((a, b) => a - b),
      99,
    );
    console.log(
      `target embedded p99 <= 2 ms: ${
        p99 <= 2 ? 'met' : 'missed'
      } (${p99.toFixed(3)} ms)`,
    );
  } finally {
    server?.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
