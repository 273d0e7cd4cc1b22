import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  EnvironmentType,
  parseDuration,
} from '@internal/backstage-plugin-environments-common';
import {
  Environment,
  EnvironmentJob,
  EnvironmentsStore,
  errorMessage,
  ResourceCondition,
} from '../model';
import {
  desiredObjects,
  EnvironmentWorkloadStatus,
  KubernetesProvisioner,
  ResourceCredentials,
  ResourceDrivers,
  WorkloadCondition,
  WorkloadSettings,
} from '../kubernetes';
import { JobAttemptFailure, JobHandler } from './EnvironmentJobRunner';
import { failureSummary } from './failureSummary';
import { ReconcileFence } from './reconcileFence';
import { DEFAULT_VERIFIED_FOR_MS, VerifiedObjects } from './verifiedObjects';

/** The part of `KubernetesProvisioner` the reconciler uses. */
export type ReconcilerProvisioner = Pick<
  KubernetesProvisioner,
  'apply' | 'readOrCreateCredentials' | 'teardown' | 'status'
>;

/**
 * What `refreshStatus` did: `skipped` an environment that is not waiting for
 * or holding readiness of an applied generation, left it `unchanged`, or
 * `updated` its status or conditions.
 */
export type StatusRefresh = 'skipped' | 'unchanged' | 'updated';

export type EnvironmentConvergenceOptions = {
  store: EnvironmentsStore;
  /** The provisioner of the cluster an environment type names. */
  provisionerFor: (cluster: string) => ReconcilerProvisioner;
  /** Environment types from app-config, by name. */
  types: Record<string, EnvironmentType>;
  logger: LoggerService;
  /**
   * How the environment's component runs: its current deployment's
   * configuration, or before its first deployment the settings in the
   * catalog, where an image in the environment's spec wins.
   */
  workloadFor: (environment: Environment) => Promise<WorkloadSettings>;
  /** What the environment's resources become, one driver per resource type. */
  drivers: ResourceDrivers;
  /**
   * The owner of the environment's component in the catalog, as a full
   * entity ref, undefined when the component is gone: the environment's
   * owner (and its team's RoleBinding) follows it at each reconcile.
   */
  ownerFor?: (environment: Environment) => Promise<string | undefined>;
  /**
   * Told when a reconcile job gave up, with the reason the environment
   * records: what it was rolling out will not roll out by itself.
   */
  onReconcileGaveUp?: (environmentId: string, reason: string) => Promise<void>;
  /**
   * How long a whole reconcile of an environment vouches for its objects:
   * within it, a reconcile at the same generation (a deployment) applies only
   * the objects that changed (`verifiedObjects.ts`). 5 minutes when not given.
   */
  verifiedForMs?: number;
  /** For tests. */
  clock?: () => Date;
};

export const RECONCILER_ACTOR = 'system:environments-reconciler';

const WAITING_REASON = 'Waiting for the workloads to become ready';
/** How long a teardown waits for a fenced reconcile to let go of its lease. */
const RECONCILE_STOP_TIMEOUT_MS = 120_000;
const RECONCILE_STOP_POLL_MS = 200;
/** Teardowns in one job before it is left to a retry. */
const MAX_TEARDOWN_ROUNDS = 3;
const DEFAULT_PROGRESS_DEADLINE = '10m';
/** Conditions named in a reason that says what an environment waits for. */
const MAX_NAMED_CONDITIONS = 3;

/** The statuses in which an environment's workloads are followed. */
const FOLLOWED_STATUSES: Environment['status'][] = ['provisioning', 'ready'];

/**
 * The reason of an environment that made no progress for its type's
 * deadline: which objects are not ready, and what they lack.
 */
