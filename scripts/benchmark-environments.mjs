#!/usr/bin/env node
// Benchmark of the orchestration backend against a running portal and its
// cluster (./platform start): request → ready latency, a burst of concurrent
// requests, Kubernetes writes per environment and per idle reconcile, and the
// database queries per second of an idle replica (measured in-process by the
// plugin's idleQueries test, on SQLite and, when configured, PostgreSQL).
// Prints figures; it is not a test and asserts nothing.
//
//   ./platform benchmark [--sequential 50] [--concurrent 100] [--idle-seconds 20]
//                        [--idle-query-seconds 12]   (0 skips the idle queries)
//
// Environment: IDP_URL (default http://localhost:7007), KUBECONFIG of the
// cluster admin (default .local/kube/kubeconfig) to read the API server's
// request counters, KUBECTL (default: the local cluster's kubectl).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allPages } from './lib/pages.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const SEQUENTIAL = option('sequential', 50);
const CONCURRENT = option('concurrent', 100);
const IDLE_SECONDS = option('idle-seconds', 20);
const IDLE_QUERY_SECONDS = option('idle-query-seconds', 12);
const BASE = process.env.IDP_URL ?? 'http://localhost:7007';
const KUBECONFIG =
  process.env.KUBECONFIG ?? join(root, '.local/kube/kubeconfig');
const COMPONENTS = [
  'orders-service',
  'payments-service',
  'product-catalog',
  'fraud-detector',
];

function findKubectl() {
  if (process.env.KUBECTL) return process.env.KUBECTL;
  const cache = join(process.env.HOME, '.cache/idp-platform/k8s');
  for (const dir of existsSync(cache) ? readdirSync(cache) : []) {
    const candidate = join(cache, dir, 'bin/kubectl');
    if (existsSync(candidate)) return candidate;
  }
  return 'kubectl';
}
const KUBECTL = findKubectl();

/** Server-side apply requests the API server has served, by anyone. */
function applyCount() {
  const metrics = execFileSync(
    KUBECTL,
    ['--kubeconfig', KUBECONFIG, 'get', '--raw', '/metrics'],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  let total = 0;
  for (const line of metrics.split('\n')) {
    if (
      line.startsWith('apiserver_request_total{') &&
      line.includes('verb="APPLY"')
    ) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}

async function guestToken() {
  const response = await fetch(`${BASE}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  }).catch(error => {
    throw new Error(
      `The portal does not answer at ${BASE} (${error.message}); start it with ./platform start`,
    );
  });
  if (!response.ok) {
    throw new Error(
      `Guest sign-in failed: ${response.status} ${await response.text()}`,
    );
  }
  return (await response.json()).backstageIdentity.token;
}

/**
 * Queries per second that an idle replica of the environments plugin makes to
 * its database, by database: the whole plugin started in-process with nothing
 * to do, every knex query counted (see src/reconciler/idleQueries.test.ts).
 */
function idleQueriesPerSecond() {
  const reportFile = join(tmpdir(), `idle-queries-${process.pid}.json`);
  try {
    execFileSync(
      'yarn',
      [
        'backstage-cli',
        'package',
        'test',
        'src/reconciler/idleQueries.test.ts',
      ],
      {
        cwd: join(root, 'plugins/environments-backend'),
        env: {
          ...process.env,
          CI: 'true',
          IDP_IDLE_SECONDS: String(IDLE_QUERY_SECONDS),
          IDP_IDLE_QUERIES_REPORT: reportFile,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
        encoding: 'utf8',
      },
    );
  } catch (error) {
    // A failed assertion still writes the report; a report is what counts.
    if (!existsSync(reportFile)) {
      throw new Error(
        `Measuring idle queries failed: ${error.stderr ?? error}`,
      );
    }
  }
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  rmSync(reportFile, { force: true });
  return report;
}

const token = await guestToken();
async function api(method, path, body) {
  const response = await fetch(`${BASE}/api/environments${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body && { 'content-type': 'application/json' }),
    },
    body: body && JSON.stringify(body),
  });
  const json = await response.json().catch(() => undefined);
  if (!response.ok) {
    throw new Error(
      `${method} ${path}: ${response.status} ${JSON.stringify(json)}`,
    );
  }
  return json;
}

const sleep = ms => new Promise(r => setTimeout(r, ms));

