import { LoggerService } from '@backstage/backend-plugin-api';
import {
  PolicyInput,
  policyDecisionDocumentSchema,
} from '@internal/backstage-plugin-environments-common';
import { existsSync } from 'node:fs';
import {
  ActivePolicyRules,
  PolicyDecision,
  PolicyEvaluator,
} from './PolicyEvaluator';
import { readPolicyBundle } from './bundle';

/**
 * Asks an OPA server (`opa run --server`) for `data.idp.decision`, with a
 * timeout. It reloads its bundles by itself; the revision is taken from the
 * answer's provenance. Any failure throws, naming the server: the caller's
 * failure mode decides what the request gets.
 */
export class OpaServerEvaluator implements PolicyEvaluator {
  readonly mode = 'server' as const;
  private readonly decisionUrl: string;

  constructor(
    private readonly options: {
      serverUrl: string;
      timeoutMs: number;
      logger: LoggerService;
      /** Where the rules of `GET /policy/rules` are read from, when the bundle is also on disk. */
      bundlePath?: string;
    },
  ) {
    this.decisionUrl = `${options.serverUrl.replace(
      /\/+$/,
      '',
    )}/v1/data/idp/decision?provenance=true`;
  }

  async evaluate(input: PolicyInput): Promise<PolicyDecision> {
    const { serverUrl, timeoutMs } = this.options;
    let response: Response;
    try {
      response = await fetch(this.decisionUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ input }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const cause = error as Error;
      throw new Error(
        cause.name === 'TimeoutError'
          ? `OPA server ${serverUrl} did not answer within ${timeoutMs} ms`
          : `OPA server ${serverUrl} cannot be reached (${
              (cause.cause as Error | undefined)?.message ?? cause.message
            })`,
      );
    }
    const body = (await response.json().catch(() => undefined)) as
      | {
          result?: unknown;
          provenance?: {
            revision?: string;
            bundles?: Record<string, { revision?: string }>;
          };
          message?: string;
        }
      | undefined;
    if (!response.ok) {
      throw new Error(
        `OPA server ${serverUrl} answered ${response.status}${
          body?.message ? `: ${body.message}` : ''
        }`,
      );
    }
    const parsed = policyDecisionDocumentSchema.safeParse(body?.result);
    if (!parsed.success) {
      throw new Error(
        body?.result === undefined
          ? `OPA server ${serverUrl} has no data.idp.decision: is the policy bundle loaded?`
          : `OPA server ${serverUrl}: data.idp.decision is not {deny: [...], warn: [...]} (${parsed.error.message})`,
      );
    }
    const bundles = Object.values(body?.provenance?.bundles ?? {});
    const revision =
      bundles.map(bundle => bundle.revision).find(Boolean) ??
      body?.provenance?.revision ??
      'server';
    return { revision, ...parsed.data };
  }

  async rules(): Promise<ActivePolicyRules> {
    const { bundlePath, logger } = this.options;
    if (!bundlePath || !existsSync(bundlePath)) return { items: [] };
    try {
      const bundle = await readPolicyBundle(bundlePath);
      return { revision: bundle.revision, items: bundle.rules };
    } catch (error) {
      logger.warn(
        `The rules of ${bundlePath} cannot be read: ${
          (error as Error).message
        }`,
      );
      return { items: [] };
    }
  }

  async close(): Promise<void> {}
}