export function noProgressReason(
  deadline: string,
  conditions: Pick<
    ResourceCondition,
    'kind' | 'name' | 'status' | 'message' | 'reason'
  >[],
): string {
  const waiting = conditions.filter(c => c.status !== 'ready');
  if (waiting.length === 0) {
    return `No progress for ${deadline}: none of its workloads exists in the cluster yet`;
  }
  const named = waiting
    .slice(0, MAX_NAMED_CONDITIONS)
    .map(
      c =>
        `${c.kind} ${c.name} is ${c.status}${
          c.message || c.reason ? ` (${c.message ?? c.reason})` : ''
        }`,
    );
  const more = waiting.length - named.length;
  return `No progress for ${deadline}: ${named.join('; ')}${
    more > 0 ? `; and ${more} more` : ''
  }`;
}

/**
 * Conditions as the store keeps them. A condition whose status did not change
 * keeps its transition time, so that an unchanged environment gives equal
 * conditions and the store writes nothing.
 */
export function toEnvironmentConditions(
  workloads: WorkloadCondition[],
  previous: ResourceCondition[],
  now: Date,
): ResourceCondition[] {
  return workloads.map(workload => {
    const before = previous.find(
      c => c.kind === workload.kind && c.name === workload.name,
    );
    return {
      ...workload,
      lastTransitionTime:
        before && before.status === workload.status
          ? before.lastTransitionTime
          : now.toISOString(),
    };
  });
}

/**
 * What an environment's jobs do in its cluster: a `reconcile` job converges
 * the environment's namespace to its spec, a `teardown` job removes it, and
 * the status follows its workloads. Safe to repeat, since a lease can expire
 * while a slow owner works and the next owner then does the work again.
 */
export class EnvironmentConvergence implements JobHandler {
  private readonly store: EnvironmentsStore;
  private readonly provisionerFor: (cluster: string) => ReconcilerProvisioner;
  private readonly types: Record<string, EnvironmentType>;
  private readonly logger: LoggerService;
  private readonly workloadFor: (
    environment: Environment,
  ) => Promise<WorkloadSettings>;
  private readonly drivers: ResourceDrivers;
  private readonly ownerFor?: (
    environment: Environment,
  ) => Promise<string | undefined>;
  private readonly onReconcileGaveUp?: EnvironmentConvergenceOptions['onReconcileGaveUp'];
  private readonly clock: () => Date;
  private readonly verified: VerifiedObjects;

  constructor(options: EnvironmentConvergenceOptions) {
    this.store = options.store;
    this.provisionerFor = options.provisionerFor;
    this.types = options.types;
    this.logger = options.logger;
    this.workloadFor = options.workloadFor;
    this.drivers = options.drivers;
    this.ownerFor = options.ownerFor;
    this.onReconcileGaveUp = options.onReconcileGaveUp;
    this.clock = options.clock ?? (() => new Date());
    this.verified = new VerifiedObjects(
      options.verifiedForMs ?? DEFAULT_VERIFIED_FOR_MS,
      () => this.clock().getTime(),
    );
  }

  async run(
    job: EnvironmentJob,
    logger: LoggerService,
    signal: AbortSignal = new AbortController().signal,
  ): Promise<(() => Promise<void>) | void> {
    if (job.kind === 'teardown') {
      await this.teardown(job, signal);
      return undefined;
    }
    const fence = new ReconcileFence(this.store, job, signal, this.clock);
    let recorded: 'provisioning' | 'ready' | undefined;
    try {
      recorded = await this.reconcile(job, logger, fence.signal, fence);
    } catch (error) {
      // Whatever failed, once the environment is being deleted the job has
      // nothing left to do: the teardown removes what it wrote.
      await fence.check().catch(() => undefined);
      if (!fence.deleting) {
        throw error;
      }
      logger.info('Stopped reconciling: the environment is being deleted');
      return undefined;
    } finally {
      fence.dispose();
    }
    if (recorded !== 'provisioning') {
      return undefined;
    }
    // The status watch skips an environment while its job runs: a workload
    // that became ready in the meantime is seen right after the job.
    return () =>
      this.refreshStatus(job.environmentId).then(
        () => undefined,
        error =>
          logger.warn('Failed to refresh the status after provisioning', {
            error: errorMessage(error),
          }),
      );
  }

