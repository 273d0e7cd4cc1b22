import { z } from 'zod';
import { CliError, EXIT } from '../exitCodes';
import { OAuthCredentials } from '../config/store';

// The OAuth 2.0 authorization-code flow with PKCE that the Backstage CLI's
// auth module (@backstage/cli-module-auth) runs against the auth backend's
// OIDC router, with the same client: the backend's own CLI client metadata
// document (CIMD) as client_id, a loopback redirect, scopes
// `openid offline_access` so that a refresh token comes back. That module
// exports only its CLI commands, not the flow, hence this copy of it.

export function authBaseUrl(backendUrl: string): string {
  return `${backendUrl}/api/auth`;
}

/** The client id: the URL of the backend's CLI client metadata document. */
export function cliClientId(backendUrl: string): string {
  return `${authBaseUrl(backendUrl)}/.well-known/oauth-client/cli.json`;
}

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().min(1),
  expires_in: z.number().positive(),
  refresh_token: z.string().min(1).optional(),
});

type TokenResponse = z.infer<typeof tokenResponseSchema>;

type Fetch = typeof fetch;

/**
 * Checks that the backend serves its CLI client document, which it does only
 * when `auth.clientIdMetadataDocuments.enabled` is true.
 */
export async function assertCliLoginEnabled(
  fetchFn: Fetch,
  backendUrl: string,
): Promise<void> {
  const response = await fetchFn(cliClientId(backendUrl), {
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok) {
    throw new CliError(
      `The backend at ${backendUrl} does not offer CLI login (GET ${cliClientId(
        backendUrl,
      )} answered ${
        response.status
      }): its app-config must set auth.clientIdMetadataDocuments.enabled: true. Or log in with a token: idp login --token <token>`,
      response.status === 404 ? EXIT.notFound : EXIT.failed,
    );
  }
}

export function buildAuthorizeUrl(options: {
  backendUrl: string;
  redirectUri: string;
  state: string;
  challenge: string;
}): string {
  const url = new URL(`${authBaseUrl(options.backendUrl)}/v1/authorize`);
  url.searchParams.set('client_id', cliClientId(options.backendUrl));
  url.searchParams.set('redirect_uri', options.redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', 'openid offline_access');
  url.searchParams.set('state', options.state);
  url.searchParams.set('code_challenge', options.challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

async function postToken(
  fetchFn: Fetch,
  backendUrl: string,
  body: Record<string, string>,
  what: string,
): Promise<TokenResponse> {
  const response = await fetchFn(`${authBaseUrl(backendUrl)}/v1/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    // OAuth errors are { error, error_description }; Backstage's are { error: { message } }.
    const answer = json as
      | { error?: string | { message?: string }; error_description?: string }
      | undefined;
    const reason =
      answer?.error_description ??
      (typeof answer?.error === 'object'
        ? answer.error.message
        : answer?.error) ??
      text;
    throw new CliError(
      `${what} failed: the auth backend answered ${response.status}: ${reason}`,
      EXIT.notAllowed,
    );
  }
  const parsed = tokenResponseSchema.safeParse(json);
  if (!parsed.success) {
    throw new CliError(
      `${what} failed: the auth backend's answer is not a token response (${parsed.error.issues
        .map(issue => `${issue.path.join('.')}: ${issue.message}`)
        .join('; ')})`,
    );
  }
  return parsed.data;
}

function toCredentials(
  token: TokenResponse,
  backendUrl: string,
  now: number,
  previousRefreshToken?: string,
): OAuthCredentials {
  return {
    kind: 'oauth',
    accessToken: token.access_token,
    refreshToken: token.refresh_token ?? previousRefreshToken,
    expiresAt: now + token.expires_in * 1000,
    clientId: cliClientId(backendUrl),
  };
}

/** Exchanges the authorization code for tokens, proving the verifier. */
export async function exchangeAuthorizationCode(
  fetchFn: Fetch,
  options: {
    backendUrl: string;
    code: string;
    redirectUri: string;
    verifier: string;
  },
): Promise<OAuthCredentials> {
  const token = await postToken(
    fetchFn,
    options.backendUrl,
    {
      grant_type: 'authorization_code',
      code: options.code,
      redirect_uri: options.redirectUri,
      code_verifier: options.verifier,
    },
    'Login',
  );
  return toCredentials(token, options.backendUrl, Date.now());
}

/** Renews an access token with the refresh token; the backend may rotate the refresh token. */
export async function refreshAccessToken(
  fetchFn: Fetch,
  options: { backendUrl: string; refreshToken: string },
): Promise<OAuthCredentials> {
  const token = await postToken(
    fetchFn,
    options.backendUrl,
    { grant_type: 'refresh_token', refresh_token: options.refreshToken },
    'Renewing the login',
  );
  return toCredentials(
    token,
    options.backendUrl,
    Date.now(),
    options.refreshToken,
  );
}
