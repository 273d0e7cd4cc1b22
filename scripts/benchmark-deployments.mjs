#!/usr/bin/env node
// Benchmark of deployments against a running portal and its cluster
// (./platform start): deploy → rollout succeeded one at a time, rollback and
// promotion → succeeded, a burst of concurrent deploys, and the Kubernetes
// writes a deploy and an unchanged redeploy cost. Prints figures; it is not
// a test and asserts nothing.
//
//   ./platform benchmark deployments [--deploys 50] [--rollbacks 10]
//       [--promotions 10] [--concurrent 100] [--redeploys 5]
//       [--provision-concurrency 10] [--poll-ms 20] [--burst-poll-ms 200]
//
// The burst's environments are more than the shipped policies allow a team
// (20): run the portal with IDP_POLICY_PATCH=scripts/local-opa/for-benchmarks.patch.json
// (./platform start builds its policies with it).
//
// Environment: IDP_URL (default http://localhost:7007), KUBECONFIG of the
// cluster admin (default .local/kube/kubeconfig) to read the API server's
// request counters, KUBECTL (default: the local cluster's kubectl),
// IDP_BACKEND_LOG (default .local/backend.log, where ./platform start logs)
// to count the orchestrator's writes to the benchmark's own namespaces,
// IDP_BENCH_COMPONENT (default orders-service: the component whose first two
// environments on its promotion path are used, or created, for the
// sequential phases).
//
// "100 at once" is 100 deploy requests sent together, each to an environment
// of its own: deploys to one environment supersede each other, so 100 to a
// few environments would measure how fast they are superseded, not rolled
// out. The burst's environments are created first (at most
// --provision-concurrency at a time) and their provisioning is not timed.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allPages } from './lib/pages.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const DEPLOYS = option('deploys', 50);
const ROLLBACKS = option('rollbacks', 10);
const PROMOTIONS = option('promotions', 10);
const CONCURRENT = option('concurrent', 100);
const REDEPLOYS = option('redeploys', 5);
const PROVISION_CONCURRENCY = option('provision-concurrency', 10);
const POLL_MS = option('poll-ms', 20);
// The burst's state is read per component, five requests a round.
const BURST_POLL_MS = option('burst-poll-ms', 200);
const BASE = process.env.IDP_URL ?? 'http://localhost:7007';
const KUBECONFIG =
  process.env.KUBECONFIG ?? join(root, '.local/kube/kubeconfig');
const COMPONENT = `component:default/${
  process.env.IDP_BENCH_COMPONENT ?? 'orders-service'
}`;
// The burst's environments, spread over several components.
const BURST_COMPONENTS = [
  'orders-service',
  'payments-service',
  'product-catalog',
  'fraud-detector',
  'notification-worker',
];
// Alternated, so that every deploy changes the image and really rolls out.
const TAGS = ['bench-1', 'bench-2'];
// Whole images rather than tags: a new environment of a component whose
// catalog entry names no image has nothing to retag.
const imageOf = (componentRef, tag) =>
  `registry.local/${componentRef.split('/').pop()}:${tag}`;
const WRITE_VERBS = new Set([
  'APPLY',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'DELETECOLLECTION',
]);

const BACKEND_LOG =
  process.env.IDP_BACKEND_LOG ?? join(root, '.local/backend.log');

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

/**
 * Write requests the API server has served, by anyone, keyed
 * `VERB resource[/subresource]`. Server-side apply is the orchestrator's way
 * of writing (APPLY); the cluster's controllers, scheduler and kwok write
 * with the other verbs.
 */
