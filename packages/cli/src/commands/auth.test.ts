import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeBackend, startFakeBackend } from '../testUtils/fakeBackend';
import { runCli } from '../testUtils/runCli';

describe('idp login, whoami, logout', () => {
  let backend: FakeBackend;
  let env: Record<string, string>;
  let configDir: string;

  beforeEach(async () => {
    backend = await startFakeBackend({
      tokens: { 'static-ci-token': 'service' },
    });
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'idp-'));
    configDir = path.join(home, 'idp');
    env = { XDG_CONFIG_HOME: home };
  });

  afterEach(() => backend.close());

  const credentialsFile = () => path.join(configDir, 'credentials.json');
  const storedCredentials = () =>
    JSON.parse(fs.readFileSync(credentialsFile(), 'utf8'));
  const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

  it('logs in through the browser with PKCE, stores the tokens 0600, and later commands use them', async () => {
    let authorizeUrl = '';
    const result = await runCli(['login', '--backend-url', backend.url], {
      env,
      // The "browser": follows the authorize redirect to idp's callback server.
      openBrowser: url => {
        authorizeUrl = url;
        fetch(url).catch(() => {});
      },
    });
    expect(result.stderr).toContain(authorizeUrl);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `Logged in to ${backend.url} as user:default/guest\n`,
    );

    // The authorize request, and the exchange proving the verifier behind its challenge.
    const authorize = new URL(authorizeUrl);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      client_id: `${backend.url}/api/auth/.well-known/oauth-client/cli.json`,
      response_type: 'code',
      scope: 'openid offline_access',
      code_challenge_method: 'S256',
    });
    const exchange = backend.requests.find(
      r => r.path === '/api/auth/v1/token',
    )!;
    const body = exchange.body as Record<string, string>;
    expect(body.grant_type).toBe('authorization_code');
    expect(body.redirect_uri).toBe(authorize.searchParams.get('redirect_uri'));
    expect(
      crypto
        .createHash('sha256')
        .update(body.code_verifier)
        .digest('base64url'),
    ).toBe(authorize.searchParams.get('code_challenge'));

    expect(modeOf(credentialsFile())).toBe(0o600);
    expect(modeOf(configDir) & 0o077).toBe(0);
    expect(storedCredentials()[backend.url]).toMatchObject({
      kind: 'oauth',
      accessToken: 'access-1',
      refreshToken: 'refresh-1:user:default/guest',
    });

    // No --backend-url, no IDP_TOKEN: the login's backend and token.
    const list = await runCli(['env', 'ls'], { env });
    expect(list.code).toBe(0);
    expect(backend.requests.at(-1)).toMatchObject({
      path: '/api/environments/environments',
      authorization: 'Bearer access-1',
    });

    const whoami = await runCli(['whoami', '-o', 'json'], { env });
    expect(JSON.parse(whoami.stdout)).toMatchObject({
      backendUrl: backend.url,
      user: 'user:default/guest',
    });

    const logout = await runCli(['logout'], { env });
    expect(logout.stdout).toBe(`Logged out of ${backend.url}\n`);
    expect(storedCredentials()).toEqual({});
    const after = await runCli(['whoami'], { env });
    expect(after.code).toBe(4);
  });

  it('prints the URL with --no-browser, and the login completes when it is opened', async () => {
    const result = await runCli(
      ['login', '--backend-url', backend.url, '--no-browser'],
      {
        env,
        openBrowser: () => {
          throw new Error('must not open a browser');
        },
        onStderr: chunk => {
          const printed = chunk.match(/(http:\/\/\S+\/v1\/authorize\S+)/)?.[1];
          if (printed) fetch(printed).catch(() => {});
        },
      },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Open this URL in a browser to log in:');
  });

  it('renews an expired access token with the refresh token, and stores the new one', async () => {
    fs.mkdirSync(configDir, { recursive: true });
    fs.writeFileSync(
      path.join(configDir, 'config.json'),
      JSON.stringify({ backendUrl: backend.url }),
    );
    fs.writeFileSync(
      credentialsFile(),
      JSON.stringify({
        [backend.url]: {
          kind: 'oauth',
          accessToken: 'expired',
          refreshToken: 'refresh-0:user:default/alice',
          expiresAt: Date.now() - 1000,
          clientId: 'x',
        },
      }),
    );
    const result = await runCli(['env', 'ls'], { env });
    expect(result.code).toBe(0);
    const refresh = backend.requests.find(r => r.path === '/api/auth/v1/token');
    expect(refresh?.body).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'refresh-0:user:default/alice',
    });
    expect(backend.requests.at(-1)?.authorization).toBe('Bearer access-1');
    expect(storedCredentials()[backend.url]).toMatchObject({
      accessToken: 'access-1',
      refreshToken: 'refresh-1:user:default/alice',
    });
    expect(storedCredentials()[backend.url].expiresAt).toBeGreaterThan(
      Date.now(),
    );
  });

  it('stores a token from login --token once the backend takes it, and refuses one it does not', async () => {
    const refused = await runCli(
      ['login', '--backend-url', backend.url, '--token', 'wrong'],
      { env },
    );
    expect(refused.code).toBe(4);
    expect(fs.existsSync(credentialsFile())).toBe(false);

    const result = await runCli(
      ['login', '--backend-url', backend.url, '--token', 'static-ci-token'],
      { env },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Logged in to ${backend.url} with a token\n`);
    expect(storedCredentials()).toEqual({
      [backend.url]: { kind: 'token', token: 'static-ci-token' },
    });
    expect(modeOf(credentialsFile())).toBe(0o600);

    const list = await runCli(['env', 'ls'], { env });
    expect(list.code).toBe(0);
    expect(backend.requests.at(-1)?.authorization).toBe(
      'Bearer static-ci-token',
    );

    // IDP_TOKEN wins over the stored login, for CI.
    await runCli(['env', 'ls'], { env: { ...env, IDP_TOKEN: 'from-env' } });
    expect(backend.requests.at(-1)?.authorization).toBe('Bearer from-env');
  });

  it('says how to enable CLI login when the backend does not offer it', async () => {
    await backend.close();
    backend = await startFakeBackend({ cimd: false });
    const result = await runCli(['login', '--backend-url', backend.url], {
      env,
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      'auth.clientIdMetadataDocuments.enabled: true',
    );
  });

  it('rejects a backend URL that is not one', async () => {
    const result = await runCli(['env', 'ls'], {
      env: { ...env, IDP_BACKEND_URL: 'localhost:7007' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: IDP_BACKEND_URL must be an http(s) URL such as http://localhost:7007 (got "localhost:7007")\n',
    );
  });
});
