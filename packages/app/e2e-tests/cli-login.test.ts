import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/*
 * `idp login` as a person runs it, against the real portal: the command
 * prints the authorize URL (--no-browser), the browser opens it, the portal
 * signs the user in and shows its consent page (@backstage/plugin-auth) for
 * the backend's own CLI client, the user authorizes, the browser is sent to
 * idp's callback on 127.0.0.1:8055, and idp stores the tokens it exchanged
 * the code for. cli.test.ts covers what the CLI does once logged in.
 */
const idpBin = path.resolve(__dirname, '../../cli/bin/idp');
const configHome = fs.mkdtempSync(path.join(os.tmpdir(), 'idp-login-e2e-'));

type Run = { code: number | null; stdout: string; stderr: string };

function idp(args: string[], onStderr?: (text: string) => void): Promise<Run> {
  return new Promise(resolve => {
    const child = spawn(process.execPath, [idpBin, ...args], {
      env: { ...process.env, XDG_CONFIG_HOME: configHome, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    child.stderr.on('data', chunk => {
      stderr += chunk;
      onStderr?.(stderr);
    });
    child.on('exit', code => resolve({ code, stdout, stderr }));
  });
}

test('idp login: the portal signs the user in and asks them to authorize the CLI', async ({
  page,
  baseURL,
}) => {
  let printed: (url: string) => void;
  const authorizeUrl = new Promise<string>(resolve => (printed = resolve));
  const login = idp(
    ['login', '--backend-url', baseURL!, '--no-browser'],
    text => {
      const url = text.match(/(http\S+\/api\/auth\/v1\/authorize\S+)/)?.[1];
      if (url) printed(url);
    },
  );

  await page.goto(await authorizeUrl);
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(page.getByText('Backstage CLI')).toBeVisible();
  await expect(page.getByText('openid offline_access')).toBeVisible();
  await page.getByRole('button', { name: 'Authorize' }).click();
  await expect(page.getByText('Logged in to idp')).toBeVisible();

  const result = await login;
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toBe(`Logged in to ${baseURL} as user:default/guest\n`);

  // Stored 0600 with a refresh token; later commands use it without --token.
  const credentials = path.join(configHome, 'idp', 'credentials.json');
  expect(fs.statSync(credentials).mode & 0o777).toBe(0o600);
  expect(
    JSON.parse(fs.readFileSync(credentials, 'utf8'))[baseURL!],
  ).toMatchObject({
    kind: 'oauth',
    refreshToken: expect.any(String),
  });
  const whoami = await idp(['whoami', '-o', 'json']);
  expect(whoami.code, whoami.stderr).toBe(0);
  expect(JSON.parse(whoami.stdout)).toMatchObject({
    backendUrl: baseURL,
    user: 'user:default/guest',
  });
  const types = await idp(['env', 'types', '-o', 'json']);
  expect(types.code, types.stderr).toBe(0);
});