// CPU seconds used so far by the local control plane's processes and the
// backend, read from /proc (Linux, same machine only; empty otherwise): what
// a burst costs each of them, to tell which one the machine's cores wait on.
const CPU_PROCESSES = {
  'kube-apiserver': /\/kube-apiserver\b/,
  etcd: /\/etcd\b/,
  'kube-controller-manager': /\/kube-controller-manager\b/,
  'kube-scheduler': /\/kube-scheduler\b/,
  kwok: /\/kwok\b/,
  // The backend as ./platform start runs it, from packages/backend.
  backend: /nodeTransform\.cjs src\/index |packages\/backend\/dist/,
};
function cpuSeconds() {
  const seconds = {};
  if (!existsSync('/proc')) return seconds;
  const tick = 100; // USER_HZ on Linux
  for (const pid of readdirSync('/proc').filter(name => /^\d+$/.test(name))) {
    let cmdline;
    let stat;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(
        /\0/g,
        ' ',
      );
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // The binaries by their path, the backend by its command line.
    const [program] = cmdline.split(' ');
    const name = Object.keys(CPU_PROCESSES).find(key =>
      CPU_PROCESSES[key].test(key === 'backend' ? cmdline : program),
    );
    if (!name) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const used = (Number(fields[11]) + Number(fields[12])) / tick;
    seconds[name] = (seconds[name] ?? 0) + used;
  }
  return seconds;
}
function describeCpu(before, after, count) {
  const parts = Object.keys(after)
    .filter(name => before[name] !== undefined)
    .map(name => [name, after[name] - before[name]])
    .sort((a, b) => b[1] - a[1])
    .map(
      ([name, used]) =>
        `${name} ${used.toFixed(1)} s (${((1000 * used) / count).toFixed(
          0,
        )} ms per deploy)`,
    );
  return parts.length > 0 ? parts.join(', ') : 'not readable here';
}

function writeCounts() {
  const metrics = execFileSync(
    KUBECTL,
    ['--kubeconfig', KUBECONFIG, 'get', '--raw', '/metrics'],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const counts = new Map();
  for (const line of metrics.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const labels = Object.fromEntries(
      [...line.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v]),
    );
    if (!WRITE_VERBS.has(labels.verb)) continue;
    const key = `${labels.verb} ${labels.resource}${
      labels.subresource ? `/${labels.subresource}` : ''
    }`;
    counts.set(
      key,
      (counts.get(key) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)),
    );
  }
  return counts;
}

/** What was written between two `writeCounts`: the orchestrator's applies by resource, and everyone else's writes. */
function writesBetween(before, after) {
  const applies = new Map();
  let applyTotal = 0;
  let otherTotal = 0;
  const others = new Map();
  for (const [key, count] of after) {
    const delta = count - (before.get(key) ?? 0);
    if (delta <= 0) continue;
    if (key.startsWith('APPLY ')) {
      applies.set(key.slice(6), delta);
      applyTotal += delta;
    } else {
      others.set(key, delta);
      otherTotal += delta;
    }
  }
  return { applies, applyTotal, others, otherTotal };
}

const describeCounts = (counts, per, top = Infinity) =>
  [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, count]) => `${key} ${(count / per).toFixed(1)}`)
    .join(', ') || 'none';

// The API server's counters have no namespace or user, so on a cluster that
// others use too they count their writes as well. The orchestrator logs each
// object it applies ("Applied <Kind> <name> in namespace <ns>", action
// created or updated) and prunes: counted in the benchmark's namespaces, they
// are its writes for the benchmark alone.
const logOffset = () =>
  existsSync(BACKEND_LOG) ? statSync(BACKEND_LOG).size : undefined;
