import { isError, ResponseError } from '@backstage/errors';

/**
 * What `idp` exits with, in one place: scripts branch on these, so each means
 * one kind of outcome whatever the command.
 */
export const EXIT = {
  ok: 0,
  /** Anything else: a deployment that failed, a backend error (5xx). */
  failed: 1,
  /** A flag or argument is missing or breaks a rule; the backend answered 400. */
  invalid: 2,
  /** The environment, deployment, component or pod does not exist (404). */
  notFound: 3,
  /** Not signed in, or signed in but not allowed (401, 403). */
  notAllowed: 4,
  /** The change conflicts with the current state (409, 412). */
  conflict: 5,
  /** A wait (`--wait`, `env wait`) ran out of `--timeout`. */
  timedOut: 6,
  /** The backend could not be reached, or answered that it cannot serve (502-504). */
  unreachable: 7,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit codes as `idp --help` and the README list them. */
export const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  failed (a deployment or environment ended failed, or another error)
  2  invalid input (a flag or argument breaks a rule; the backend answered 400)
  3  not found (404)
  4  not allowed (not signed in: 401; not permitted: 403)
  5  conflict (409, 412: the change conflicts with the current state)
  6  timed out (a wait ran out of --timeout)
  7  backend unreachable (no connection, or 502/503/504)`;

/** A failure that `idp` reports in its own words, with the code to exit with. */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  /** Lines printed under the message, such as `field: rule`. */
  readonly details: string[];

  constructor(
    message: string,
    exitCode: ExitCode = EXIT.failed,
    details: string[] = [],
  ) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
    this.details = details;
  }
}

/** The exit code of a failed request, by the status the backend answered with. */
export function exitCodeOfStatus(status: number): ExitCode {
  if (status === 400 || status === 422) return EXIT.invalid;
  if (status === 401 || status === 403) return EXIT.notAllowed;
  if (status === 404) return EXIT.notFound;
  if (status === 409 || status === 412) return EXIT.conflict;
  if (status >= 502 && status <= 504) return EXIT.unreachable;
  return EXIT.failed;
}

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/**
 * Whether `error` is fetch failing to reach a server at all (Node's fetch
 * throws `TypeError: fetch failed` with the socket error as its cause).
 */
export function isConnectionError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_ERROR_CODES.has(code)) {
      return true;
    }
    // undici's network error: no answer came, whatever the socket said.
    if (current instanceof TypeError && current.message === 'fetch failed') {
      return true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof ResponseError) return exitCodeOfStatus(error.statusCode);
  if (isConnectionError(error)) return EXIT.unreachable;
  if (isError(error) && error.name === 'AbortError') return EXIT.failed;
  return EXIT.failed;
}
