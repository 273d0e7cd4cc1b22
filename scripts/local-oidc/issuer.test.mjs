// The issuer as the portal uses it: server.mjs on a free port, the authorization code
// flow with PKCE through its login page, tokens for a seed user, userinfo and refresh.
// Run: node --test scripts/local-oidc/
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const PASSWORD = 'test-password';
const REDIRECT_URI = 'http://localhost:7015/api/auth/oidc/handler/frame';

const freePort = () =>
  new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });

/** A browser's cookies, enough for one issuer: name → value. */
function cookieJar() {
  const cookies = new Map();
  return {
    header: () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    take(response) {
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const eq = pair.indexOf('=');
        cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
    },
  };
}

let issuer;
let server;
let stateDir;
let clientSecret;

before(async () => {
  const port = await freePort();
  issuer = `http://localhost:${port}`;
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'local-oidc-test-'));
  server = spawn(process.execPath, [path.join(here, 'server.mjs')], {
    env: {
      ...process.env,
      IDP_OIDC_PORT: String(port),
      IDP_OIDC_STATE_DIR: stateDir,
      IDP_OIDC_PASSWORD: PASSWORD,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    server.stdout.on('data', chunk => {
      if (String(chunk).includes(`issuer ${issuer}`)) resolve();
    });
    server.on('exit', code =>
      reject(new Error(`server.mjs exited with ${code}`)),
    );
  });
  ({ clientSecret } = JSON.parse(
    await readFile(path.join(stateDir, 'state.json'), 'utf8'),
  ));
});

after(async () => {
  server?.kill('SIGTERM');
  await rm(stateDir, { recursive: true, force: true });
});

/**
 * Starts an authorization request and follows the issuer's redirects as a browser
 * would, until it shows a page or sends the browser back to the portal.
 */
async function follow(jar, url, init = {}) {
  let response = await fetch(url, {
    ...init,
    redirect: 'manual',
    headers: { ...init.headers, cookie: jar.header() },
  });
  jar.take(response);
  while ([302, 303].includes(response.status)) {
    const location = new URL(response.headers.get('location'), issuer);
    if (location.href.startsWith(REDIRECT_URI)) return { location };
    response = await fetch(location, {
      redirect: 'manual',
      headers: { cookie: jar.header() },
    });
    jar.take(response);
  }
  return { page: response, html: await response.text() };
}

function authorizationRequest({ redirectUri = REDIRECT_URI } = {}) {
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL('/auth', issuer);
  url.search = new URLSearchParams({
    client_id: 'idp-portal',
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid profile email offline_access',
    state: 'state-1',
    nonce: 'nonce-1',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  return { url, verifier };
}

const formAction = html =>
  /<form method="post" action="([^"]+)"/.exec(html)?.[1];

async function submitLogin(jar, html, login, password) {
  return follow(jar, new URL(formAction(html), issuer), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ login, password, action: 'login' }),
  });
}

async function token(body) {
  const response = await fetch(new URL('/token', issuer), {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(
        `idp-portal:${clientSecret}`,
      ).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(body),
  });
  return { status: response.status, body: await response.json() };
}

async function verifyIdToken(idToken) {
  const [header, payload, signature] = idToken.split('.');
  const { alg, kid } = JSON.parse(Buffer.from(header, 'base64url').toString());
  assert.equal(alg, 'RS256');
  const { keys } = await (await fetch(new URL('/jwks', issuer))).json();
  const key = createPublicKey({
    key: keys.find(k => k.kid === kid),
    format: 'jwk',
  });
  assert.ok(
    verify(
      'RSA-SHA256',
      Buffer.from(`${header}.${payload}`),
      key,
      Buffer.from(signature, 'base64url'),
    ),
    'the id token is signed with the published key',
  );
  return JSON.parse(Buffer.from(payload, 'base64url').toString());
}

describe('local OpenID Connect issuer', () => {
  it('publishes its metadata with the issuer, PKCE and a userinfo endpoint', async () => {
    const metadata = await (
      await fetch(new URL('/.well-known/openid-configuration', issuer))
    ).json();
    assert.equal(metadata.issuer, issuer);
    assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
    assert.ok(metadata.userinfo_endpoint);
  });

  it('signs in a seed user through the login page and issues their tokens', async () => {
    const jar = cookieJar();
    const { url, verifier } = authorizationRequest();
    const login = await follow(jar, url);
    assert.equal(login.page.status, 200);
    assert.match(login.html, /Alice Nguyen \(alice\.nguyen@acme\.example\)/);

    const refused = await submitLogin(jar, login.html, 'alice.nguyen', 'wrong');
    assert.equal(refused.page.status, 401);
    assert.match(refused.html, /Wrong user name or password/);

    // By email this time: both name and email sign in.
    const { location } = await submitLogin(
      jar,
      refused.html,
      'alice.nguyen@acme.example',
      PASSWORD,
    );
    assert.equal(location.searchParams.get('state'), 'state-1');
    assert.equal(location.searchParams.get('iss'), issuer);

    const tokens = await token({
      grant_type: 'authorization_code',
      code: location.searchParams.get('code'),
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    const claims = await verifyIdToken(tokens.body.id_token);
    assert.equal(claims.iss, issuer);
    assert.equal(claims.sub, 'alice.nguyen');
    assert.equal(claims.aud, 'idp-portal');
    assert.equal(claims.nonce, 'nonce-1');

    const userinfo = await (
      await fetch(new URL('/me', issuer), {
        headers: { authorization: `Bearer ${tokens.body.access_token}` },
      })
    ).json();
    assert.deepEqual(
      { ...userinfo, groups: undefined },
      {
        sub: 'alice.nguyen',
        email: 'alice.nguyen@acme.example',
        email_verified: true,
        name: 'Alice Nguyen',
        preferred_username: 'alice.nguyen',
        groups: undefined,
      },
    );

    // The portal keeps its session across page loads with the refresh token.
    assert.ok(tokens.body.refresh_token, 'a refresh token is issued');
    const refreshed = await token({
      grant_type: 'refresh_token',
      refresh_token: tokens.body.refresh_token,
    });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.equal(
      (await verifyIdToken(refreshed.body.id_token)).sub,
      'alice.nguyen',
    );
  });

  it('refuses people who are not in the organization', async () => {
    const jar = cookieJar();
    const login = await follow(jar, authorizationRequest().url);
    const refused = await submitLogin(jar, login.html, 'mallory', PASSWORD);
    assert.equal(refused.page.status, 401);
  });

  it('sends the browser back only to a portal on loopback', async () => {
    const jar = cookieJar();
    const { page, html } = await follow(
      jar,
      authorizationRequest({
        redirectUri: 'http://evil.example/api/auth/oidc/handler/frame',
      }).url,
    );
    assert.equal(page.status, 400);
    assert.match(html, /redirect_uri/);
  });
});
