import {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import {
  CustomErrorBase,
  InputError,
  isError,
  ServiceUnavailableError,
  toError,
} from '@backstage/errors';
import express, { ErrorRequestHandler, RequestHandler } from 'express';
import { randomBytes } from 'node:crypto';

/**
 * Too many requests of one kind in too short a time; the client may try
 * again after `retryAfterSeconds`. `@backstage/errors` has no 429, and the
 * framework's error handler takes the status from `statusCode`.
 */
export class TooManyRequestsError extends CustomErrorBase {
  name = 'TooManyRequestsError' as const;
  readonly statusCode = 429;

  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}

// Node's socket errors, and the SQLSTATEs of PostgreSQL that say the server is
// not there or not taking connections (class 08, shutdown, too many clients).
// Not 08P01, a protocol violation: PostgreSQL answers it to a NUL in a value.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  'SQLITE_BUSY',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
]);
const UNREACHABLE_MESSAGES =
  /Unable to acquire a connection|Timeout acquiring a connection|Connection terminated|Client has encountered a connection error|connection is closed|The database connection is not open/i;

/**
 * Whether an error says that the database, or another service the API
 * depends on, cannot be reached right now, as opposed to a fault of the
 * request or of the code.
 */
export function isUnreachable(error: unknown): boolean {
  if (!isError(error)) {
    return false;
  }
  const code = (error as { code?: unknown }).code;
  if (
    typeof code === 'string' &&
    (UNREACHABLE_CODES.has(code) || (/^08/.test(code) && code !== '08P01'))
  ) {
    return true;
  }
  if (error.name === 'KnexTimeoutError') {
    return true;
  }
  // Knex and the drivers wrap the socket error without a code of their own.
  if (UNREACHABLE_MESSAGES.test(error.message) && !('statusCode' in error)) {
    return true;
  }
  return isError(error.cause) && isUnreachable(error.cause);
}

/**
 * A request to another backend failing to connect: Node's fetch throws
 * `TypeError('fetch failed')` with the socket error as its cause; node-fetch,
 * which the permission and catalog clients use, a `FetchError` with its code.
 */
function isFailedFetch(error: unknown): boolean {
  return (
    isError(error) &&
    ((error.name === 'TypeError' && error.message === 'fetch failed') ||
      error.name === 'FetchError' ||
      isFailedFetch(error.cause))
  );
}

// What the framework's error handler answers for the errors of
// `@backstage/errors` that carry no status of their own.
const STATUS_BY_NAME: Record<string, number> = {
  NotModifiedError: 304,
  InputError: 400,
  AuthenticationError: 401,
  NotAllowedError: 403,
  NotFoundError: 404,
  ConflictError: 409,
  NotImplementedError: 501,
  ServiceUnavailableError: 503,
};

function statusOf(error: Error): number {
  for (const field of ['statusCode', 'status'] as const) {
    const status = (error as { [key in typeof field]?: unknown })[field];
    if (
      Number.isInteger(status) &&
      Number(status) >= 100 &&
      Number(status) <= 599
    ) {
      return Number(status);
    }
  }
  return STATUS_BY_NAME[error.name] ?? 500;
}

/**
 * The last handler of the environments router. An outage of the database is
 * a 503; a 429 says when to come back; any other failure that is not the
 * request's fault is logged with its stack under an id, and the client gets
 * only that id. No response carries a stack trace, whatever `NODE_ENV` says
 * (the framework's default handler includes it in development).
 */
export function environmentsErrorHandler(options: {
  config: RootConfigService;
  logger: LoggerService;
}): ErrorRequestHandler {
  const logger = options.logger.child({ type: 'errorHandler' });
  const framework = MiddlewareFactory.create(options).error({
    showStackTraces: false,
  });
  return (error, req, res, next) => {
    if (error instanceof TooManyRequestsError && !res.headersSent) {
      res.set('Retry-After', String(error.retryAfterSeconds));
    }
    framework(
      answerable(error, `${req.method} ${req.originalUrl}`),
      req,
      res,
      next,
    );
  };

  function answerable(error: unknown, request: string): Error {
    if (isUnreachable(error)) {
      // A socket error under a failed fetch is another backend (the catalog,
      // the permission backend), not the database.
      const what = isFailedFetch(error)
        ? 'a backend service it depends on'
        : 'the database';
      logger.warn(
        `${request} failed: ${what} cannot be reached`,
        toError(error),
      );
      return new ServiceUnavailableError(
        isFailedFetch(error)
          ? 'A service the environments API depends on cannot be reached; try again shortly'
          : 'The environments database cannot be reached; try again shortly',
      );
    }
    if (!isError(error) || statusOf(error) === 500) {
      const logId = randomBytes(10).toString('hex');
      logger.error(`${request} failed, logId=${logId}`, toError(error));
      const internal = new Error(`An internal error occurred logId=${logId}`);
      delete internal.stack;
      return internal;
    }
    return error;
  }
}

/**
 * JSON bodies as the openapi router parses them by default, with an error
 * that names the body and the rule when it is not JSON, or too large.
 */
export function jsonBodies(): RequestHandler {
  const parse = express.json();
  return (req, res, next) =>
    parse(req, res, error => {
      if (!error) {
        next();
        return;
      }
      const type = (error as { type?: unknown }).type;
      next(
        type === 'entity.too.large'
          ? new InputError('request body: must be at most 100kb')
          : new InputError(
              `request body: must be a JSON object or array (${
                (error as Error).message
              })`,
            ),
      );
    });
}
