import {
  EnvironmentsClient,
  PolicyResult,
} from '@internal/backstage-plugin-environments-common';
import { refreshAccessToken } from './auth/oauth';
import { ConfigStore, DEFAULT_BACKEND_URL } from './config/store';
import { CliError, EXIT } from './exitCodes';
import { CliIo } from './io';
import { Colors, colorsFor } from './output/color';
import { OutputFormat, parseOutputFormat, renderData } from './output/format';
import { policyWarningLines } from './output/policy';
import { Progress } from './output/progress';

/** The options every command takes (`idp --help` lists them). */
export type GlobalOptions = {
  backendUrl?: string;
  token?: string;
  output?: string;
  color?: boolean;
};

/** Renews an OAuth access token this long before it expires. */
const REFRESH_MARGIN_MS = 60_000;

export function normalizeBackendUrl(value: string, source: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(
      `${source} must be an http(s) URL such as ${DEFAULT_BACKEND_URL} (got "${value}")`,
      EXIT.invalid,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(
      `${source} must be an http(s) URL such as ${DEFAULT_BACKEND_URL} (got "${value}")`,
      EXIT.invalid,
    );
  }
  return url.toString().replace(/\/+$/, '');
}

/**
 * What one run of a command works with: where the backend is, the token to
 * send, the output format, and the environments client, the same
 * `EnvironmentsClient` (and zod contract) the portal uses.
 */
export class CliContext {
  readonly io: CliIo;
  readonly store: ConfigStore;
  readonly format: OutputFormat;
  readonly colors: Colors;
  readonly errorColors: Colors;
  readonly #options: GlobalOptions;
  #backendUrl?: string;
  #token?: Promise<string | undefined>;

  constructor(io: CliIo, options: GlobalOptions) {
    this.io = io;
    this.#options = options;
    this.store = new ConfigStore(io.env);
    this.format = parseOutputFormat(options.output);
    this.colors = colorsFor(io.stdout, io.env, options.color !== false);
    this.errorColors = colorsFor(io.stderr, io.env, options.color !== false);
  }

  /** --backend-url, else IDP_BACKEND_URL, else the one last logged in to, else http://localhost:7007. */
  async backendUrl(): Promise<string> {
    if (!this.#backendUrl) {
      if (this.#options.backendUrl) {
        this.#backendUrl = normalizeBackendUrl(
          this.#options.backendUrl,
          '--backend-url',
        );
      } else if (this.io.env.IDP_BACKEND_URL) {
        this.#backendUrl = normalizeBackendUrl(
          this.io.env.IDP_BACKEND_URL,
          'IDP_BACKEND_URL',
        );
      } else {
        const stored = (await this.store.readConfig()).backendUrl;
        this.#backendUrl = stored ?? DEFAULT_BACKEND_URL;
      }
    }
    return this.#backendUrl;
  }

  /** --token, else IDP_TOKEN, else the stored login, renewed when it is about to expire. */
  token(): Promise<string | undefined> {
    this.#token ??= this.#resolveToken();
    return this.#token;
  }

  async #resolveToken(): Promise<string | undefined> {
    if (this.#options.token) return this.#options.token;
    if (this.io.env.IDP_TOKEN) return this.io.env.IDP_TOKEN;
    const backendUrl = await this.backendUrl();
    const credentials = await this.store.getCredentials(backendUrl);
    if (!credentials) return undefined;
    if (credentials.kind === 'token') return credentials.token;
    if (credentials.expiresAt - Date.now() > REFRESH_MARGIN_MS) {
      return credentials.accessToken;
    }
    if (!credentials.refreshToken) {
      throw new CliError(
        `Your login to ${backendUrl} has expired and came without a refresh token: run idp login`,
        EXIT.notAllowed,
      );
    }
    const renewed = await refreshAccessToken(fetch, {
      backendUrl,
      refreshToken: credentials.refreshToken,
    });
    await this.store.setCredentials(backendUrl, renewed);
    return renewed.accessToken;
  }

  /** fetch with `Authorization: Bearer <token>` when there is a token. */
  readonly fetch: typeof fetch = async (input, init) => {
    const token = await this.token();
    const headers = new Headers(init?.headers);
    if (token && !headers.has('Authorization')) {
      headers.set('Authorization', `Bearer ${token}`);
    }
    return fetch(input, { ...init, headers });
  };

  #client?: EnvironmentsClient;

  get client(): EnvironmentsClient {
    this.#client ??= new EnvironmentsClient({
      discoveryApi: {
        getBaseUrl: async pluginId =>
          `${await this.backendUrl()}/api/${pluginId}`,
      },
      fetchApi: { fetch: this.fetch },
    });
    return this.#client;
  }

  /** Writes `data` as -o asks: the API's object for json and yaml, else what `table` renders. */
  print(data: unknown, table: () => string): void {
    this.io.stdout.write(
      this.format === 'table' ? table() : renderData(data, this.format),
    );
  }

  /** A message for people, on stderr so that stdout stays the data. */
  note(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }

  /** The warnings of the platform's policies on an accepted change, on stderr. */
  policyWarnings(policy: PolicyResult | undefined): void {
    for (const line of policyWarningLines(policy?.warnings, this.errorColors)) {
      this.note(line);
    }
  }

  progress(): Progress {
    return new Progress(this.io.stderr);
  }

  /** The terminal's width when stdout is one; tables are fitted to it. */
  get width(): number | undefined {
    return this.io.stdout.isTTY ? this.io.stdout.columns ?? 80 : undefined;
  }

  get pollIntervalMs(): number {
    return this.io.pollIntervalMs ?? 1000;
  }

  /** Waits, unless Ctrl-C (the io's signal) ends the wait first. */
  sleep(milliseconds: number): Promise<void> {
    return new Promise(resolve => {
      const timer = setTimeout(done, milliseconds);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.io.signal?.addEventListener('abort', done, { once: true });
    });
  }
}
