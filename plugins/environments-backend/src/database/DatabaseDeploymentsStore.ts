import { randomUUID } from 'node:crypto';
import { DatabaseService, LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import {
  Deployment,
  DeploymentPage,
  DeploymentsStore,
  DeploymentTarget,
  errorMessage,
  NewAuditEvent,
  NewDeployment,
  PinnedEnvironmentError,
  StaleDeploymentError,
} from '../model';
import { insertAuditEvent } from './auditTrail';
import { insertPolicyDecision } from './policyDecisions';
import {
  approvalColumn,
  DEPLOYMENT_TARGETS_TABLE,
  DeploymentRow,
  DEPLOYMENTS_TABLE,
  DeploymentTargetRow,
  toDeployment,
  toPin,
} from './deploymentRows';
import { isUniqueViolation, lockedOnPostgres } from './dialect';
import { enqueueJob } from './jobQueue';
import { assertNotBeingDeleted } from './lifecycle';
import { ENVIRONMENTS_TABLE, EnvironmentRow } from './rows';

/**
 * The actor of what the platform records on its own: rollout outcomes and
 * expired approvals. The reconciler's `RECONCILER_ACTOR`, which `database/`
 * cannot import; a test keeps the two equal.
 */
export const DEPLOYMENTS_SYSTEM_ACTOR = 'system:environments-reconciler';

const DEFAULT_PAGE_LIMIT = 100;
const MAX_PAGE_LIMIT = 500;

/** What a rollout displaces: a failed deployment stays failed. */
const DISPLACED_STATES = ['rolling-out', 'succeeded'] as const;

/** The result of a change: what it returns and every deployment it touched. */
interface Change<T> {
  result: T;
  touched: string[];
}

/**
 * The knex implementation of `DeploymentsStore`, in the environments'
 * database. Every change locks the environment's row first (on PostgreSQL;
 * SQLite lets one writer in at a time), which orders it against the other
 * changes of the environment's deployments and against its deletion.
 *
 * @internal
 */
export class DatabaseDeploymentsStore implements DeploymentsStore {
  /**
   * Builds the store on the plugin's database. The tables come with the
   * environments' migrations, which `DatabaseEnvironmentsStore.create`
   * applies: create that store first.
   */
  static async create({
    database,
    logger,
  }: {
    database: DatabaseService;
    logger?: LoggerService;
  }): Promise<DatabaseDeploymentsStore> {
    return new DatabaseDeploymentsStore(await database.getClient(), logger);
  }

  private readonly listeners: Array<(deployment: Deployment) => void> = [];

  private constructor(
    private readonly db: Knex,
    private readonly logger?: LoggerService,
  ) {}

  onChange(listener: (deployment: Deployment) => void): void {
    this.listeners.push(listener);
  }

  async createDeployment(request: NewDeployment): Promise<Deployment> {
    return this.changeAndNotify(async () => {
      try {
        return await this.db.transaction(tx =>
          this.insertDeployment(tx, request),
        );
      } catch (error) {
        if (!isUniqueViolation(error)) {
          throw error;
        }
      }
      // Two creators took the same sequence number; the second try reads
      // the winner's.
      try {
        return await this.db.transaction(tx =>
          this.insertDeployment(tx, request),
        );
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new ConflictError(
            `Another deployment to environment '${request.environmentId}' was created at the same moment; read its deployments again and retry`,
          );
        }
        throw error;
      }
    });
  }

  private async insertDeployment(
    tx: Knex.Transaction,
    request: NewDeployment,
  ): Promise<Change<Deployment>> {
    const { environmentId } = request;
    await this.requireLiveEnvironment(tx, environmentId);
    const target = await tx<DeploymentTargetRow>(DEPLOYMENT_TARGETS_TABLE)
      .where('environment_id', environmentId)
      .first();
    const currentId = target?.current_deployment_id ?? null;
    const pin = target && toPin(target);

    if (request.pin === 'refuse' && pin) {
      throw new PinnedEnvironmentError(environmentId, pin);
    }
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

    const [{ last }] = await tx<DeploymentRow>(DEPLOYMENTS_TABLE)
      .where('environment_id', environmentId)
      .max({ last: 'sequence' });
    const id = randomUUID();
    const now = new Date();
    const waits = request.approval !== undefined;
    await tx<DeploymentRow>(DEPLOYMENTS_TABLE).insert({
      id,
      environment_id: environmentId,
      environment_name: request.environmentName,
      type: request.type,
      component_ref: request.componentRef,
      sequence: Number(last ?? 0) + 1,
      kind: request.kind,
      state: waits ? 'pending-approval' : 'rolling-out',
      reason: null,
      version: request.version,
      resolved: JSON.stringify(request.resolved),
      content_hash: request.contentHash,
      message: request.message,
      source: request.source,
      commit: request.commit ? JSON.stringify(request.commit) : null,
      rollback_of: request.rollbackOf ?? null,
      promoted_from: request.promotedFrom
        ? JSON.stringify(request.promotedFrom)
        : null,
      replaces: currentId,
      approval: request.approval ? approvalColumn(request.approval) : null,
      approval_expires_at: request.approval?.expiresAt ?? null,
      created_by: request.createdBy,
      created_at: now,
      started_at: waits ? null : now,
      finished_at: null,
      updated_at: now,
    });

    // Whatever waited for approval was asked against what runs now, which
    // this deployment changes.
    const supersededPending = await this.supersedePending(
      tx,
      environmentId,
      id,
      now,
    );
    const displaced = waits
      ? []
      : await this.startRollout(tx, {
          environmentId,
          deploymentId: id,
          kind: request.kind,
          currentId,
          now,
        });

    const targetChanges: Partial<DeploymentTargetRow> = {};
    if (request.pin === 'set') {
      Object.assign(targetChanges, {
        pinned_deployment_id: id,
        pinned_reason: request.message,
        pinned_by: request.createdBy,
        pinned_at: now,
      });
    } else if (request.pin === 'clear' && pin) {
      Object.assign(targetChanges, {
        pinned_deployment_id: null,
        pinned_reason: null,
        pinned_by: null,
        pinned_at: null,
      });
    }
    await this.updateTarget(tx, environmentId, targetChanges, now);

    await this.audit(tx, environmentId, request.audit, now);
    if (request.policyDecision) {
      await insertPolicyDecision(tx, {
        ...request.policyDecision,
        environmentId,
        at: now,
      });
    }
    return {
      result: await this.requireDeployment(tx, id),
      touched: [...supersededPending, ...displaced],
    };
  }

  /**
   * Makes a deployment the environment's current one, rolling out: the one
   * it displaces becomes superseded (rolled back, for a rollback), and the
   * reconcile job that rolls it out is queued with it. Returns what it
   * displaced.
   */
  private async startRollout(
    tx: Knex.Transaction,
    rollout: {
      environmentId: string;
      deploymentId: string;
      kind: Deployment['kind'];
      currentId: string | null;
      now: Date;
    },
  ): Promise<string[]> {
    const { environmentId, deploymentId, currentId, now } = rollout;
    let displaced: string[] = [];
    if (currentId && currentId !== deploymentId) {
      const changed = await tx<DeploymentRow>(DEPLOYMENTS_TABLE)
        .where('id', currentId)
        .whereIn('state', DISPLACED_STATES)
        .update({
          state: rollout.kind === 'rollback' ? 'rolled-back' : 'superseded',
          updated_at: now,
        });
      displaced = changed ? [currentId] : [];
    }
    await this.updateTarget(
      tx,
      environmentId,
      { current_deployment_id: deploymentId },
      now,
    );
    await enqueueJob(tx, { environmentId, kind: 'reconcile', now });
    return displaced;
  }

  private async supersedePending(
    tx: Knex.Transaction,
    environmentId: string,
    newerId: string,
    now: Date,
  ): Promise<string[]> {
    const pending = await tx<DeploymentRow>(DEPLOYMENTS_TABLE)
      .where({ environment_id: environmentId, state: 'pending-approval' })
      .whereNot('id', newerId)
      .pluck('id');
    if (pending.length > 0) {
      await tx<DeploymentRow>(DEPLOYMENTS_TABLE)
        .whereIn('id', pending)
        .where('state', 'pending-approval')
        .update({ state: 'superseded', updated_at: now });
    }
    return pending;
  }

  /** Writes the environment's target row, creating it on first use. */
  private async updateTarget(
    tx: Knex.Transaction,
    environmentId: string,
    changes: Partial<DeploymentTargetRow>,
    now: Date,
  ): Promise<void> {
    if (Object.keys(changes).length === 0) {
      return;
    }
    await tx<DeploymentTargetRow>(DEPLOYMENT_TARGETS_TABLE)
      .insert({ environment_id: environmentId, ...changes, updated_at: now })
      .onConflict('environment_id')
      .merge({ ...changes, updated_at: now });
  }

  async decideApproval(decision: {
    id: string;
    outcome: 'approved' | 'rejected';
    by: string;
    comment: string;
    now?: Date;
  }): Promise<Deployment> {
    return this.changeAndNotify(() =>
      this.db.transaction(async tx => {
        const now = decision.now ?? new Date();
        const { environment_id: environmentId } =
          await this.requireDeploymentRow(tx, decision.id);
        await this.requireLiveEnvironment(tx, environmentId);
        // Read again under the lock: the state it is decided from.
        const row = await this.requireDeploymentRow(tx, decision.id);
        const { approval } = toDeployment(row);
        if (row.state !== 'pending-approval' || !approval) {
          throw new ConflictError(
            `Deployment '${decision.id}' is ${row.state}, no longer pending approval`,
          );
        }
        if (approval.expiresAt <= now) {
          throw new ConflictError(
            `The approval of deployment '${
              decision.id
            }' expired at ${approval.expiresAt.toISOString()}`,
          );
        }
        const approved = decision.outcome === 'approved';
        const decided = await tx<DeploymentRow>(DEPLOYMENTS_TABLE)
          .where({ id: decision.id, state: 'pending-approval' })
          .update({
            state: approved ? 'rolling-out' : 'rejected',
            approval: approvalColumn({
              ...approval,
              decision: {
                outcome: decision.outcome,
                by: decision.by,
                at: now,
                comment: decision.comment,
              },
            }),
            ...(approved && { started_at: now }),
            updated_at: now,
          });
        if (decided !== 1) {
          throw new ConflictError(
            `Deployment '${decision.id}' was decided meanwhile`,
          );
        }
        let displaced: string[] = [];
        if (approved) {
          const target = await tx<DeploymentTargetRow>(DEPLOYMENT_TARGETS_TABLE)
            .where('environment_id', row.environment_id)
            .first();
          displaced = await this.startRollout(tx, {
            environmentId: row.environment_id,
            deploymentId: row.id,
            kind: row.kind,
            currentId: target?.current_deployment_id ?? null,
            now,
          });
        }
        await this.audit(
          tx,
          row.environment_id,
          {
            actor: decision.by,
            action: approved ? 'approve' : 'reject',
            outcome: 'succeeded',
            message: decision.comment,
          },
          now,
        );
        return {
          result: await this.requireDeployment(tx, row.id),
          touched: displaced,
        };
      }),
    );
  }

  async expireApprovals(options: { now?: Date } = {}): Promise<Deployment[]> {
    const now = options.now ?? new Date();
    const due = await this.db<DeploymentRow>(DEPLOYMENTS_TABLE)
      .where('state', 'pending-approval')
      .where('approval_expires_at', '<=', now)
      .orderBy(['created_at', 'id']);
    const expired: Deployment[] = [];
    // One transaction each, like every other change of an environment's
    // deployments: its row first, then the deployment.
    for (const row of due) {
      const deployment = await this.changeAndNotify(() =>
        this.db.transaction(async tx => {
          await this.lockEnvironment(tx, row.environment_id);
          // Compare-and-set: another replica's sweep, or a decision, may
          // have got there first.
          const changed = await tx<DeploymentRow>(DEPLOYMENTS_TABLE)
            .where({ id: row.id, state: 'pending-approval' })
            .where('approval_expires_at', '<=', now)
            .update({ state: 'expired', updated_at: now });
          if (changed !== 1) {
            return { result: undefined, touched: [] };
          }
          await this.audit(
            tx,
            row.environment_id,
            {
              actor: DEPLOYMENTS_SYSTEM_ACTOR,
              action: 'expire-approval',
              outcome: 'succeeded',
              message: `Deployment ${row.sequence} (${row.version}) was not approved in time`,
            },
            now,
          );
          return {
            result: await this.requireDeployment(tx, row.id),
            touched: [],
          };
        }),
      );
      if (deployment) {
        expired.push(deployment);
      }
    }
    return expired;
  }

  async recordRolloutOutcome(outcome: {
    id: string;
    state: 'succeeded' | 'failed';
    reason?: string;
    now?: Date;
  }): Promise<Deployment | undefined> {
    const now = outcome.now ?? new Date();
    const read = await this.requireDeploymentRow(this.db, outcome.id);
    if (read.state !== 'rolling-out') {
      return undefined;
    }
    return this.changeAndNotify(() =>
      this.db.transaction(async tx => {
        await this.lockEnvironment(tx, read.environment_id);
        // Compare-and-set on the state it leaves: of two replicas that saw
        // the rollout end, one records it.
        const recorded = await tx<DeploymentRow>(DEPLOYMENTS_TABLE)
          .where({ id: outcome.id, state: 'rolling-out' })
          .update({
            state: outcome.state,
            reason: outcome.reason ?? null,
            finished_at: now,
            updated_at: now,
          });
        if (recorded !== 1) {
          return { result: undefined, touched: [] };
        }
        await this.audit(
          tx,
          read.environment_id,
          {
            actor: DEPLOYMENTS_SYSTEM_ACTOR,
            action: 'rollout',
            outcome: outcome.state,
            message: `Deployment ${read.sequence} (${read.version}) ${
              outcome.state
            }${outcome.reason ? `: ${outcome.reason}` : ''}`,
          },
          now,
        );
        return {
          result: await this.requireDeployment(tx, outcome.id),
          touched: [],
        };
      }),
    );
  }

  async updateRolloutReason(update: {
    id: string;
    reason: string | null;
  }): Promise<boolean> {
    const { id, reason } = update;
    const changed = await this.db<DeploymentRow>(DEPLOYMENTS_TABLE)
      .where({ id, state: 'rolling-out' })
      .where(differs =>
        reason === null
          ? differs.whereNotNull('reason')
          : differs.whereNull('reason').orWhereNot('reason', reason),
      )
      .update({ reason, updated_at: new Date() });
    if (changed === 0) {
      return false;
    }
    const row = await this.db<DeploymentRow>(DEPLOYMENTS_TABLE)
      .where('id', id)
      .first();
    if (row) {
      this.notify([toDeployment(row)]);
    }
    return true;
  }

  async getDeployment(id: string): Promise<Deployment> {
    return this.requireDeployment(this.db, id);
  }

  async listDeployments(
    environmentId: string,
    page: DeploymentPage = {},
  ): Promise<Deployment[]> {
    const limit = Math.min(
      Math.max(Math.floor(page.limit ?? DEFAULT_PAGE_LIMIT), 1),
      MAX_PAGE_LIMIT,
    );
    const query = this.db<DeploymentRow>(DEPLOYMENTS_TABLE)
      .where('environment_id', environmentId)
      .orderBy('sequence', 'desc')
      .limit(limit);
    if (page.before !== undefined) {
      query.where('sequence', '<', page.before);
    }
    return (await query).map(toDeployment);
  }

  async getTargets(environmentIds: string[]): Promise<DeploymentTarget[]> {
    if (environmentIds.length === 0) {
      return [];
    }
    const ids = [...new Set(environmentIds)];
    const targets = await this.db<DeploymentTargetRow>(
      DEPLOYMENT_TARGETS_TABLE,
    ).whereIn('environment_id', ids);
    const currentIds = targets.flatMap(t =>
      t.current_deployment_id ? [t.current_deployment_id] : [],
    );
    const rows = await this.db<DeploymentRow>(DEPLOYMENTS_TABLE)
      .where(wanted => {
        wanted.where(pending =>
          pending
            .whereIn('environment_id', ids)
            .where('state', 'pending-approval'),
        );
        if (currentIds.length > 0) {
          wanted.orWhereIn('id', currentIds);
        }
      })
      .orderBy('sequence', 'asc');

    const byId = new Map(rows.map(row => [row.id, toDeployment(row)]));
    const pendingByEnvironment = new Map<string, Deployment>();
    for (const deployment of byId.values()) {
      if (deployment.state === 'pending-approval') {
        // Ascending sequence: the newest pending one wins.
        pendingByEnvironment.set(deployment.environmentId, deployment);
      }
    }
    const targetByEnvironment = new Map(
      targets.map(t => [t.environment_id, t]),
    );
    return environmentIds.map(environmentId => {
      const target = targetByEnvironment.get(environmentId);
      const current =
        target?.current_deployment_id && byId.get(target.current_deployment_id);
      const pending = pendingByEnvironment.get(environmentId);
      const pin = target && toPin(target);
      return {
        environmentId,
        ...(current && { current }),
        ...(pending && { pending }),
        ...(pin && { pin }),
      };
    });
  }

  async listRollingOut(): Promise<Deployment[]> {
    const rows = await this.db<DeploymentRow>(DEPLOYMENTS_TABLE)
      .where('state', 'rolling-out')
      .orderBy(['created_at', 'id']);
    return rows.map(toDeployment);
  }

  async listPendingApprovals(): Promise<Deployment[]> {
    const rows = await this.db<DeploymentRow>(DEPLOYMENTS_TABLE)
      .where('state', 'pending-approval')
      .orderBy(['created_at', 'id']);
    return rows.map(toDeployment);
  }

  /**
   * Runs a change, then tells the listeners about everything it touched,
   * once it committed. What is touched besides the result is read after the
   * commit: listeners hear the committed state.
   */
  private async changeAndNotify<T extends Deployment | undefined>(
    change: () => Promise<Change<T>>,
  ): Promise<T> {
    const { result, touched } = await change();
    const results = result ? [result] : [];
    const others = touched.filter(id => id !== result?.id);
    const otherRows =
      others.length > 0
        ? await this.db<DeploymentRow>(DEPLOYMENTS_TABLE).whereIn('id', others)
        : [];
    this.notify([...otherRows.map(toDeployment), ...results]);
    return result;
  }

  private notify(deployments: Deployment[]): void {
    for (const deployment of deployments) {
      for (const listener of this.listeners) {
        try {
          // A listener's failure is its own: the change is committed.
          const result: unknown = listener(deployment);
          if (result instanceof Promise) {
            result.catch(error => this.listenerFailed(deployment, error));
          }
        } catch (error) {
          this.listenerFailed(deployment, error);
        }
      }
    }
  }

  private listenerFailed(deployment: Deployment, error: unknown): void {
    this.logger?.warn('A deployment change listener failed', {
      deploymentId: deployment.id,
      error: errorMessage(error),
    });
  }

  private async audit(
    tx: Knex.Transaction,
    environmentId: string,
    event: Omit<NewAuditEvent, 'environmentId'>,
    now: Date,
  ): Promise<void> {
    await insertAuditEvent(tx, { at: now, ...event, environmentId });
  }

  /**
   * Locks the environment's row (on PostgreSQL) for the rest of the
   * transaction. Every change here takes it first, as the environments
   * store does, which orders the changes of one environment's deployments
   * and its deletion, and keeps them from deadlocking (an audit row's
   * foreign key alone would wait on that lock while holding a deployment's).
   */
  private async lockEnvironment(
    tx: Knex.Transaction,
    environmentId: string,
  ): Promise<EnvironmentRow> {
    const row = await lockedOnPostgres(
      tx,
      tx<EnvironmentRow>(ENVIRONMENTS_TABLE).where('id', environmentId),
    ).first();
    if (!row) {
      throw new NotFoundError(`No environment with id '${environmentId}'`);
    }
    return row;
  }

  /** Locks the environment's row, which must not be deleting or deleted. */
  private async requireLiveEnvironment(
    tx: Knex.Transaction,
    environmentId: string,
  ): Promise<EnvironmentRow> {
    const row = await this.lockEnvironment(tx, environmentId);
    assertNotBeingDeleted(row);
    return row;
  }

  private async requireDeploymentRow(
    db: Knex,
    id: string,
  ): Promise<DeploymentRow> {
    const row = await db<DeploymentRow>(DEPLOYMENTS_TABLE)
      .where('id', id)
      .first();
    if (!row) {
      throw new NotFoundError(`No deployment with id '${id}'`);
    }
    return row;
  }

  private async requireDeployment(db: Knex, id: string): Promise<Deployment> {
    return toDeployment(await this.requireDeploymentRow(db, id));
  }
}
