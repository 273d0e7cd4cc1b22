// A real OpenID Connect issuer (oidc-provider, a certified implementation) for local use:
// the seed organization's people sign in with a password, the portal is its one client,
// and nobody is asked for consent, since the portal is the platform's own application.
import http from 'node:http';
import Provider from 'oidc-provider';
import { errorPage, loginPage } from './loginPage.mjs';
import { findPerson } from './people.mjs';

/** The portal's client id; its redirect URI is `<portal>/api/auth/oidc/handler/frame`. */
export const PORTAL_CLIENT_ID = 'idp-portal';
const PORTAL_CALLBACK_PATH = '/api/auth/oidc/handler/frame';
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Every local portal runs on its own port (./platform start on 7007, each browser test
 * run on its E2E_PORT): the portal's callback on any loopback port is its redirect URI.
 * Nothing but loopback: this issuer serves this machine only.
 */
function isLocalPortalCallback(uri) {
  const url = URL.parse(uri);
  return (
    url !== null &&
    url.protocol === 'http:' &&
    LOOPBACK_HOSTS.has(url.hostname) &&
    url.pathname === PORTAL_CALLBACK_PATH &&
    url.search === '' &&
    url.hash === ''
  );
}

const readForm = req =>
  new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', chunk => {
      body += chunk;
      if (body.length > 10_000) reject(new Error('form too large'));
    });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });

const sendHtml = (res, status, html) => {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(html);
};

/**
 * @param {{
 *   issuer: string,
 *   people: import('./people.mjs').Person[],
 *   password: string,
 *   state: import('./state.mjs').IssuerState,
 *   log?: (message: string) => void,
 * }} options
 */
export function createIssuer({
  issuer,
  people,
  password,
  state,
  log = () => {},
}) {
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: PORTAL_CLIENT_ID,
        client_name: 'Acme Developer Platform',
        client_secret: state.clientSecret,
        redirect_uris: [`http://localhost:7007${PORTAL_CALLBACK_PATH}`],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [state.signingKey] },
    cookies: { keys: state.cookieKeys },
    claims: {
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
      // Informational: the portal takes groups from the catalog's memberOf.
      groups: ['groups'],
    },
    async findAccount(_ctx, sub) {
      const person = people.find(p => p.name === sub);
      if (!person) return undefined;
      return {
        accountId: person.name,
        async claims() {
          return {
            sub: person.name,
            email: person.email,
            // Backstage's oidc provider keeps the email only when it is verified, and the
            // production resolver signs in by email.
            email_verified: true,
            name: person.displayName,
            preferred_username: person.name,
            groups: person.groups,
          };
        },
      };
    },
    // The portal asks for offline_access without prompt=consent (it never shows a consent
    // screen), which the spec says drops the scope; it still needs a refresh token to keep
    // its session across page loads.
    async issueRefreshToken(_ctx, client) {
      return client.grantTypeAllowed('refresh_token');
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
    },
    ttl: {
      AccessToken: 60 * 60,
      AuthorizationCode: 60,
      IdToken: 60 * 60,
      Interaction: 60 * 60,
      Grant: 14 * 24 * 60 * 60,
      RefreshToken: 14 * 24 * 60 * 60,
      Session: 14 * 24 * 60 * 60,
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = errorPage({
        title: 'Sign-in failed',
        message: `${out.error}: ${out.error_description ?? ''}`,
      });
    },
  });
  provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(
    value,
  ) {
    return this.redirectUris.includes(value) || isLocalPortalCallback(value);
  };
  provider.on('server_error', (_ctx, error) =>
    log(`server error: ${error.stack ?? error}`),
  );

  async function interaction(req, res, uid) {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) {
      sendHtml(
        res,
        400,
        errorPage({
          title: 'Sign-in failed',
          message:
            'This sign-in page is out of date; start again from the portal.',
        }),
      );
      return;
    }
    const client = await provider.Client.find(details.params.client_id);
    const clientName = client?.clientName ?? String(details.params.client_id);

    if (details.prompt.name === 'consent') {
      // The portal is first-party: grant what it asked for, without a consent screen.
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({
            accountId: details.session.accountId,
            clientId: details.params.client_id,
          });
      const missing = details.prompt.details;
      if (missing.missingOIDCScope)
        grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims)
        grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(
        missing.missingResourceScopes ?? {},
      )) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
      const grantId = await grant.save();
      await provider.interactionFinished(
        req,
        res,
        { consent: { grantId } },
        { mergeWithLastSubmission: true },
      );
      return;
    }

    const action = `/interaction/${uid}`;
    if (req.method === 'GET') {
      sendHtml(res, 200, loginPage({ action, clientName, people }));
      return;
    }
    const form = await readForm(req);
    if (form.get('action') === 'cancel') {
      await provider.interactionFinished(
        req,
        res,
        {
          error: 'access_denied',
          error_description: 'The user cancelled the sign-in',
        },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const login = form.get('login') ?? '';
    const person = findPerson(people, login);
    if (!person || form.get('password') !== password) {
      log(`refused sign-in as '${login}': wrong user name or password`);
      sendHtml(
        res,
        401,
        loginPage({
          action,
          clientName,
          people,
          login,
          error: 'Wrong user name or password.',
        }),
      );
      return;
    }
    log(`signed in ${person.name} <${person.email}>`);
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: person.name } },
      { mergeWithLastSubmission: false },
    );
  }

  const handle = provider.callback();
  const server = http.createServer((req, res) => {
    const match = /^\/interaction\/([\w-]+)$/.exec(
      new URL(req.url ?? '/', issuer).pathname,
    );
    if (!match) {
      handle(req, res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.writeHead(405, { Allow: 'GET, POST' }).end();
      return;
    }
    interaction(req, res, match[1]).catch(error => {
      log(`interaction failed: ${error.message}`);
      if (!res.headersSent) {
        sendHtml(
          res,
          error.statusCode ?? 500,
          errorPage({
            title: 'Sign-in failed',
            message: error.error_description ?? error.message,
          }),
        );
      }
    });
  });
  return { provider, server };
}
