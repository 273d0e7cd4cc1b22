import { KubernetesObject } from '@kubernetes/client-node';
import { specHash } from '../kubernetes';

/** How long a whole reconcile vouches for the objects it applied or found up to date. */
export const DEFAULT_VERIFIED_FOR_MS = 5 * 60_000;
/** Environments remembered at most; the oldest is forgotten first. */
const MAX_ENVIRONMENTS = 10_000;

type Verified = {
  generation: number;
  /** When the environment's objects were last compared with the cluster, all of them, and pruned. */
  at: number;
  /** Each object's spec hash, by apiVersion/kind/namespace/name. */
  hashes: Map<string, string>;
};

/** What a reconcile is to apply, and whether to prune. */
export type ApplyPlan = {
  objects: KubernetesObject[];
  prune: boolean;
  /** Whether only the objects that changed since the last whole reconcile are applied. */
  incremental: boolean;
  /** The spec hash of every desired object, by key: what `applied` records. */
  hashes: Map<string, string>;
};

const keyOf = (object: KubernetesObject) =>
  [
    object.apiVersion,
    object.kind,
    object.metadata?.namespace ?? '',
    object.metadata?.name ?? '',
  ].join('/');

/**
 * What this replica last applied, or found up to date, of each environment.
 *
 * A whole reconcile reads every object of the environment back from the API
 * server, compares it, and lists what it may have to prune: about 20 requests for
 * an environment with a component, of which a new deployment changes one
 * object, its Deployment. Once a whole reconcile of an environment succeeded
 * at its generation (its spec, so every object but the workload's, is what it
 * was), a reconcile at the same generation within `verifiedForMs` applies only
 * the objects whose desired content differs from what that reconcile
 * verified, and prunes only when the set of objects changed. The objects it
 * applies are still read and compared first, as always.
 *
 * What this leaves out: an object changed by hand within the window is
 * repaired by the next whole reconcile, not by a deploy in between. A spec
 * change (a new generation), a failed reconcile, a restart, or the window's
 * end makes the next reconcile whole again. Another replica never applies
 * other content for the same generation (desired objects are a pure function
 * of the spec and the deployment), so what one replica verified holds for all.
 */
export class VerifiedObjects {
  private readonly byEnvironment = new Map<string, Verified>();

  constructor(
    private readonly verifiedForMs: number = DEFAULT_VERIFIED_FOR_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The objects to apply of `objects`, the environment's desired objects at
   * `generation`: all of them, and a prune, unless the environment is
   * `converged` (ready at its generation) and a whole reconcile verified it
   * within the window.
   */
  plan(
    environmentId: string,
    generation: number,
    objects: KubernetesObject[],
    options: { converged: boolean },
  ): ApplyPlan {
    const hashes = new Map(
      objects.map(object => [keyOf(object), specHash(object)] as const),
    );
    const verified = this.byEnvironment.get(environmentId);
    if (
      !options.converged ||
      !verified ||
      verified.generation !== generation ||
      this.now() - verified.at >= this.verifiedForMs
    ) {
      return { objects, prune: true, incremental: false, hashes };
    }
    const changed = objects.filter(
      object =>
        verified.hashes.get(keyOf(object)) !== hashes.get(keyOf(object)),
    );
    const sameSet =
      hashes.size === verified.hashes.size &&
      [...hashes.keys()].every(key => verified.hashes.has(key));
    return { objects: changed, prune: !sameSet, incremental: true, hashes };
  }

  /**
   * The apply of `plan`, made at `generation`, succeeded: the environment's
   * objects are as desired. A whole reconcile starts a new window; an
   * incremental one keeps the window and records what it changed.
   */
  applied(environmentId: string, generation: number, plan: ApplyPlan): void {
    const previous = this.byEnvironment.get(environmentId);
    // An incremental apply vouches only for what it applied: the window stays.
    const at = plan.incremental && previous ? previous.at : this.now();
    this.byEnvironment.delete(environmentId);
    this.byEnvironment.set(environmentId, {
      generation,
      at,
      hashes: plan.hashes,
    });
    if (this.byEnvironment.size > MAX_ENVIRONMENTS) {
      const [oldest] = this.byEnvironment.keys();
      this.byEnvironment.delete(oldest);
    }
  }

  /** A reconcile failed, or the environment is going: the next reconcile is whole. */
  forget(environmentId: string): void {
    this.byEnvironment.delete(environmentId);
  }
}