  async recordFailure(
    job: EnvironmentJob,
    { message, attempt, maxAttempts, gaveUp }: JobAttemptFailure,
    logger: LoggerService,
  ): Promise<void> {
    const what = job.kind === 'teardown' ? 'Teardown' : 'Provisioning';
    // The reason is for developers: the Kubernetes message, not the HTTP
    // exchange; the log keeps the whole error.
    const cause = failureSummary(message);
    const reason = gaveUp
      ? `${what} failed: ${cause}; gave up after ${attempt} attempts`
      : `${what} failed: ${cause}; retrying (attempt ${attempt}${
          maxAttempts ? ` of ${maxAttempts}` : ''
        })`;
    logger.warn(reason, { error: message });

    try {
      const environment = await this.store.getEnvironment(job.environmentId);
      // Only the store moves an environment out of `deleting`; a failed
      // teardown keeps that status and says why in its reason.
      const beingDeleted =
        environment.status === 'deleting' || environment.status === 'deleted';
      // Giving up always changes the reason, so its audit event, written
      // with the status in one transaction, is never skipped.
      await this.store.updateStatus({
        id: job.environmentId,
        reason,
        ...(gaveUp && !beingDeleted && { status: 'failed' as const }),
        ...(gaveUp && {
          audit: {
            actor: RECONCILER_ACTOR,
            action: job.kind === 'teardown' ? 'teardown' : 'provision',
            outcome: 'failed' as const,
            message: reason,
          },
        }),
      });
    } catch (statusError) {
      // The job is settled; a missing status update must not hide that.
      logger.error('Failed to record the failure on the environment', {
        error: errorMessage(statusError),
      });
    }
    if (gaveUp && job.kind === 'reconcile') {
      try {
        await this.onReconcileGaveUp?.(job.environmentId, reason);
      } catch (error) {
        logger.error('Failed to record the failure on the rollout', {
          error: errorMessage(error),
        });
      }
    }
  }

  /**
   * Brings an environment's status up to date with its workloads in the
   * cluster; called by the status watch whenever they may have changed. An
   * environment that became ready moves from `provisioning` to `ready` with
   * its `observedGeneration` (and one audit event); a ready one whose
   * workloads falter keeps its status and shows why in its conditions.
   *
   * Leaves alone an environment that is not `provisioning` or `ready`
   * (requested, failed, being deleted) or whose latest generation is not
   * applied yet (a job of it is pending or running): the cluster would show
   * the previous generation's workloads.
   */
  async refreshStatus(
    environmentId: string,
    options: { cached?: boolean } = {},
  ): Promise<StatusRefresh> {
    const logger = this.logger.child({ environment: environmentId });
    let environment: Environment;
    try {
      environment = await this.store.getEnvironment(environmentId);
    } catch (error) {
      if (error instanceof NotFoundError) {
        return 'skipped';
      }
      throw error;
    }
    if (!FOLLOWED_STATUSES.includes(environment.status)) {
      return 'skipped';
    }
    const jobs = await this.store.listJobs(environmentId);
    if (jobs.some(j => j.state === 'pending' || j.state === 'running')) {
      return 'skipped';
    }
    // The last apply is progress too: the deadline counts from there.
    const lastApplied = jobs
      .filter(j => j.kind === 'reconcile')
      .reduce<Date | undefined>(
        (latest, j) => (!latest || j.updatedAt > latest ? j.updatedAt : latest),
        undefined,
      );
    const type = this.types[environment.type];
    if (!type) {
      logger.warn(
        `Not refreshing the status: environment type '${environment.type}' is not configured in app-config`,
      );
      return 'skipped';
    }
    const status = await this.provisionerFor(type.cluster).status(
      environment,
      options,
    );
    const { changed } = await this.recordWorkloadStatus(
      environment,
      status,
      logger,
      { type, lastApplied },
    );
    return changed ? 'updated' : 'unchanged';
  }

