import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  Deployment,
  DeploymentPage,
  DeploymentsStore,
  DeploymentTarget,
  EnvironmentPin,
  NewDeployment,
  PinnedEnvironmentError,
  StaleDeploymentError,
} from '../../model';

/**
 * The deployments store in memory, for the service's unit tests: the port's
 * rules (pins, stale current, approvals, superseding) without a database.
 * `DatabaseDeploymentsStore` is tested against the same rules on real ones.
 */
export class InMemoryDeploymentsStore implements DeploymentsStore {
  readonly deployments = new Map<string, Deployment>();
  readonly pins = new Map<string, EnvironmentPin>();
  readonly audit: NewDeployment['audit'][] = [];
  private readonly currents = new Map<string, string>();
  private readonly listeners: Array<(d: Deployment) => void> = [];

  constructor(private readonly clock: () => Date = () => new Date()) {}

  async createDeployment(request: NewDeployment): Promise<Deployment> {
    const { environmentId } = request;
    const pin = this.pins.get(environmentId);
    if (request.pin === 'refuse' && pin) {
      throw new PinnedEnvironmentError(environmentId, pin);
    }
    const currentId = this.currents.get(environmentId) ?? null;
    if (
      request.expectedCurrent !== undefined &&
      request.expectedCurrent !== currentId
    ) {
      throw new StaleDeploymentError(
        environmentId,
        request.expectedCurrent,
        currentId,
      );
    }
    const now = this.clock();
    const sequence =
      [...this.deployments.values()].filter(
        d => d.environmentId === environmentId,
      ).length + 1;
    const deployment: Deployment = {
      id: `deployment-${this.deployments.size + 1}`,
      environmentId,
      environmentName: request.environmentName,
      type: request.type,
      componentRef: request.componentRef,
      sequence,
      kind: request.kind,
      state: request.approval ? 'pending-approval' : 'rolling-out',
      version: request.version,
      resolved: request.resolved,
      contentHash: request.contentHash,
      message: request.message,
      source: request.source,
      ...(request.commit && { commit: request.commit }),
      ...(request.rollbackOf && { rollbackOf: request.rollbackOf }),
      ...(request.promotedFrom && { promotedFrom: request.promotedFrom }),
      ...(request.approval && { approval: { ...request.approval } }),
      createdBy: request.createdBy,
      createdAt: now,
      updatedAt: now,
    };
    if (request.approval) {
      for (const other of this.deployments.values()) {
        if (
          other.environmentId === environmentId &&
          other.state === 'pending-approval'
        ) {
          other.state = 'superseded';
        }
      }
    } else {
      this.rollOut(deployment, now);
    }
    if (request.pin === 'set') {
      this.pins.set(environmentId, {
        deploymentId: deployment.id,
        reason: request.message,
        by: request.createdBy,
        at: now,
      });
    } else if (request.pin === 'clear') {
      this.pins.delete(environmentId);
    }
    this.deployments.set(deployment.id, deployment);
    this.audit.push(request.audit);
    this.listeners.forEach(listener => listener(deployment));
    return { ...deployment };
  }

  /** Makes a deployment succeed, as the rollout tracker would. */
  succeed(id: string) {
    const deployment = this.deployments.get(id)!;
    deployment.state = 'succeeded';
    deployment.finishedAt = this.clock();
  }

  private rollOut(deployment: Deployment, now: Date) {
    const currentId = this.currents.get(deployment.environmentId);
    const current = currentId ? this.deployments.get(currentId) : undefined;
    if (current) {
      deployment.replaces = current.id;
      if (current.state === 'rolling-out' || current.state === 'succeeded') {
        current.state =
          deployment.kind === 'rollback' ? 'rolled-back' : 'superseded';
      }
    }
    deployment.state = 'rolling-out';
    deployment.startedAt = now;
    this.currents.set(deployment.environmentId, deployment.id);
  }

  async getDeployment(id: string): Promise<Deployment> {
    const deployment = this.deployments.get(id);
    if (!deployment) throw new NotFoundError(`Deployment '${id}' not found`);
    return { ...deployment };
  }

  async listDeployments(
    environmentId: string,
    page: DeploymentPage = {},
  ): Promise<Deployment[]> {
    return [...this.deployments.values()]
      .filter(d => d.environmentId === environmentId)
      .filter(d => page.before === undefined || d.sequence < page.before)
      .sort((a, b) => b.sequence - a.sequence)
      .slice(0, page.limit ?? Infinity);
  }

  /** How many times `getTargets` was called, to tell a batched read from N+1. */
  targetReads = 0;

  async getTargets(environmentIds: string[]): Promise<DeploymentTarget[]> {
    this.targetReads += 1;
    return environmentIds.map(environmentId => {
      const currentId = this.currents.get(environmentId);
      const pending = [...this.deployments.values()]
        .filter(
          d =>
            d.environmentId === environmentId && d.state === 'pending-approval',
        )
        .pop();
      const pin = this.pins.get(environmentId);
      return {
        environmentId,
        ...(currentId && { current: { ...this.deployments.get(currentId)! } }),
        ...(pending && { pending: { ...pending } }),
        ...(pin && { pin }),
      };
    });
  }

  async decideApproval(decision: {
    id: string;
    outcome: 'approved' | 'rejected';
    by: string;
    comment: string;
    now?: Date;
  }): Promise<Deployment> {
    const deployment = this.deployments.get(decision.id);
    if (!deployment) {
      throw new NotFoundError(`Deployment '${decision.id}' not found`);
    }
    if (deployment.state !== 'pending-approval' || !deployment.approval) {
      throw new ConflictError(`Deployment '${decision.id}' is not pending`);
    }
    const at = decision.now ?? this.clock();
    deployment.approval.decision = {
      outcome: decision.outcome,
      by: decision.by,
      at,
      comment: decision.comment,
    };
    if (decision.outcome === 'rejected') {
      deployment.state = 'rejected';
    } else {
      this.rollOut(deployment, at);
    }
    return { ...deployment };
  }

  async expireApprovals(): Promise<Deployment[]> {
    return [];
  }

  async recordRolloutOutcome(): Promise<Deployment | undefined> {
    return undefined;
  }

  async updateRolloutReason(): Promise<boolean> {
    return false;
  }

  async listRollingOut(): Promise<Deployment[]> {
    return [...this.deployments.values()].filter(
      d => d.state === 'rolling-out',
    );
  }

  async listPendingApprovals(): Promise<Deployment[]> {
    return [...this.deployments.values()].filter(
      d => d.state === 'pending-approval',
    );
  }

  onChange(listener: (deployment: Deployment) => void): void {
    this.listeners.push(listener);
  }
}
