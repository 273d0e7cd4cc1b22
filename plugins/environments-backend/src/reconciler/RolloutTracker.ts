import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { EnvironmentType } from '@internal/backstage-plugin-environments-common';
import {
  Deployment,
  DeploymentsStore,
  Environment,
  EnvironmentsStore,
  errorMessage,
} from '../model';
import { KubernetesProvisioner, RolloutObservation } from '../kubernetes';

/** The part of `KubernetesProvisioner` the tracker uses. */
export type RolloutObserver = Pick<KubernetesProvisioner, 'observeRollout'>;

export type RolloutTrackerOptions = {
  deployments: Pick<
    DeploymentsStore,
    | 'getTargets'
    | 'listRollingOut'
    | 'recordRolloutOutcome'
    | 'updateRolloutReason'
  >;
  environments: Pick<EnvironmentsStore, 'getEnvironment'>;
  /** The observer of the cluster an environment type names. */
  observerFor: (cluster: string) => RolloutObserver;
  /** Environment types from app-config, by name. */
  types: Record<string, EnvironmentType>;
  logger: LoggerService;
  /** Environments looked at the same time; 8 when not given. */
  concurrency?: number;
  /** How often every rolling-out deployment is looked at; 10 s when not given. */
  sweepIntervalMs?: number;
  /** Changes within this time are one look; 50 ms when not given. */
  coalesceMs?: number;
};

/**
 * What one look at an environment found: `idle` (nothing rolling out),
 * `waiting` (the cluster does not run the deployment yet, or still rolls it
 * out), or the outcome it saw, whether this replica recorded it or not.
 */
export type RolloutCheck = 'idle' | 'waiting' | 'succeeded' | 'failed';

const DEFAULT_CONCURRENCY = 8;
const DEFAULT_SWEEP_INTERVAL_MS = 10_000;
// Short: a rollout's watch events come in bursts, and latency counts.
const DEFAULT_COALESCE_MS = 50;

/** The reason a failed deployment records: the cluster's reason and its message. */
export function rolloutFailureReason(
  observation: Extract<RolloutObservation, { phase: 'failed' }>,
): string {
  return `${observation.reason}: ${observation.message}`;
}

/**
 * Follows each `rolling-out` deployment until the cluster shows it
 * `succeeded` or `failed`, and records that once. It looks when told that an
 * environment may have moved (its workloads changed, a reconcile applied it)
 * and, as a safety net, at start-up and every `sweepIntervalMs` for every
 * rolling-out deployment: a backend stopped mid-rollout finishes the job
 * after a restart. Nothing polls one deployment.
 *
 * Looks are coalesced per environment (changes within `coalesceMs`, or
 * while one is looked at, mean one more look, however many came) and at
 * most `concurrency` environments are looked at together. Two replicas may both
 * see an outcome; the store's compare-and-set records it once.
 */
export class RolloutTracker {
  private readonly deployments: RolloutTrackerOptions['deployments'];
  private readonly environments: RolloutTrackerOptions['environments'];
  private readonly observerFor: RolloutTrackerOptions['observerFor'];
  private readonly types: Record<string, EnvironmentType>;
  private readonly logger: LoggerService;
  private readonly concurrency: number;
  private readonly sweepIntervalMs: number;
  private readonly coalesceMs: number;
  private running = false;
  private sweepTimer?: NodeJS.Timeout;
  private coalescing?: NodeJS.Timeout;
  /** Environments to look at, in the order they were asked for. */
  private readonly queued = new Set<string>();
  /** Environments looked at now; a change meanwhile queues them again. */
  private readonly inFlight = new Set<string>();
  private readonly looks = new Set<Promise<void>>();

  constructor(options: RolloutTrackerOptions) {
    this.deployments = options.deployments;
    this.environments = options.environments;
    this.observerFor = options.observerFor;
    this.types = options.types;
    this.logger = options.logger;
    this.concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
    this.sweepIntervalMs = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
    this.coalesceMs = options.coalesceMs ?? DEFAULT_COALESCE_MS;
  }

