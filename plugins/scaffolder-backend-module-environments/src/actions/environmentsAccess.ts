import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  EnvironmentsApi,
  EnvironmentsRequestOptions,
} from '@internal/backstage-plugin-environments-common';

/**
 * What the environments actions need to reach the environments backend.
 *
 * @public
 */
export type EnvironmentsActionOptions = {
  /** The environments backend's API, usually an `EnvironmentsClient`. */
  environments: EnvironmentsApi;
  /** Issues the tokens with which the actions call it as the task's user. */
  auth: AuthService;
  /** The portal's address (`app.baseUrl`), for links to environment pages. */
  appBaseUrl: string;
  /**
   * How often the actions poll, in milliseconds; the defaults suit a real
   * backend, tests make them short.
   */
  pollIntervals?: {
    /** Between two reads of an environment's status; default 1000. */
    statusMs?: number;
    /** Between two looks for a just-registered component; default 2000. */
    catalogMs?: number;
    /** How long a just-registered component may take to appear; default 120000. */
    catalogTimeoutMs?: number;
  };
};

export const DEFAULT_POLL_INTERVALS = {
  statusMs: 1000,
  catalogMs: 2000,
  catalogTimeoutMs: 120_000,
};

export const DEFAULT_TIMEOUT_SECONDS = 600;

/**
 * Request options that make the environments backend act for the user who
 * runs the task, so that their permissions apply, not the scaffolder's.
 * Asked for on every call: a long wait can outlive a token.
 */
export function onBehalfOf(
  auth: AuthService,
  credentials: BackstageCredentials,
): () => Promise<EnvironmentsRequestOptions> {
  return async () => {
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: 'environments',
    });
    return { token };
  };
}

/** The HTTP status of a failed call to the environments backend, if it answered. */
export function statusCodeOf(error: unknown): number | undefined {
  return error instanceof ResponseError ? error.statusCode : undefined;
}

/** The environment's page in the portal. */
export function environmentPageUrl(appBaseUrl: string, id: string): string {
  return `${appBaseUrl.replace(/\/+$/, '')}/environments/${encodeURIComponent(
    id,
  )}`;
}

/**
 * What the environments backend said when it refused a call (its error's
 * message, which names the field and the rule), or the error itself.
 */
export function refusalOf(error: unknown): string {
  if (error instanceof ResponseError) {
    return error.body?.error?.message ?? error.message;
  }
  return String(error);
}
