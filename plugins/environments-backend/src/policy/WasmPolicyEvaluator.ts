import { LoggerService } from '@backstage/backend-plugin-api';
import { loadPolicy, LoadedPolicy } from '@open-policy-agent/opa-wasm';
import {
  PolicyInput,
  policyDecisionDocumentSchema,
} from '@internal/backstage-plugin-environments-common';
import { existsSync, Stats, unwatchFile, watchFile } from 'node:fs';
import {
  ActivePolicyRules,
  PolicyDecision,
  PolicyEvaluator,
} from './PolicyEvaluator';
import { PolicyBundle, readPolicyBundle } from './bundle';

/** The entrypoint every bundle is built with (`opa build -e idp/decision`). */
export const POLICY_ENTRYPOINT = 'idp/decision';

type Active = {
  policy: LoadedPolicy;
  entrypoint: number | string;
  revision: string;
  rules: ActivePolicyRules['items'];
};

/**
 * Evaluates the compiled bundle in this process with OPA's WebAssembly SDK.
 * The bundle file is watched: a new one is loaded and takes over for the
 * next evaluation, with no restart; one that does not load (not a bundle,
 * no `idp/decision`, bad data) is logged with the reason and the one before
 * stays. Write the bundle atomically (a temporary file, then a rename).
 */
export class WasmPolicyEvaluator implements PolicyEvaluator {
  readonly mode = 'embedded' as const;
  private active?: Active;
  private loading: Promise<void> = Promise.resolve();
  private watching = false;
  /** Why the bundle found at start did not load, while no other has. */
  private loadError?: Error;

  static async create(options: {
    bundlePath: string;
    logger: LoggerService;
    /** How often the bundle's file is looked at; 1 s by default. */
    watchIntervalMs?: number;
  }): Promise<WasmPolicyEvaluator> {
    const evaluator = new WasmPolicyEvaluator(
      options.bundlePath,
      options.logger,
    );
    if (existsSync(options.bundlePath)) {
      // A broken bundle at start leaves nothing to decide with: every
      // evaluation fails (and the failure mode decides) until a good one is
      // built, rather than the backend not starting or deciding nothing.
      try {
        await evaluator.load(await readPolicyBundle(options.bundlePath));
      } catch (error) {
        evaluator.loadError = error as Error;
        options.logger.error(
          `Policy bundle ${options.bundlePath} was not loaded: ${evaluator.loadError.message}`,
        );
      }
    } else {
      options.logger.warn(
        `No policy bundle at ${options.bundlePath}: requests are not checked against policies until one is built there (./platform opa build); it is picked up without a restart`,
      );
    }
    evaluator.watch(options.watchIntervalMs ?? 1000);
    return evaluator;
  }

  private constructor(
    private readonly bundlePath: string,
    private readonly logger: LoggerService,
  ) {}

  async evaluate(input: PolicyInput): Promise<PolicyDecision | undefined> {
    const active = this.active;
    if (!active) {
      if (this.loadError) {
        throw new Error(
          `No policy bundle could be loaded: ${this.loadError.message}`,
        );
      }
      return undefined;
    }
    const results = active.policy.evaluate(input, active.entrypoint) as Array<{
      result?: unknown;
    }>;
    const parsed = policyDecisionDocumentSchema.safeParse(results?.[0]?.result);
    if (!parsed.success) {
      throw new Error(
        `Policy bundle ${active.revision}: ${POLICY_ENTRYPOINT} did not evaluate to {deny: [...], warn: [...]} (${parsed.error.message})`,
      );
    }
    return { revision: active.revision, ...parsed.data };
  }

  async rules(): Promise<ActivePolicyRules> {
    return this.active
      ? { revision: this.active.revision, items: this.active.rules }
      : { items: [] };
  }

  /** The revision in use; undefined before the first bundle loaded. */
  revision(): string | undefined {
    return this.active?.revision;
  }

  /** Resolves once a reload that is under way has finished. */
  async settled(): Promise<void> {
    await this.loading;
  }

  async close(): Promise<void> {
    if (this.watching) {
      unwatchFile(this.bundlePath);
      this.watching = false;
    }
    await this.loading;
  }

  private watch(intervalMs: number) {
    this.watching = true;
    watchFile(
      this.bundlePath,
      { interval: intervalMs, persistent: false },
      (current: Stats, previous: Stats) => {
        if (
          current.mtimeMs === previous.mtimeMs &&
          current.ino === previous.ino
        )
          return;
        if (
          current.nlink === 0 &&
          current.size === 0 &&
          current.mtimeMs === 0
        ) {
          this.logger.warn(
            `Policy bundle ${
              this.bundlePath
            } was removed; still deciding with revision ${
              this.active?.revision ?? '(none)'
            }`,
          );
          return;
        }
        this.loading = this.loading.then(() => this.reload());
      },
    );
  }

  private async reload() {
    try {
      const bundle = await readPolicyBundle(this.bundlePath);
      if (bundle.revision === this.active?.revision) return;
      await this.load(bundle);
    } catch (error) {
      this.logger.error(
        `Policy bundle ${
          this.bundlePath
        } was not loaded, still deciding with revision ${
          this.active?.revision ?? '(none)'
        }: ${(error as Error).message}`,
      );
    }
  }

  /** Compiles, checks and swaps in a bundle; the old one stays on any failure. */
  private async load(bundle: PolicyBundle) {
    let policy: LoadedPolicy;
    try {
      policy = await loadPolicy(bundle.wasm);
    } catch (error) {
      throw new Error(
        `${this.bundlePath}: policy.wasm does not load (${
          (error as Error).message
        })`,
      );
    }
    const entrypoints = (policy.entrypoints ?? {}) as Record<string, number>;
    if (!(POLICY_ENTRYPOINT in entrypoints)) {
      throw new Error(
        `${this.bundlePath} has no entrypoint ${POLICY_ENTRYPOINT} (it has ${
          Object.keys(entrypoints).join(', ') || 'none'
        }): build it with opa build -t wasm -e ${POLICY_ENTRYPOINT}`,
      );
    }
    policy.setData(bundle.data);
    this.loadError = undefined;
    this.active = {
      policy,
      entrypoint: entrypoints[POLICY_ENTRYPOINT],
      revision: bundle.revision,
      rules: bundle.rules,
    };
    this.logger.info(`Policy bundle loaded`, {
      bundle: this.bundlePath,
      revision: bundle.revision,
      rules: bundle.rules.length,
    });
  }
}
