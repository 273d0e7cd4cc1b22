import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  EnvironmentSpec,
  EnvironmentType,
} from '@internal/backstage-plugin-environments-common';
import { EnvironmentsStore } from '../database/EnvironmentsStore';
import {
  Environment,
  EnvironmentJob,
  JobKind,
  ResourceCondition,
} from '../database/types';
import {
  desiredObjects,
  KubernetesProvisioner,
  ResourceCredentials,
  WorkloadCondition,
  WorkloadSettings,
} from '../kubernetes';

/** The part of `KubernetesProvisioner` the reconciler uses. */
export type ReconcilerProvisioner = Pick<
  KubernetesProvisioner,
  'apply' | 'readOrCreateCredentials' | 'teardown' | 'status'
>;

export type ProcessedJob = {
  jobId: string;
  environmentId: string;
  kind: JobKind;
  /**
   * `succeeded`: the job is done (an environment whose workloads are not
   * ready yet is checked again by a follow-up job); `retrying`: it failed and
   * runs again after a backoff; `failed`: it failed for the last time.
   */
  outcome: 'succeeded' | 'retrying' | 'failed';
};

export type EnvironmentReconcilerOptions = {
  store: EnvironmentsStore;
  /** The provisioner of the cluster an environment type names. */
  provisionerFor: (cluster: string) => ReconcilerProvisioner;
  /** Environment types from app-config, by name. */
  types: Record<string, EnvironmentType>;
  /** Identifies this worker in job leases, e.g. hostname, pid and a random part. */
  owner: string;
  logger: LoggerService;
  /**
   * How the environment's component runs (image, port, replicas), from its
   * deployment settings in the catalog; an image in the request wins.
   */
  workloadFor: (environment: Environment) => Promise<WorkloadSettings>;
  /** Failed attempts after which a job stays failed; 8 when not given. */
  maxAttempts?: number;
  /** How long a claimed job is leased; renewed while the job runs. 60 s when not given. */
  leaseMs?: number;
  /** How long a reconcile waits for the workloads to become ready; 10 s when not given. */
  readyTimeoutMs?: number;
  readyPollIntervalMs?: number;
  /** For tests. */
  clock?: () => Date;
};

export const RECONCILER_ACTOR = 'system:environments-reconciler';

const DEFAULT_MAX_ATTEMPTS = 8;
const DEFAULT_LEASE_MS = 60_000;
const DEFAULT_READY_TIMEOUT_MS = 10_000;
const DEFAULT_READY_POLL_INTERVAL_MS = 500;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30_000;

/** The wait before retry `attempt` (1 for the first retry): 1 s, 2 s, 4 s, ... at most 30 s. */
export function backoffMs(attempt: number): number {
  return Math.min(2 ** attempt * BACKOFF_BASE_MS, BACKOFF_MAX_MS);
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
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
        before?.status === workload.status
          ? before.lastTransitionTime
          : now.toISOString(),
    };
  });
}

/**
 * Processes the provisioning jobs of the store's queue, one per call: a
 * `reconcile` job converges the environment's namespace to its spec, a
 * `teardown` job removes it. Safe to repeat, since a lease can expire while a
 * slow owner works and the next owner then does the work again.
 */
export class EnvironmentReconciler {
  private readonly store: EnvironmentsStore;
  private readonly provisionerFor: (cluster: string) => ReconcilerProvisioner;
  private readonly types: Record<string, EnvironmentType>;
  private readonly owner: string;
  private readonly logger: LoggerService;
  private readonly workloadFor: (
    environment: Environment,
  ) => Promise<WorkloadSettings>;
  private readonly maxAttempts: number;
  private readonly leaseMs: number;
  private readonly readyTimeoutMs: number;
  private readonly readyPollIntervalMs: number;
  private readonly clock: () => Date;

  constructor(options: EnvironmentReconcilerOptions) {
    this.store = options.store;
    this.provisionerFor = options.provisionerFor;
    this.types = options.types;
    this.owner = options.owner;
    this.logger = options.logger;
    this.workloadFor = options.workloadFor;
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    this.readyPollIntervalMs =
      options.readyPollIntervalMs ?? DEFAULT_READY_POLL_INTERVAL_MS;
    this.clock = options.clock ?? (() => new Date());
  }

  /** Claims one due job and processes it; `'idle'` when none is due. */
  async processNextJob(): Promise<'idle' | ProcessedJob> {
    const job = await this.store.claimNextJob({
      owner: this.owner,
      leaseMs: this.leaseMs,
      now: this.clock(),
    });
    if (!job) {
      return 'idle';
    }
    const logger = this.logger.child({
      job: job.id,
      kind: job.kind,
      environment: job.environmentId,
    });
    const processed = (outcome: ProcessedJob['outcome']): ProcessedJob => ({
      jobId: job.id,
      environmentId: job.environmentId,
      kind: job.kind,
      outcome,
    });

    const stopRenewing = this.keepLeaseAlive(job, logger);
    try {
      if (job.kind === 'teardown') {
        await this.teardown(job);
      } else {
        await this.reconcile(job, logger);
      }
      stopRenewing();
      await this.store.completeJob({
        jobId: job.id,
        owner: this.owner,
        now: this.clock(),
      });
      return processed('succeeded');
    } catch (error) {
      stopRenewing();
      return processed(await this.fail(job, error, logger));
    }
  }