async function waitFor(ids, wanted, timeoutMs) {
  const reachedAt = new Map();
  const deadline = Date.now() + timeoutMs;
  while (reachedAt.size < ids.length) {
    if (Date.now() > deadline) {
      throw new Error(
        `${
          ids.length - reachedAt.size
        } environments not ${wanted} after ${timeoutMs} ms`,
      );
    }
    const byId = new Map((await listEnvironments()).map(e => [e.id, e]));
    for (const id of ids) {
      if (reachedAt.has(id)) continue;
      const environment = byId.get(id);
      if (
        wanted === 'deleted' ? !environment : environment?.status === wanted
      ) {
        reachedAt.set(id, Date.now());
      } else if (environment?.status === 'failed') {
        throw new Error(`Environment ${id} failed: ${environment.reason}`);
      }
    }
    await sleep(20);
  }
  return reachedAt;
}

const listEnvironments = () =>
  allPages(path => api('GET', path), '/environments');

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
};
const run = Date.now().toString(36).slice(-5);
const request = (i, phase) => ({
  componentRef: `component:default/${COMPONENTS[i % COMPONENTS.length]}`,
  type: 'development',
  name: `bench-${run}-${phase}${i}`,
});
const created = [];

try {
  console.log(`Benchmark against ${BASE}; cluster of ${KUBECONFIG}`);

  // 1. One at a time.
  const latencies = [];
  const appliesBefore = applyCount();
  for (let i = 0; i < SEQUENTIAL; i++) {
    const start = Date.now();
    const environment = await api('POST', '/environments', request(i, 's'));
    created.push(environment.id);
    const reached = await waitFor([environment.id], 'ready', 60_000);
    latencies.push(reached.get(environment.id) - start);
    process.stdout.write(`\r  sequential: ${i + 1}/${SEQUENTIAL} ready`);
  }
  const appliesPerEnvironment = (applyCount() - appliesBefore) / SEQUENTIAL;
  console.log(`
Request → ready, one at a time (${SEQUENTIAL} environments)
  p50 ${percentile(latencies, 50)} ms   p95 ${percentile(
    latencies,
    95,
  )} ms   max ${Math.max(
    ...latencies,
  )} ms   (targets: p50 ≤ 1000 ms, p95 ≤ 2000 ms)
Kubernetes writes (server-side apply requests) per new environment: ${appliesPerEnvironment.toFixed(
    1,
  )}`);

  // 2. Idle: ask for a reconcile of every ready environment, then count writes.
  const idleBefore = applyCount();
  for (const id of created) {
    await api('POST', `/environments/${id}/reconcile`);
  }
  await sleep(IDLE_SECONDS * 1000);
  const idleWrites = applyCount() - idleBefore;
  console.log(
    `Kubernetes writes during ${SEQUENTIAL} idle reconciles and ${IDLE_SECONDS} s of watching: ${idleWrites}   (target 0)`,
  );

  // 3. All at once.
  const burstStart = Date.now();
  const burst = await Promise.all(
    Array.from({ length: CONCURRENT }, (_, i) =>
      api('POST', '/environments', request(i, 'c')),
    ),
  );
  const accepted = Date.now() - burstStart;
  created.push(...burst.map(e => e.id));
  await waitFor(
    burst.map(e => e.id),
    'ready',
    120_000,
  );
  const burstSeconds = (Date.now() - burstStart) / 1000;
  console.log(
    `${CONCURRENT} requested at once: all accepted (202) after ${accepted} ms; all ready after ${burstSeconds.toFixed(
      1,
    )} s   (target ≤ 30 s)`,
  );

  // 4. Tear everything down.
  const teardownStart = Date.now();
  await Promise.all(created.map(id => api('DELETE', `/environments/${id}`)));
  await waitFor(created, 'deleted', 1_800_000);
  console.log(
    `Teardown of ${created.length} environments (namespaces gone): ${(
      (Date.now() - teardownStart) /
      1000
    ).toFixed(1)} s`,
  );
  created.length = 0;

  // 5. Idle: what a replica with nothing to do asks of its database.
  if (IDLE_QUERY_SECONDS > 0) {
    const { seconds, databases } = idleQueriesPerSecond();
    for (const [database, { jobQueue, all }] of Object.entries(databases)) {
      console.log(
        `Idle queries per second (${database}, ${seconds} s idle): ${all.toFixed(
          2,
        )} in all, ${jobQueue.toFixed(
          2,
        )} on the job queue   (target ≤ 1; 8 loops polling every 200 ms made ~40)`,
      );
    }
  }
} catch (error) {
  console.error(`\nBenchmark failed: ${error.message}`);
  process.exitCode = 1;
} finally {
  if (created.length > 0) {
    console.error(
      `Deleting the ${created.length} environments this run created`,
    );
    await Promise.allSettled(
      created.map(id => api('DELETE', `/environments/${id}`)),
    );
  }
}
