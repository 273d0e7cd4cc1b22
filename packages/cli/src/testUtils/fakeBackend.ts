import { ResponseError } from '@backstage/errors';
import {
  EnvironmentEvent,
  EnvironmentPod,
} from '@internal/backstage-plugin-environments-common';
import { FakeEnvironmentsApi } from '@internal/backstage-plugin-environments-common/testUtils';
import crypto from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';

/** One request the fake backend received. */
export type ReceivedRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization?: string;
  body?: unknown;
};

type Answer = { status: number; body: unknown };

/**
 * The platform backend's HTTP API in-process, for the CLI's unit tests: the
 * environments API's routes over `FakeEnvironmentsApi` (the contract's
 * in-memory fake, so answers match the zod schemas), its errors as the
 * backend sends them, bearer-token checks, and the auth backend's OAuth
 * endpoints (CIMD client document, authorize that approves at once, token
 * with PKCE and refresh, userinfo).
 */
export async function startFakeBackend(
  options: {
    /** Tokens the API accepts, with the user each stands for; empty accepts any. */
    tokens?: Record<string, string>;
    /** Whether the CLI client document is served (CIMD enabled). */
    cimd?: boolean;
  } = {},
) {
  const api = new FakeEnvironmentsApi();
  const tokens = new Map(Object.entries(options.tokens ?? {}));
  const requests: ReceivedRequest[] = [];
  const injected: { method: string; path: RegExp; answer: Answer }[] = [];
  const pods = new Map<string, EnvironmentPod[]>();
  const events = new Map<string, EnvironmentEvent[]>();
  const logs = new Map<string, { lines: string[]; holdOpen?: boolean }>();
  const authorizations = new Map<
    string,
    { challenge: string; redirectUri: string }
  >();
  let tokenSequence = 0;

  // Set once the server listens; the handlers below only run after that.
  let listeningUrl = '';
  const baseUrl = () => listeningUrl;

  function issueTokens(user: string) {
    tokenSequence += 1;
    const accessToken = `access-${tokenSequence}`;
    tokens.set(accessToken, user);
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: `refresh-${tokenSequence}:${user}`,
    };
  }

  function userOf(authorization: string | undefined): string | undefined {
    const token = authorization?.match(/^Bearer (.+)$/)?.[1];
    if (!token) return undefined;
    if (tokens.size === 0) return 'user:default/guest';
    return tokens.get(token);
  }

  async function auth(request: ReceivedRequest, res: http.ServerResponse) {
    const path = request.path.replace(/^\/api\/auth/, '');
    if (path === '/.well-known/oauth-client/cli.json') {
      if (options.cimd === false) {
        return { status: 404, body: { error: 'not_found' } };
      }
      return {
        status: 200,
        body: {
          client_id: `${baseUrl()}/api/auth/.well-known/oauth-client/cli.json`,
          redirect_uris: ['http://127.0.0.1:8055/callback'],
        },
      };
    }
    if (path === '/v1/authorize') {
      // As if the user signed in and approved on the consent page.
      const q = request.query;
      const code = crypto.randomBytes(8).toString('hex');
      authorizations.set(code, {
        challenge: q.get('code_challenge') ?? '',
        redirectUri: q.get('redirect_uri') ?? '',
      });
      const redirect = new URL(q.get('redirect_uri')!);
      redirect.searchParams.set('code', code);
      redirect.searchParams.set('state', q.get('state') ?? '');
      res.writeHead(302, { Location: redirect.toString() }).end();
      return undefined;
    }
    if (path === '/v1/token') {
      const body = request.body as Record<string, string>;
      if (body.grant_type === 'authorization_code') {
        const authorization = authorizations.get(body.code);
        authorizations.delete(body.code);
        const challenge = crypto
          .createHash('sha256')
          .update(body.code_verifier ?? '')
          .digest('base64url');
        if (
          !authorization ||
          authorization.challenge !== challenge ||
          authorization.redirectUri !== body.redirect_uri
        ) {
          return {
            status: 400,
            body: {
              error: 'invalid_grant',
              error_description: 'Invalid code or verifier',
            },
          };
        }
        return { status: 200, body: issueTokens('user:default/guest') };
      }
      if (body.grant_type === 'refresh_token') {
        const user = body.refresh_token?.split(':').slice(1).join(':');
        if (!user) {
          return {
            status: 400,
            body: {
              error: 'invalid_grant',
              error_description: 'Invalid refresh token',
            },
          };
        }
        return { status: 200, body: issueTokens(user) };
      }
      return { status: 400, body: { error: 'unsupported_grant_type' } };
    }
    if (path === '/v1/userinfo') {
      // Only users have user info; a static token's caller is a service.
      const user = userOf(request.authorization);
      return user?.startsWith('user:')
        ? {
            status: 200,
            body: {
              claims: { sub: user, ent: [user, 'group:default/team-orders'] },
            },
          }
        : {
            status: 401,
            body: {
              error: { name: 'AuthenticationError', message: 'Invalid token' },
            },
          };
    }
    return {
      status: 404,
      body: { error: { name: 'NotFoundError', message: `No ${path}` } },
    };
  }

  async function environments(
    request: ReceivedRequest,
    res: http.ServerResponse,
  ): Promise<Answer | undefined> {
    const path = request.path.replace(/^\/api\/environments/, '');
    const body = request.body as any;
    const q = request.query;
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    const route = `${request.method} /${parts
      .map((part, index) =>
        index % 2 === 1 && parts[0] !== 'ci' ? ':id' : part,
      )
      .join('/')}`;
    const id = parts[1];
    const ok = (value: unknown, status = 200) => ({ status, body: value });
    switch (route) {
      case 'GET /types':
        return ok(await api.listTypes());
      case 'GET /environments':
        return ok(
          await api.listEnvironments({
            componentRef: q.get('componentRef') ?? undefined,
            ownerRef: q.get('ownerRef') ?? undefined,
            type: q.get('type') ?? undefined,
            status: (q.get('status') as any) ?? undefined,
          }),
        );
      case 'POST /environments':
        return ok(await api.createEnvironment(body), 201);
      case 'GET /environments/:id':
        return ok(await api.getEnvironment(id));
      case 'DELETE /environments/:id':
        return ok(await api.deleteEnvironment(id), 202);
      case 'POST /environments/:id/approve':
      case 'POST /environments/:id/reject': {
        // The contract's fake has no environment approvals; decided here as the backend does.
        const environment = api.environments.get(id);
        if (!environment?.approval) {
          return ok(
            {
              error: {
                name: 'NotFoundError',
                message: `No environment '${id}' waiting for approval`,
              },
            },
            404,
          );
        }
        const outcome = parts[2] === 'approve' ? 'approved' : 'rejected';
        environment.approval = {
          ...environment.approval,
          decision: {
            outcome,
            by: userOf(request.authorization)!,
            at: new Date().toISOString(),
            comment: body.comment,
          },
        };
        environment.status =
          outcome === 'approved' ? 'provisioning' : 'deleted';
        return ok(environment);
      }
      case 'GET /environment-approvals':
        return ok({
          items: [...api.environments.values()].filter(
            e => e.approval && !e.approval.decision,
          ),
        });
      case 'POST /environments/:id/extend': {
        const environment = api.environments.get(id);
        if (!environment) {
          return ok(
            {
              error: {
                name: 'NotFoundError',
                message: `No environment '${id}'`,
              },
            },
            404,
          );
        }
        environment.expiresAt = new Date(
          Date.now() + 8 * 3_600_000,
        ).toISOString();
        return ok(environment);
      }
      case 'GET /environments/:id/deployments':
        return ok(
          await api.listDeployments(id, {
            limit: q.get('limit') ? Number(q.get('limit')) : undefined,
            pageToken: q.get('pageToken') ?? undefined,
          }),
        );
      case 'POST /environments/:id/deployments':
        return ok(await api.deploy(id, body), 202);
      case 'POST /environments/:id/rollback':
        return ok(await api.rollback(id, body), 202);
      case 'POST /environments/:id/promote':
        return ok(await api.promote(id, body), 202);
      case 'GET /environments/:id/pods':
        await api.getEnvironment(id);
        return ok({ items: pods.get(id) ?? [] });
      case 'GET /environments/:id/events':
        await api.getEnvironment(id);
        return ok({ items: events.get(id) ?? [] });
      case 'GET /environments/:id/logs': {
        const log = logs.get(`${id}/${q.get('pod')}`);
        if (!log) {
          return ok(
            {
              error: {
                name: 'NotFoundError',
                message: `Environment ${id} has no pod '${q.get('pod')}'`,
              },
            },
            404,
          );
        }
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        for (const line of log.lines) res.write(`${line}\n`);
        if (!log.holdOpen || q.get('follow') !== 'true') res.end();
        return undefined;
      }
      case 'GET /deployments/:id':
        return ok(await api.getDeployment(id));
      case 'GET /deployments/:id/diff':
        return ok(await api.diffDeployments(id, q.get('to') ?? ''));
      case 'POST /deployments/:id/approve':
        return ok(await api.approveDeployment(id, body));
      case 'POST /deployments/:id/reject':
        return ok(await api.rejectDeployment(id, body));
      case 'GET /approvals':
        return ok(await api.listPendingApprovals());
      case 'GET /what-runs-where':
        return ok(await api.getWhatRunsWhere(q.get('componentRef') ?? ''));
      default:
        return ok(
          { error: { name: 'NotFoundError', message: `No route ${route}` } },
          404,
        );
    }
  }

  const server: http.Server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const request: ReceivedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization,
      body: text ? JSON.parse(text) : undefined,
    };
    requests.push(request);
    const send = ({ status, body }: Answer) =>
      res
        .writeHead(status, { 'Content-Type': 'application/json' })
        .end(JSON.stringify(body));
    try {
      const index = injected.findIndex(
        i => i.method === request.method && i.path.test(request.path),
      );
      if (index >= 0) {
        send(injected.splice(index, 1)[0].answer);
        return;
      }
      if (request.path.startsWith('/api/auth/')) {
        const answer = await auth(request, res);
        if (answer) send(answer);
        return;
      }
      if (!userOf(request.authorization)) {
        send({
          status: 401,
          body: {
            error: {
              name: 'AuthenticationError',
              message: 'Missing credentials',
            },
          },
        });
        return;
      }
      const answer = await environments(request, res);
      if (answer) send(answer);
    } catch (error) {
      if (error instanceof ResponseError) {
        send({ status: error.statusCode, body: error.body });
      } else {
        send({
          status: 500,
          body: { error: { name: 'Error', message: String(error) } },
        });
      }
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  listeningUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl(),
    api,
    requests,
    pods,
    events,
    logs,
    /** The backend's answer to the next request matching method and path, instead of the fake's. */
    answerNext(method: string, path: RegExp, status: number, body: unknown) {
      injected.push({ method, path, answer: { status, body } });
    },
    async close() {
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    },
  };
}

export type FakeBackend = Awaited<ReturnType<typeof startFakeBackend>>;