function orchestratorWrites(offset, namespaces) {
  if (offset === undefined || !existsSync(BACKEND_LOG)) return undefined;
  const text = readFileSync(BACKEND_LOG)
    .subarray(offset)
    .toString('utf8')
    // eslint-disable-next-line no-control-regex
    .replace(/\x1b\[[0-9;]*m/g, '');
  const wanted = new Set(namespaces);
  const byKind = new Map();
  let total = 0;
  for (const match of text.matchAll(
    /(Applied|Deleted) ([A-Za-z]+) \S+ in namespace (\S+)/g,
  )) {
    if (!wanted.has(match[3])) continue;
    const key = `${match[1] === 'Applied' ? 'apply' : 'delete'} ${match[2]}`;
    byKind.set(key, (byKind.get(key) ?? 0) + 1);
    total++;
  }
  return { total, byKind };
}
const describeOrchestrator = (writes, per) =>
  writes
    ? `${(writes.total / per).toFixed(1)} (${describeCounts(
        writes.byKind,
        per,
      )})`
    : `unknown (no backend log at ${BACKEND_LOG}; set IDP_BACKEND_LOG)`;

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

const token = await guestToken();
async function call(method, path, body) {
  const response = await fetch(`${BASE}/api/environments${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body && { 'content-type': 'application/json' }),
    },
    body: body && JSON.stringify(body),
  });
  const json = await response.json().catch(() => undefined);
  return { status: response.status, ok: response.ok, json };
}
async function api(method, path, body) {
  let { status, ok, json } = await call(method, path, body);
  // A read answered 503 (the backend's database busy, as under a teardown of
  // 100 environments on SQLite) is asked again: it changes nothing.
  for (
    let retry = 0;
    method === 'GET' && status === 503 && retry < 50;
    retry++
  ) {
    await sleep(200);
    ({ status, ok, json } = await call(method, path, body));
  }
  if (!ok) {
    throw new Error(`${method} ${path}: ${status} ${JSON.stringify(json)}`);
  }
  return json;
}

const sleep = ms => new Promise(r => setTimeout(r, ms));
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
};
const figures = values =>
  `p50 ${percentile(values, 50)} ms   p95 ${percentile(
    values,
    95,
  )} ms   max ${Math.max(...values)} ms`;
let lastProgress;
const progress = line => {
  if (line === lastProgress) return;
  lastProgress = line;
  process.stdout.write(`\r  ${line}`);
};

/** Runs `work` over `items`, at most `limit` at a time. */
async function bounded(items, limit, work) {
  const results = new Array(items.length);
  let next = 0;
  let failure;
  // On the first failure no more work starts, and the work under way is
  // waited for before it is thrown: what that work creates is known to the
  // clean-up, not left behind.
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length && !failure) {
        const index = next++;
        try {
          results[index] = await work(items[index], index);
        } catch (error) {
          failure ??= error;
        }
      }
    }),
  );
  if (failure) throw failure;
  return results;
}

/**
 * Polls one deployment until it succeeds; returns the moment it was seen so
 * and the deployment. Any other final state is an error.
 */
// A read answered 503 (the backend's database busy) is asked again; how
// often that happened is part of the figures.
let unavailable = 0;
async function readDeployment(id) {
  for (;;) {
    const { status, ok, json } = await call('GET', `/deployments/${id}`);
    if (ok) return json;
    if (status !== 503) {
      throw new Error(
        `GET /deployments/${id}: ${status} ${JSON.stringify(json)}`,
      );
    }
    unavailable++;
    await sleep(100);
  }
}
const unavailableNote = () =>
  unavailable > 0
    ? `\n  (${unavailable} reads so far answered 503 "database cannot be reached" and were asked again)`
    : '';

async function untilSucceeded(id, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const deployment = await readDeployment(id);
    if (deployment.state === 'succeeded') {
      return { seenAt: Date.now(), deployment };
    }
    if (deployment.state !== 'rolling-out') {
      throw new Error(
        `Deployment ${id} is ${deployment.state}${
          deployment.reason ? `: ${deployment.reason}` : ''
        }`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Deployment ${id} still rolling out after ${timeoutMs} ms${
          deployment.reason ? `: ${deployment.reason}` : ''
        }`,
      );
    }
    await sleep(POLL_MS);
  }
}

const serverMs = deployment =>
  Date.parse(deployment.finishedAt) - Date.parse(deployment.createdAt);

/** POSTs a deployment-making request and times it until it succeeded. */
async function timed(path, body) {
  const start = Date.now();
  const created = await api('POST', path, body);
  const { seenAt, deployment } = await untilSucceeded(created.id);
  return { client: seenAt - start, server: serverMs(deployment), deployment };
}

// Environments this run created (deleted at the end, also on error and
// Ctrl-C); environments it found and used are left in place.
const created = new Set();

const listEnvironments = query =>
  allPages(
    path => api('GET', path),
    `/environments${query ? `?${query}` : ''}`,
  );

async function waitForEnvironments(ids, wanted, timeoutMs, label) {
  const deadline = Date.now() + timeoutMs;
  const remaining = new Set(ids);
  while (remaining.size > 0) {
    if (Date.now() > deadline) {
      throw new Error(
        `${remaining.size} environments not ${wanted} after ${timeoutMs} ms`,
      );
    }
    const byId = new Map((await listEnvironments()).map(e => [e.id, e]));
    for (const id of remaining) {
      const environment = byId.get(id);
      if (
        wanted === 'deleted' ? !environment : environment?.status === wanted
      ) {
        remaining.delete(id);
      } else if (wanted !== 'deleted' && environment?.status === 'failed') {
        throw new Error(`Environment ${id} failed: ${environment.reason}`);
      }
    }
    if (label)
      progress(
        `${label}: ${ids.length - remaining.size}/${ids.length} ${wanted}`,
      );
    await sleep(250);
  }
}

