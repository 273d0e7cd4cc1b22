// Static check of docker/: no Docker engine runs here, so this verifies what can be
// verified without one. Every path the Dockerfile copies from the build context exists,
// the backend build produces the skeleton and bundle it unpacks, and the bundle holds
// the built frontend that the backend serves. Run after `yarn workspace backend build`.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '..',
);
const problems = [];
const dockerfile = readFileSync(path.join(root, 'docker/Dockerfile'), 'utf8');

// COPY lines without --from= copy from the build context.
for (const line of dockerfile.split('\n')) {
  const m = line.match(/^COPY\s+(?!.*--from=)(?:--\S+\s+)*(.+)$/);
  if (!m) continue;
  const parts = m[1].trim().split(/\s+/);
  for (const source of parts.slice(0, -1)) {
    if (source !== '.' && !existsSync(path.join(root, source))) {
      problems.push(
        `docker/Dockerfile copies '${source}', which is not in the repository`,
      );
    }
  }
}

const dist = path.join(root, 'packages/backend/dist');
for (const file of ['skeleton.tar.gz', 'bundle.tar.gz']) {
  if (!existsSync(path.join(dist, file))) {
    problems.push(
      `packages/backend/dist/${file} is missing: the backend build no longer produces what docker/Dockerfile unpacks`,
    );
  }
}
if (problems.length === 0) {
  const list = f =>
    execFileSync('tar', ['tzf', path.join(dist, f)], {
      encoding: 'utf8',
    }).split('\n');
  const skeleton = list('skeleton.tar.gz');
  const bundle = list('bundle.tar.gz');
  for (const want of [
    'packages/backend/package.json',
    'packages/app/package.json',
  ]) {
    if (!skeleton.includes(want))
      problems.push(`skeleton.tar.gz lacks ${want}`);
  }
  for (const want of [
    'packages/backend/dist/index.cjs.js',
    'packages/app/dist/index.html',
  ]) {
    if (!bundle.some(f => f === want))
      problems.push(`bundle.tar.gz lacks ${want}`);
  }
}

const compose = readFileSync(path.join(root, 'docker/compose.yaml'), 'utf8');
for (const variable of [
  'POSTGRES_HOST',
  'POSTGRES_USER',
  'POSTGRES_PASSWORD',
]) {
  if (!compose.includes(`${variable}:`))
    problems.push(
      `docker/compose.yaml does not set ${variable}, which app-config.production.yaml reads`,
    );
}

if (problems.length) {
  for (const p of problems) console.error(`✕ ${p}`);
  console.error(`docker: 0 passed, ${problems.length} failed`);
  process.exit(1);
}
console.log(
  '✓ docker/Dockerfile and docker/compose.yaml match the build output',
);