  /**
   * Refreshes every environment that waits for its workloads: a safety net
   * under the status watch, for a change it missed. Resolves to how many it
   * updated.
   */
  async refreshWaitingStatuses(): Promise<number> {
    const waiting = [
      ...(await this.store.listEnvironments({ status: 'provisioning' })),
      ...(await this.store.listEnvironments({ status: 'ready' })).filter(
        e => e.observedGeneration < e.generation,
      ),
    ];
    let updated = 0;
    for (const environment of waiting) {
      try {
        if ((await this.refreshStatus(environment.id)) === 'updated') {
          updated += 1;
        }
      } catch (error) {
        // One environment's cluster being down must not block the others.
        this.logger.warn('Failed to refresh the status of an environment', {
          environment: environment.id,
          error: errorMessage(error),
        });
      }
    }
    return updated;
  }

  /** Resolves to the status it recorded, if any. */
  private async reconcile(
    job: EnvironmentJob,
    logger: LoggerService,
    signal: AbortSignal,
    fence: ReconcileFence,
  ): Promise<'provisioning' | 'ready' | undefined> {
    let environment: Environment;
    try {
      environment = await this.store.getEnvironment(job.environmentId);
    } catch (error) {
      if (error instanceof NotFoundError) {
        logger.warn('Skipping a reconcile job of an unknown environment');
        return undefined;
      }
      throw error;
    }
    // A teardown may have started since the job was queued; reconciling now
    // would recreate what it removes.
    if (environment.status === 'deleting' || environment.status === 'deleted') {
      logger.info('Skipping reconcile of an environment being deleted');
      return undefined;
    }
    const type = this.types[environment.type];
    if (!type) {
      throw new Error(
        `Environment type '${environment.type}' is not configured in app-config`,
      );
    }
    const provisioner = this.provisionerFor(type.cluster);
    environment = await this.followComponentOwner(environment, logger, signal);
    const converged =
      environment.status === 'ready' &&
      environment.observedGeneration === environment.generation;
    if (!converged) {
      await fence.check();
      await this.store.updateStatus({
        id: environment.id,
        status: 'provisioning',
      });
    }

    const spec = environment.spec;
    const resources = spec.resources ?? [];
    const credentials: ResourceCredentials = {};
    for (const resource of resources) {
      if (this.drivers.driverFor(resource).credentials === 'password') {
        await fence.check();
        credentials[resource.name] = await provisioner.readOrCreateCredentials(
          environment.namespace,
          resource.name,
        );
      }
    }
    const workload = await this.workloadFor(environment);
    const objects = desiredObjects({
      environment: { ...environment, spec: { ...spec, resources } },
      type,
      workload: {
        ...workload,
        // A deployment names its image; the spec's image is only the first one.
        ...(spec.image && !workload.deploymentId && { image: spec.image }),
      },
      drivers: this.drivers,
      credentials,
    });
    // Converged at its generation, the environment's spec did not change: a
    // new deployment changes only the workloads, so they go right after the
    // Namespace and the rollout starts before every other object is
    // compared. The Namespace stays first: one deleted behind our back (a
    // cluster reset) is created again before anything is written into it.
    const first = (o: { kind?: string }) =>
      o.kind === 'Namespace' || o.kind === 'Deployment';
    const ordered = converged
      ? [...objects.filter(first), ...objects.filter(o => !first(o))]
      : objects;
    // At the generation a recent whole reconcile verified, only what changed
    // since (a deployment's Deployment) is compared and applied.
    const plan = this.verified.plan(
      environment.id,
      environment.generation,
      ordered,
      { converged },
    );
    // Asked again just before the writes; `signal` then stops them between
    // two objects should a deletion be accepted meanwhile.
    await fence.check();
    let applied;
    try {
      applied = await provisioner.apply(plan.objects, {
        prune: plan.prune,
        signal,
      });
    } catch (error) {
      this.verified.forget(environment.id);
      throw error;
    }
    this.verified.applied(environment.id, environment.generation, plan);
    logger.debug('Applied environment objects', {
      writes: applied.writes,
      compared: plan.objects.length,
      of: ordered.length,
    });

    // Read once: the status watch follows the workloads from here on. After
    // an incremental apply the environment is converged and stays ready
    // whatever the rollout does, and the watch's copy is enough.
    const status = await provisioner.status(environment, {
      cached: plan.incremental,
    });
    await fence.check();
    const { recorded } = await this.recordWorkloadStatus(
      environment,
      status,
      logger,
    );
    return recorded;
  }