/** The component's environment of that name, created (and remembered) if it has none. */
async function environmentNamed(componentRef, name, type) {
  const existing = (
    await listEnvironments(`componentRef=${componentRef}`)
  ).find(e => e.name === name);
  if (existing) {
    console.log(`  using ${name} (${existing.id}), which already existed`);
    await waitForEnvironments([existing.id], 'ready', 120_000);
    return existing;
  }
  const environment = await api('POST', '/environments', {
    componentRef,
    type,
    name,
  });
  created.add(environment.id);
  await waitForEnvironments([environment.id], 'ready', 120_000);
  console.log(`  created ${name} (${environment.id})`);
  return environment;
}

/** Waits until whatever the environment runs now has finished rolling out. */
async function settled(environmentId) {
  const [latest] = (
    await api('GET', `/environments/${environmentId}/deployments?limit=1`)
  ).items;
  if (latest?.state === 'rolling-out') await untilSucceeded(latest.id);
  return latest;
}

let cleaning;
function cleanUp() {
  cleaning ??= (async () => {
    if (created.size === 0) return;
    const ids = [...created];
    console.log(`\nDeleting the ${ids.length} environments this run created`);
    await bounded(ids, PROVISION_CONCURRENCY, id =>
      call('DELETE', `/environments/${id}`),
    );
    await waitForEnvironments(ids, 'deleted', 600_000, 'teardown').catch(
      error => console.error(`\n${error.message}`),
    );
    console.log();
    created.clear();
  })();
  return cleaning;
}
process.on('SIGINT', () => {
  console.error('\nInterrupted');
  process.exitCode = 130;
  cleanUp().finally(() => process.exit(130));
});

const run = Date.now().toString(36).slice(-5);

