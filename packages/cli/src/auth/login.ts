import { OAuthCredentials } from '../config/store';
import { CliIo } from '../io';
import { startCallbackServer } from './callbackServer';
import {
  assertCliLoginEnabled,
  buildAuthorizeUrl,
  exchangeAuthorizationCode,
} from './oauth';
import { createPkceState } from './pkce';

/**
 * Logs in through the browser: the user signs in to the portal as usual and
 * approves the CLI on the portal's consent page (/oauth2/authorize/:id,
 * from @backstage/plugin-auth); the browser is then redirected to a local
 * server with the code, which is exchanged for tokens.
 */
export async function loginWithBrowser(options: {
  io: CliIo;
  fetch: typeof fetch;
  backendUrl: string;
  noBrowser: boolean;
}): Promise<OAuthCredentials> {
  const { io, backendUrl } = options;
  await assertCliLoginEnabled(options.fetch, backendUrl);
  const pkce = createPkceState();
  const callback = await startCallbackServer({
    state: pkce.state,
    port: io.callbackPort,
  });
  try {
    const url = buildAuthorizeUrl({
      backendUrl,
      redirectUri: callback.url,
      state: pkce.state,
      challenge: pkce.challenge,
    });
    if (options.noBrowser || !io.openBrowser) {
      io.stderr.write(`Open this URL in a browser to log in:\n\n  ${url}\n\n`);
    } else {
      io.stderr.write(
        `Opening your browser to log in. If it does not open, visit:\n\n  ${url}\n\n`,
      );
      io.openBrowser(url);
    }
    io.stderr.write('Waiting for the login to be approved in the browser...\n');
    const code = await callback.waitForCode(io.signal);
    return await exchangeAuthorizationCode(options.fetch, {
      backendUrl,
      code,
      redirectUri: callback.url,
      verifier: pkce.verifier,
    });
  } finally {
    await callback.close();
  }
}