  /** Sweeps now and then every `sweepIntervalMs`; does nothing if it runs already. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.sweepTimer = setInterval(
      () => void this.sweep(),
      this.sweepIntervalMs,
    );
    void this.sweep();
  }

  /** Stops, once the looks under way are done. */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.sweepTimer);
    clearTimeout(this.coalescing);
    this.coalescing = undefined;
    this.queued.clear();
    await Promise.all(this.looks);
  }

  /** The environment's rollout may have moved: look at it soon. */
  environmentChanged(environmentId: string): void {
    if (!this.running) return;
    this.queued.add(environmentId);
    if (!this.coalescing) {
      this.coalescing = setTimeout(() => {
        this.coalescing = undefined;
        this.pump();
      }, this.coalesceMs);
    }
  }

  /** Queues a look at every environment with a rolling-out deployment. */
  async sweep(): Promise<void> {
    let rollingOut: Deployment[];
    try {
      rollingOut = await this.deployments.listRollingOut();
    } catch (error) {
      this.logger.warn('Failed to list the deployments rolling out', {
        error: errorMessage(error),
      });
      return;
    }
    for (const deployment of rollingOut) {
      this.environmentChanged(deployment.environmentId);
    }
  }

  /**
   * Looks at the environment's current deployment once and records what the
   * cluster shows of it: its outcome, or while it rolls out, what it waits for.
   */
  async check(environmentId: string): Promise<RolloutCheck> {
    const [target] = await this.deployments.getTargets([environmentId]);
    const deployment = target?.current;
    if (!deployment || deployment.state !== 'rolling-out') {
      return 'idle';
    }
    let environment: Environment;
    try {
      environment = await this.environments.getEnvironment(environmentId);
    } catch (error) {
      if (error instanceof NotFoundError) return 'idle';
      throw error;
    }
    const type = this.types[environment.type];
    if (!type) {
      this.logger.warn(
        `Not following the rollout: environment type '${environment.type}' is not configured in app-config`,
        { environment: environmentId, deployment: deployment.id },
      );
      return 'idle';
    }
    const observation = await this.observerFor(type.cluster).observeRollout(
      environment,
    );
    // Until the apply lands, the cluster shows the previous deployment's
    // ReplicaSet, whose outcome is not this deployment's.
    if (
      observation.phase === 'absent' ||
      observation.deploymentId !== deployment.id
    ) {
      return 'waiting';
    }
    const logger = this.logger.child({
      environment: environmentId,
      deployment: deployment.id,
    });
    switch (observation.phase) {
      case 'complete': {
        const recorded = await this.deployments.recordRolloutOutcome({
          id: deployment.id,
          state: 'succeeded',
        });
        if (recorded) {
          logger.info('Deployment rolled out', { version: deployment.version });
        }
        return 'succeeded';
      }
      case 'failed': {
        const reason = rolloutFailureReason(observation);
        const recorded = await this.deployments.recordRolloutOutcome({
          id: deployment.id,
          state: 'failed',
          reason,
        });
        if (recorded) {
          logger.warn('Deployment failed to roll out', { reason });
        }
        return 'failed';
      }
      default:
        // progressing: say what it waits for.
        await this.deployments.updateRolloutReason({
          id: deployment.id,
          reason: observation.message,
        });
        return 'waiting';
    }
  }

  private pump() {
    while (this.running && this.inFlight.size < this.concurrency) {
      const next = [...this.queued].find(id => !this.inFlight.has(id));
      if (next === undefined) return;
      this.queued.delete(next);
      this.inFlight.add(next);
      const look: Promise<void> = this.check(next)
        .then(
          () => undefined,
          error =>
            // The next change or sweep looks again.
            this.logger.warn('Failed to follow the rollout of an environment', {
              environment: next,
              error: errorMessage(error),
            }),
        )
        .finally(() => {
          this.inFlight.delete(next);
          this.looks.delete(look);
          this.pump();
        });
      this.looks.add(look);
    }
  }
}
