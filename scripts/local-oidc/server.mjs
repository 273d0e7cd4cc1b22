#!/usr/bin/env node
// Runs the local OpenID Connect issuer on loopback until stopped (scripts/local-oidc/README.md).
//   node scripts/local-oidc/server.mjs
// IDP_OIDC_PORT (default 7100), IDP_OIDC_STATE_DIR (default <repo>/.local/oidc),
// IDP_OIDC_ORG_FILE (default <repo>/catalog/org.yaml), IDP_OIDC_PASSWORD (default acme-local).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createIssuer } from './issuer.mjs';
import { readPeople } from './people.mjs';
import { loadOrCreateState } from './state.mjs';

const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../..',
);
const port = Number(process.env.IDP_OIDC_PORT ?? 7100);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(
    `IDP_OIDC_PORT: must be a port number (1-65535), got '${process.env.IDP_OIDC_PORT}'`,
  );
  process.exit(2);
}
const stateDir =
  process.env.IDP_OIDC_STATE_DIR ?? path.join(repoRoot, '.local/oidc');
const orgFile =
  process.env.IDP_OIDC_ORG_FILE ?? path.join(repoRoot, 'catalog/org.yaml');
const password = process.env.IDP_OIDC_PASSWORD ?? 'acme-local';
const log = message => console.log(`${new Date().toISOString()} ${message}`);

const people = await readPeople(orgFile);
const state = await loadOrCreateState(stateDir);
const issuer = `http://localhost:${port}`;
const { server } = createIssuer({ issuer, people, password, state, log });
server.listen(port, '127.0.0.1', () =>
  log(
    `issuer ${issuer}: ${people.length} people from ${path.relative(
      repoRoot,
      orgFile,
    )}`,
  ),
);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