  private async reconcile(job: EnvironmentJob, logger: LoggerService) {
    let environment: Environment;
    try {
      environment = await this.store.getEnvironment(job.environmentId);
    } catch (error) {
      if (error instanceof NotFoundError) {
        logger.warn('Skipping a reconcile job of an unknown environment');
        return;
      }
      throw error;
    }
    // A teardown may have started since the job was queued; reconciling now
    // would recreate what it removes.
    if (environment.status === 'deleting' || environment.status === 'deleted') {
      logger.info('Skipping reconcile of an environment being deleted');
      return;
    }
    const type = this.types[environment.type];
    if (!type) {
      throw new Error(
        `Environment type '${environment.type}' is not configured in app-config`,
      );
    }
    const provisioner = this.provisionerFor(type.cluster);
    const converged =
      environment.status === 'ready' &&
      environment.observedGeneration === environment.generation;
    if (!converged) {
      await this.store.updateStatus({
        id: environment.id,
        status: 'provisioning',
      });
    }

    const spec = environment.spec as unknown as EnvironmentSpec;
    const resources = spec.resources ?? [];
    const credentials: ResourceCredentials = {};
    for (const resource of resources) {
      if (resource.type === 'postgresql') {
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
        ...(spec.image && { image: spec.image }),
      },
      credentials,
    });
    const applied = await provisioner.apply(objects);
    logger.debug('Applied environment objects', { writes: applied.writes });

    // Polling until a watch on the environment's workloads replaces it: on
    // the local control plane pods run within about a second, so one short
    // wait usually sees the environment ready.
    const deadline = Date.now() + this.readyTimeoutMs;
    let status = await provisioner.status(environment);
    while (!status.ready && Date.now() < deadline) {
      await sleep(this.readyPollIntervalMs);
      status = await provisioner.status(environment);
    }
    const conditions = toEnvironmentConditions(
      status.conditions,
      environment.conditions,
      this.clock(),
    );

    if (!status.ready) {
      await this.store.updateStatus({
        id: environment.id,
        status: 'provisioning',
        reason: 'Waiting for the workloads to become ready',
        conditions,
      });
      // Queued while this job still runs, so completing it puts it back to
      // pending: a crash before then leaves the job to the next lease owner,
      // and the request is not lost.
      await this.store.enqueueJob({
        environmentId: environment.id,
        kind: 'reconcile',
      });
      logger.info('Environment not ready yet; checking again', {
        namespace: environment.namespace,
      });
      return;
    }

    const changed = await this.store.updateStatus({
      id: environment.id,
      status: 'ready',
      reason: null,
      conditions,
      observedGeneration: environment.generation,
    });
    if (changed && !converged) {
      logger.info('Environment ready', { namespace: environment.namespace });
      await this.store.appendAuditEvent({
        environmentId: environment.id,
        actor: RECONCILER_ACTOR,
        action: 'provision',
        outcome: 'succeeded',
        message: `Namespace ${environment.namespace} is ready (generation ${environment.generation})`,
      });
    }
  }

  private async teardown(job: EnvironmentJob) {
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
    await this.provisionerFor(type.cluster).teardown(environment);
    // The store records the deletion in the audit trail.
    await this.store.markDeleted({
      id: environment.id,
      actor: RECONCILER_ACTOR,
    });
  }

  /** Settles a failed attempt; never drops the job while attempts remain. */
  private async fail(
    job: EnvironmentJob,
    error: unknown,
    logger: LoggerService,
  ): Promise<'retrying' | 'failed'> {
    const attempt = job.attempts + 1;
    const message = errorMessage(error);
    const now = this.clock();
    const settled = await this.store.failJob({
      jobId: job.id,
      owner: this.owner,
      error: message,
      retryAt: new Date(now.getTime() + backoffMs(attempt)),
      maxAttempts: this.maxAttempts,
      now,
    });
    const gaveUp = settled.state === 'failed';
    const what = job.kind === 'teardown' ? 'Teardown' : 'Provisioning';
    const reason = gaveUp
      ? `${what} failed: ${message}; gave up after ${attempt} attempts`
      : `${what} failed: ${message}; retrying (attempt ${attempt} of ${this.maxAttempts})`;
    logger.warn(reason);

    try {
      const environment = await this.store.getEnvironment(job.environmentId);
      // Only the store moves an environment out of `deleting`; a failed
      // teardown keeps that status and says why in its reason.
      const beingDeleted =
        environment.status === 'deleting' || environment.status === 'deleted';
      await this.store.updateStatus({
        id: job.environmentId,
        reason,
        ...(gaveUp && !beingDeleted && { status: 'failed' as const }),
      });
      if (gaveUp) {
        await this.store.appendAuditEvent({
          environmentId: job.environmentId,
          actor: RECONCILER_ACTOR,
          action: job.kind === 'teardown' ? 'teardown' : 'provision',
          outcome: 'failed',
          message: reason,
        });
      }
    } catch (statusError) {
      // The job is settled; a missing status update must not hide that.
      logger.error('Failed to record the failure on the environment', {
        error: errorMessage(statusError),
      });
    }
    return gaveUp ? 'failed' : 'retrying';
  }

  /** Renews the job's lease until the returned function is called. */
  private keepLeaseAlive(job: EnvironmentJob, logger: LoggerService) {
    const timer = setInterval(() => {
      this.store
        .renewLease({
          jobId: job.id,
          owner: this.owner,
          leaseMs: this.leaseMs,
          now: this.clock(),
        })
        .catch(error =>
          logger.warn('Failed to renew the job lease', {
            error: errorMessage(error),
          }),
        );
    }, Math.max(this.leaseMs / 3, 100));
    return () => clearInterval(timer);
  }
}
