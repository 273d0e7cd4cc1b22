import { Command } from 'commander';
import { z } from 'zod';
import { loginWithBrowser } from '../auth/login';
import { authBaseUrl } from '../auth/oauth';
import { CliContext } from '../context';
import { CliError, EXIT } from '../exitCodes';
import { renderFields } from '../output/table';
import { Runtime, withExamples } from './define';

// GET /api/auth/v1/userinfo answers { claims: { sub, ent } } for a user's token.
const userInfoSchema = z
  .object({
    claims: z.object({
      sub: z.string(),
      ent: z.array(z.string()).optional(),
    }),
  })
  .transform(info => info.claims);

/** Who the token belongs to, as the auth backend says; undefined for a token that is not a user's. */
async function userInfo(ctx: CliContext) {
  const response = await ctx.fetch(
    `${authBaseUrl(await ctx.backendUrl())}/v1/userinfo`,
  );
  if (!response.ok) return undefined;
  const parsed = userInfoSchema.safeParse(await response.json());
  return parsed.success ? parsed.data : undefined;
}

/** `idp login|logout|whoami`: who idp acts as, against which backend. */
export function registerAuthCommands(program: Command, runtime: Runtime) {
  withExamples(
    program
      .command('login')
      .description(
        'log in to the platform: in the browser (OAuth 2.0 with PKCE, as the Backstage CLI does), or with --token for CI',
      )
      .option(
        '--no-browser',
        'print the URL to open instead of opening a browser',
      )
      .addHelpText(
        'after',
        `
With --token (a global option), the token is checked against the backend and stored as it is:
the static token of app-config's backend.auth.externalAccess, or a user token. With neither,
the browser flow runs: sign in to the portal, approve "idp" on its consent page, and the
browser hands the code back to idp on http://127.0.0.1:8055/callback. The login is stored in
$XDG_CONFIG_HOME/idp/credentials.json (0600), renewed with its refresh token, and the backend
becomes the default for later commands.`,
      ),
    [
      'idp login',
      'idp login --backend-url https://idp.example.com --no-browser',
      'idp login --token "$IDP_CI_TOKEN"',
    ],
  ).action(async (options, command) => {
    const ctx = runtime.context(command);
    const backendUrl = await ctx.backendUrl();
    const token = command.optsWithGlobals().token as string | undefined;
    if (token) {
      // A request that takes any caller tells whether the backend takes the
      // token: a static CI token is a service principal, which user-only
      // endpoints such as /types refuse.
      await ctx.client.listEnvironments({ limit: 1 });
      await ctx.store.setCredentials(backendUrl, { kind: 'token', token });
    } else {
      const credentials = await loginWithBrowser({
        io: ctx.io,
        fetch,
        backendUrl,
        noBrowser: options.browser === false,
      });
      await ctx.store.setCredentials(backendUrl, credentials);
      if (!credentials.refreshToken) {
        ctx.note(
          'The backend gave no refresh token (auth.experimentalRefreshToken.enabled is off): log in again when this one expires.',
        );
      }
    }
    await ctx.store.writeConfig({
      ...(await ctx.store.readConfig()),
      backendUrl,
    });
    const fresh = runtime.context(command);
    const user = token ? await userInfo(ctx) : await userInfo(fresh);
    ctx.io.stdout.write(
      `Logged in to ${backendUrl}${
        user ? ` as ${user.sub}` : ' with a token'
      }\n`,
    );
  });

  withExamples(
    program
      .command('logout')
      .description('forget the stored login to the backend'),
    ['idp logout', 'idp logout --backend-url https://idp.example.com'],
  ).action(async (_options, command) => {
    const ctx = runtime.context(command);
    const backendUrl = await ctx.backendUrl();
    const removed = await ctx.store.deleteCredentials(backendUrl);
    ctx.io.stdout.write(
      removed
        ? `Logged out of ${backendUrl}\n`
        : `Not logged in to ${backendUrl}\n`,
    );
  });

  withExamples(
    program
      .command('whoami')
      .description('who idp acts as, on which backend, and with which token'),
    ['idp whoami', 'IDP_TOKEN=... idp whoami -o json'],
  ).action(async (_options, command) => {
    const ctx = runtime.context(command);
    const backendUrl = await ctx.backendUrl();
    const globals = command.optsWithGlobals();
    const stored = await ctx.store.getCredentials(backendUrl);
    let source: string | undefined;
    if (globals.token) source = '--token';
    else if (ctx.io.env.IDP_TOKEN) source = 'IDP_TOKEN';
    else if (stored) {
      source = `${stored.kind === 'oauth' ? 'login' : 'login --token'} (${
        ctx.store.credentialsFile
      })`;
    }
    if (!source) {
      throw new CliError(
        `Not logged in to ${backendUrl}: run idp login`,
        EXIT.notAllowed,
      );
    }
    const user = await userInfo(ctx);
    const info = {
      backendUrl,
      user: user?.sub,
      ownership: user?.ent,
      token: source,
      expiresAt:
        !globals.token && !ctx.io.env.IDP_TOKEN && stored?.kind === 'oauth'
          ? new Date(stored.expiresAt).toISOString()
          : undefined,
    };
    ctx.print(info, () =>
      renderFields(
        [
          ['Backend', backendUrl],
          ['User', user?.sub ?? 'not a user token (a static or service token)'],
          ['Ownership', user?.ent?.join(', ')],
          ['Token from', source],
          ['Expires', info.expiresAt],
        ],
        ctx.colors,
      ),
    );
  });
}
