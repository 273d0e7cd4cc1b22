import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { AddressInfo } from 'node:net';

/** The API server to reach, as `environments.clusters` entries name it. */
export type ApiServer = {
  url: string;
  caData?: string;
  skipTLSVerify?: boolean;
};

export type ApplyCounter = {
  /** The API server's address through the counter (plain HTTP on localhost). */
  url: string;
  /**
   * The server-side applies that went through, in one namespace (the namespace
   * object itself included): the number of applies by object path.
   */
  appliesIn(namespace: string): Record<string, number>;
  /**
   * The reads of single objects (GET by name) in one namespace, by object path: an
   * apply that finds the object as wanted writes nothing, but it reads it first.
   */
  readsIn(namespace: string): Record<string, number>;
  /**
   * Each server-side apply in one namespace that the API server answered, by
   * object path, in order: a digest of its body and the answer's status, so
   * that a test can tell a re-apply after a change, or a retry of a refused
   * apply, from the same object applied twice.
   */
  contentsIn(namespace: string): Record<string, AppliedContent[]>;
  /**
   * The server-side applies sent as a dry run (`dryRun=All`), by object path:
   * they write nothing, so they are not among `appliesIn` and `contentsIn`.
   */
  dryRunsIn(namespace: string): Record<string, number>;
  close(): Promise<void>;
};

/** One server-side apply: a digest of its body, and the API server's status code. */
export type AppliedContent = {
  digest: string;
  status: number;
  /** Why the API server refused it, when it did (the Status's message). */
  message?: string;
};

const APPLY_CONTENT_TYPE = 'application/apply-patch';

/** The namespace of an API path: `/api/v1/namespaces/<ns>[/...]`, `/apis/g/v/namespaces/<ns>/...`. */
function namespaceOf(path: string): string | undefined {
  return /\/namespaces\/([^/]+)/.exec(path)?.[1];
}

/**
 * A proxy in front of a real API server that counts server-side applies: what a test
 * checks to prove that work ran once (a job that ran twice applies its objects twice;
 * a failure count cannot show that). Everything else, watches included, passes through
 * unchanged, with the client's own credentials.
 */
export async function startApplyCounter(
  server: ApiServer,
): Promise<ApplyCounter> {
  const upstream = new URL(server.url);
  const agent = new https.Agent({
    keepAlive: true,
    ...(server.caData && { ca: Buffer.from(server.caData, 'base64') }),
    rejectUnauthorized: !server.skipTLSVerify,
  });
  const applies = new Map<string, number>();
  const reads = new Map<string, number>();
  const dryRuns = new Map<string, number>();
  const contents = new Map<string, AppliedContent[]>();
  const add = (counts: Map<string, number>, path: string) =>
    counts.set(path, (counts.get(path) ?? 0) + 1);
  const inNamespace = (counts: Map<string, number>, namespace: string) =>
    Object.fromEntries(
      [...counts].filter(([path]) => namespaceOf(path) === namespace),
    );

  const proxy = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    let applied: ((answer: http.IncomingMessage) => void) | undefined;
    const isApply =
      req.method === 'PATCH' &&
      req.headers['content-type']?.startsWith(APPLY_CONTENT_TYPE);
    if (isApply && /[?&]dryRun=/.test(req.url ?? '')) {
      add(dryRuns, path);
    } else if (isApply) {
      add(applies, path);
      const digest = createHash('sha256');
      req.on('data', chunk => digest.update(chunk));
      let whole: string | undefined;
      req.on('end', () => {
        whole = digest.digest('hex');
      });
      applied = answer => {
        // One cut off before its body was whole never reached the API server.
        if (!whole) return;
        const entry: AppliedContent = {
          digest: whole,
          status: answer.statusCode ?? 502,
        };
        contents.set(path, [...(contents.get(path) ?? []), entry]);
        if (entry.status >= 300) {
          let text = '';
          answer.on('data', chunk => {
            text += chunk;
          });
          answer.on('end', () => {
            try {
              entry.message = JSON.parse(text).message;
            } catch {
              entry.message = text.slice(0, 200);
            }
          });
        }
      };
    } else if (req.method === 'GET' && !/[?&]watch=/.test(req.url ?? '')) {
      add(reads, path);
    }
    const forwarded = (upstream.protocol === 'https:' ? https : http).request(
      {
        protocol: upstream.protocol,
        hostname: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: upstream.host },
        ...(upstream.protocol === 'https:' && { agent }),
      },
      answer => {
        applied?.(answer);
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', error => {
      if (!res.headersSent) res.writeHead(502);
      res.end(String(error));
    });
    // A client that gives up (a watch stopped, a timeout) ends the upstream call too.
    res.on('close', () => {
      if (!res.writableFinished) forwarded.destroy();
    });
    req.pipe(forwarded);
  });
  await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    appliesIn: namespace => inNamespace(applies, namespace),
    readsIn: namespace => inNamespace(reads, namespace),
    dryRunsIn: namespace => inNamespace(dryRuns, namespace),
    contentsIn: namespace =>
      Object.fromEntries(
        [...contents].filter(([path]) => namespaceOf(path) === namespace),
      ),
    async close() {
      proxy.closeAllConnections();
      await new Promise(resolve => proxy.close(resolve));
      agent.destroy();
    },
  };
}