  /**
   * Records what `status` says of the environment's workloads, writing only
   * what differs. A converged environment (ready at its generation) keeps
   * `ready`, with the conditions saying which workload falters; any other
   * becomes `ready` at its generation once every workload is, and is
   * `provisioning` until then.
   */
  private async recordWorkloadStatus(
    environment: Environment,
    status: EnvironmentWorkloadStatus,
    logger: LoggerService,
    progress?: { type: EnvironmentType; lastApplied?: Date },
  ): Promise<{ recorded: 'provisioning' | 'ready'; changed: boolean }> {
    const now = this.clock();
    const conditions = toEnvironmentConditions(
      status.conditions,
      environment.conditions,
      now,
    );
    const converged =
      environment.status === 'ready' &&
      environment.observedGeneration === environment.generation;

    if (!status.ready) {
      const changed = await this.store.updateStatus({
        id: environment.id,
        ...(!converged && {
          status: 'provisioning' as const,
          reason: progress
            ? this.waitingReason(environment, conditions, now, progress)
            : WAITING_REASON,
        }),
        conditions,
      });
      return { recorded: converged ? 'ready' : 'provisioning', changed };
    }

    let changed = await this.store.updateStatus({
      id: environment.id,
      reason: null,
      conditions,
    });
    if (!converged) {
      // On its own, so that when two replicas see the same environment
      // become ready, only one of them writes this, and records it once,
      // in the same transaction: whoever sees it ready sees the record.
      const becameReady = await this.store.updateStatus({
        id: environment.id,
        status: 'ready',
        observedGeneration: environment.generation,
        audit: {
          actor: RECONCILER_ACTOR,
          action: 'provision',
          outcome: 'succeeded',
          message: `Namespace ${environment.namespace} is ready (generation ${environment.generation})`,
        },
      });
      if (becameReady) {
        changed = true;
        logger.info('Environment ready', { namespace: environment.namespace });
      }
    }
    return { recorded: 'ready', changed };
  }

  /**
   * Why a provisioning environment is not ready yet: that it waits, or, once
   * nothing changed for its type's `progressDeadline` (no apply, no condition
   * moving), which objects lack what.
   */
  private waitingReason(
    environment: Environment,
    conditions: ResourceCondition[],
    now: Date,
    progress: { type: EnvironmentType; lastApplied?: Date },
  ): string {
    const deadline =
      progress.type.progressDeadline ?? DEFAULT_PROGRESS_DEADLINE;
    const lastProgress = Math.max(
      progress.lastApplied?.getTime() ?? environment.createdAt.getTime(),
      ...conditions.map(c => new Date(c.lastTransitionTime).getTime()),
    );
    return now.getTime() - lastProgress > parseDuration(deadline)
      ? noProgressReason(deadline, conditions)
      : WAITING_REASON;
  }