try {
  console.log(
    `Deployments benchmark against ${BASE}; cluster of ${KUBECONFIG}`,
  );

  // The component's first two environments on its promotion path (by
  // default development → staging), named so that promotion finds them.
  const { promotionPath } = await api(
    'GET',
    `/what-runs-where?componentRef=${COMPONENT}`,
  );
  const { items: typeList } = await api('GET', '/types');
  const typeNames = new Set(typeList.map(t => t.name));
  const typeFor = name => (typeNames.has(name) ? name : 'development');
  const [upstreamName, downstreamName] = promotionPath;
  console.log(
    `Setting up ${COMPONENT}: ${upstreamName} → ${downstreamName} (promotion path ${promotionPath.join(
      ' → ',
    )})`,
  );
  const upstream = await environmentNamed(
    COMPONENT,
    upstreamName,
    typeFor(upstreamName),
  );
  const downstream = await environmentNamed(
    COMPONENT,
    downstreamName,
    typeFor(downstreamName),
  );
  await settled(upstream.id);
  await settled(downstream.id);

  const deployPath = `/environments/${upstream.id}/deployments`;
  // (a) Deploys one at a time, each a new image, so each really rolls out.
  if (DEPLOYS > 0) {
    const deployClient = [];
    const deployServer = [];
    const writesBefore = writeCounts();
    const logBefore = logOffset();
    for (let i = 0; i < DEPLOYS; i++) {
      const { client, server } = await timed(deployPath, {
        image: imageOf(COMPONENT, TAGS[i % TAGS.length]),
        message: `benchmark ${run}: deploy ${i + 1}`,
      });
      deployClient.push(client);
      deployServer.push(server);
      progress(`deploys: ${i + 1}/${DEPLOYS} succeeded`);
    }
    const deployWrites = writesBetween(writesBefore, writeCounts());
    const deployOrchestrator = orchestratorWrites(logBefore, [
      upstream.namespace,
    ]);
    console.log(`
Deploy → rollout succeeded, one at a time (${DEPLOYS} deploys, polled every ${POLL_MS} ms)
  seen by the client:  ${figures(
    deployClient,
  )}   (targets: p50 ≤ 500 ms, p95 ≤ 1000 ms)
  server side (finishedAt − createdAt):  ${figures(deployServer)}
Kubernetes writes per deploy by the orchestrator, in its namespace: ${describeOrchestrator(
      deployOrchestrator,
      DEPLOYS,
    )}   (target 1: the Deployment's template)
  the API server's counters per deploy, everyone on the cluster: ${(
    deployWrites.applyTotal / DEPLOYS
  ).toFixed(1)} server-side applies (${describeCounts(
      deployWrites.applies,
      DEPLOYS,
      6,
    )}); ${(deployWrites.otherTotal / DEPLOYS).toFixed(
      1,
    )} other writes (controllers, scheduler, kwok: ${describeCounts(
      deployWrites.others,
      DEPLOYS,
      6,
    )})`);
  }

  // (e, second half) Redeploys of what already runs: nothing in the objects changes.
  if (REDEPLOYS > 0) {
    const current = await settled(upstream.id);
    const tag = current.version;
    const before = writeCounts();
    const logAt = logOffset();
    const redeployClient = [];
    let refused;
    for (let i = 0; i < REDEPLOYS && !refused; i++) {
      const start = Date.now();
      const answer = await call('POST', deployPath, {
        image: imageOf(COMPONENT, tag),
        message: `benchmark ${run}: unchanged redeploy ${i + 1}`,
      });
      if (!answer.ok) {
        refused = `${answer.status} ${answer.json?.error?.message ?? ''}`;
        break;
      }
      const { seenAt } = await untilSucceeded(answer.json.id);
      redeployClient.push(seenAt - start);
      progress(`unchanged redeploys: ${i + 1}/${REDEPLOYS} succeeded`);
    }
    // The watch may report the reconcile after the deployment is recorded.
    await sleep(1000);
    const writes = writesBetween(before, writeCounts());
    const orchestrator = orchestratorWrites(logAt, [upstream.namespace]);
    const count = refused ? 1 : REDEPLOYS;
    console.log(`
${
  refused
    ? `Unchanged redeploy refused: ${refused}`
    : `Unchanged redeploy (the configuration that runs, ${REDEPLOYS} times): ${figures(
        redeployClient,
      )}`
}
  Kubernetes writes per unchanged redeploy by the orchestrator: ${describeOrchestrator(
    orchestrator,
    count,
  )}   (target 0 for the objects that did not change)
  the API server's counters, everyone on the cluster: ${(
    writes.applyTotal / count
  ).toFixed(1)} server-side applies, ${(writes.otherTotal / count).toFixed(
      1,
    )} other writes`);
  }

  // (b) Rollbacks: deploy a new image, then roll back to the one before it.
  if (ROLLBACKS > 0) {
    const rollbackClient = [];
    const rollbackServer = [];
    for (let i = 0; i < ROLLBACKS; i++) {
      const previous = await settled(upstream.id);
      const tag = TAGS.find(t => t !== previous.version) ?? TAGS[0];
      await timed(deployPath, {
        image: imageOf(COMPONENT, tag),
        message: `benchmark ${run}: before rollback ${i + 1}`,
      });
      const { client, server } = await timed(
        `/environments/${upstream.id}/rollback`,
        {
          deploymentId: previous.id,
          reason: `benchmark ${run}: rollback ${i + 1}`,
        },
      );
      rollbackClient.push(client);
      rollbackServer.push(server);
      progress(`rollbacks: ${i + 1}/${ROLLBACKS} succeeded`);
    }
    console.log(`
Rollback → succeeded (${ROLLBACKS} rollbacks, each after a deploy)
  seen by the client:  ${figures(rollbackClient)}   (target: p50 ≤ 500 ms)
  server side:  ${figures(rollbackServer)}`);
  }

  // (c) Promotions: deploy a new image upstream (by hand, which also lifts
  // the rollbacks' pin), then promote it downstream.
  if (PROMOTIONS > 0) {
    const promotionClient = [];
    const promotionServer = [];
    for (let i = 0; i < PROMOTIONS; i++) {
      const running = await settled(downstream.id);
      const tag = TAGS.find(t => t !== running?.version) ?? TAGS[0];
      const { deployment } = await timed(deployPath, {
        image: imageOf(COMPONENT, tag),
        message: `benchmark ${run}: to promote ${i + 1}`,
      });
      const { client, server } = await timed(
        `/environments/${downstream.id}/promote`,
        {
          deploymentId: deployment.id,
          message: `benchmark ${run}: promotion ${i + 1}`,
        },
      );
      promotionClient.push(client);
      promotionServer.push(server);
      progress(`promotions: ${i + 1}/${PROMOTIONS} succeeded`);
    }
    console.log(`
Promotion ${upstreamName} → ${downstreamName} → succeeded (${PROMOTIONS} promotions)
  seen by the client:  ${figures(promotionClient)}   (target: p50 ≤ 500 ms)
  server side:  ${figures(promotionServer)}`);
  }

  // (d) A burst: one deploy to each of CONCURRENT environments, all at once.
  if (CONCURRENT > 0) {
    const burstEnvironments = await bounded(
      Array.from({ length: CONCURRENT }, (_, i) => i),
      PROVISION_CONCURRENCY,
      async i => {
        const environment = await api('POST', '/environments', {
          componentRef: `component:default/${
            BURST_COMPONENTS[i % BURST_COMPONENTS.length]
          }`,
          type: 'development',
          name: `bench-${run}-${i}`,
        });
        created.add(environment.id);
        progress(`burst set-up: ${created.size} environments requested`);
        return environment;
      },
    );
    console.log();
    const ids = burstEnvironments.map(e => e.id);
    await waitForEnvironments(ids, 'ready', 600_000, 'burst set-up');
    await bounded(ids, PROVISION_CONCURRENCY, settled);
    console.log();

    const before = writeCounts();
    const cpuBefore = cpuSeconds();
    const logAt = logOffset();
    const start = Date.now();
    const deployments = await Promise.all(
      burstEnvironments.map(environment =>
        api('POST', `/environments/${environment.id}/deployments`, {
          image: imageOf(environment.componentRef, TAGS[0]),
          message: `benchmark ${run}: burst`,
        }),
      ),
    );
    const accepted = Date.now() - start;
    const finished = [];
    // One "what runs where" per component and round, every BURST_POLL_MS:
    // polling each deployment would load the backend more than the deploys.
    let pending = deployments.map(d => d.id);
    while (pending.length > 0) {
      const wanted = new Set(pending);
      const states = (
        await Promise.all(
          BURST_COMPONENTS.map(name =>
            api(
              'GET',
              `/what-runs-where?componentRef=${encodeURIComponent(
                `component:default/${name}`,
              )}`,
            ),
          ),
        )
      )
        .flatMap(where => where.environments.map(e => e.current))
        .filter(current => current && wanted.has(current.id));
      // One not seen (not yet listed as current) stays pending.
      const seen = new Set(states.map(deployment => deployment.id));
      pending = pending.filter(id => !seen.has(id));
      for (const deployment of states) {
        if (deployment.state === 'succeeded') finished.push(deployment);
        else if (deployment.state === 'rolling-out')
          pending.push(deployment.id);
        else
          throw new Error(
            `Deployment ${deployment.id} is ${deployment.state}: ${deployment.reason}`,
          );
      }
      progress(`burst: ${finished.length}/${CONCURRENT} succeeded`);
      if (Date.now() - start > 600_000) {
        throw new Error(`${pending.length} deploys not succeeded after 600 s`);
      }
      if (pending.length > 0) await sleep(BURST_POLL_MS);
    }
    const allSeconds = (Date.now() - start) / 1000;
    const serverSeconds =
      (Math.max(...finished.map(d => Date.parse(d.finishedAt))) -
        Math.min(...finished.map(d => Date.parse(d.createdAt)))) /
      1000;
    const writes = writesBetween(before, writeCounts());
    const cpu = describeCpu(cpuBefore, cpuSeconds(), CONCURRENT);
    console.log(`
${CONCURRENT} deploys at once, each to its own environment (${
      BURST_COMPONENTS.length
    } components):
  all accepted (202) after ${accepted} ms; all succeeded after ${allSeconds.toFixed(
      1,
    )} s as seen by the client, ${serverSeconds.toFixed(
      1,
    )} s server side (first createdAt → last finishedAt)   (target ≤ 15 s)
  each deploy, server side: ${figures(finished.map(serverMs))}
  CPU used meanwhile (of ${cpus().length} cores × ${allSeconds.toFixed(
      1,
    )} s): ${cpu}
  Kubernetes writes per deploy by the orchestrator: ${describeOrchestrator(
    orchestratorWrites(
      logAt,
      burstEnvironments.map(e => e.namespace),
    ),
    CONCURRENT,
  )}; the API server's counters, everyone: ${(
      writes.applyTotal / CONCURRENT
    ).toFixed(1)} applies, ${(writes.otherTotal / CONCURRENT).toFixed(
      1,
    )} other writes${unavailableNote()}`);
  }
} catch (error) {
  console.error(`\nBenchmark failed: ${error.message}`);
  if (/environments\.count_per_team/.test(error.message)) {
    // The burst needs more environments than the shipped policies allow a team.
    console.error(`
The policies allow a team fewer live environments than the burst needs (${CONCURRENT}).
Run the portal with the benchmark's policy data (a team may have 200) and try again:

  IDP_POLICY_PATCH=scripts/local-opa/for-benchmarks.patch.json ./platform start

or ask for fewer at once (--concurrent 15).`);
  }
  process.exitCode = 1;
} finally {
  await cleanUp();
}