  /**
   * Moves the environment to the current owner of its component in the
   * catalog, if that changed; the desired objects then bind the new team.
   */
  private async followComponentOwner(
    environment: Environment,
    logger: LoggerService,
    signal: AbortSignal,
  ): Promise<Environment> {
    const owner = await this.ownerFor?.(environment);
    if (!owner || owner === environment.ownerRef) {
      return environment;
    }
    signal.throwIfAborted();
    await this.store.updateStatus({
      id: environment.id,
      ownerRef: owner,
      audit: {
        actor: RECONCILER_ACTOR,
        action: 'change-owner',
        outcome: 'succeeded',
        message: `The owner of ${environment.componentRef} in the catalog is now ${owner} (was ${environment.ownerRef})`,
      },
    });
    logger.info('Environment follows its component to a new owner', {
      from: environment.ownerRef,
      to: owner,
    });
    return { ...environment, ownerRef: owner };
  }

  /**
   * Queues a reconcile of every live environment whose component changed
   * owner in the catalog, so that its owner and its team's access follow;
   * a periodic check for owners changed between reconciles. Resolves to the
   * ids of those it queued.
   */
  async followComponentOwners(): Promise<string[]> {
    if (!this.ownerFor) {
      return [];
    }
    const queued: string[] = [];
    for (const environment of await this.store.listEnvironments()) {
      if (!FOLLOWED_STATUSES.includes(environment.status)) {
        continue;
      }
      try {
        const owner = await this.ownerFor(environment);
        if (owner && owner !== environment.ownerRef) {
          await this.store.enqueueJob({
            environmentId: environment.id,
            kind: 'reconcile',
          });
          queued.push(environment.id);
        }
      } catch (error) {
        this.logger.warn('Failed to read the owner of a component', {
          environment: environment.id,
          error: errorMessage(error),
        });
      }
    }
    return queued;
  }

  private async teardown(job: EnvironmentJob, signal: AbortSignal) {
    const environment = await this.store.getEnvironment(job.environmentId);
    if (environment.status === 'deleted') {
      return;
    }
    const type = this.types[environment.type];
    if (!type) {
      throw new Error(
        `Environment type '${environment.type}' is not configured in app-config, so its cluster is unknown`,
      );
    }
    const provisioner = this.provisionerFor(type.cluster);
    this.verified.forget(environment.id);
    // A reconcile that was running when the deletion was accepted is fenced
    // off before its next write, but one inside a write holds its lease until
    // the write ends: the teardown starts once no lease is live, and goes
    // again if one was taken meanwhile, so that nothing it wrote survives.
    for (let round = 1; ; round++) {
      await this.untilReconcilesStop(environment.id, signal);
      await provisioner.teardown(environment, { signal });
      if (!(await this.reconcileHoldsLease(environment.id))) {
        break;
      }
      if (round === MAX_TEARDOWN_ROUNDS) {
        throw new Error(
          'A reconcile of the environment kept its lease through the teardown; tearing down again',
        );
      }
    }
    signal.throwIfAborted();
    // The store records the deletion in the audit trail.
    await this.store.markDeleted({
      id: environment.id,
      actor: RECONCILER_ACTOR,
    });
  }

  /** Whether a reconcile job of the environment holds a lease that has not expired. */
  private async reconcileHoldsLease(environmentId: string): Promise<boolean> {
    const now = this.clock();
    return (await this.store.listJobs(environmentId)).some(
      job =>
        job.kind === 'reconcile' &&
        job.state === 'running' &&
        job.leaseExpiresAt !== undefined &&
        job.leaseExpiresAt > now,
    );
  }

  private async untilReconcilesStop(
    environmentId: string,
    signal: AbortSignal,
  ): Promise<void> {
    const started = Date.now();
    while (await this.reconcileHoldsLease(environmentId)) {
      signal.throwIfAborted();
      if (Date.now() - started > RECONCILE_STOP_TIMEOUT_MS) {
        throw new Error(
          'Waiting for a running reconcile of the environment to stop before tearing it down',
        );
      }
      await new Promise(resolve => setTimeout(resolve, RECONCILE_STOP_POLL_MS));
    }
  }
}
