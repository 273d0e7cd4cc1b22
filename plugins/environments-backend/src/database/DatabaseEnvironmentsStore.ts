import { randomUUID } from 'node:crypto';
import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import {
  AuditPage,
  canonicalJson,
  environmentCapChecks,
  environmentCapReached,
  toApiApproval,
} from '../model';
import { isPostgres, isUniqueViolation, lockedOnPostgres } from './dialect';
import {
  EnvironmentFilter,
  EnvironmentsStore,
  EnvironmentStatusUpdate,
  JobFailure,
  JobLease,
  NewAuditEvent,
  NewEnvironment,
  NewPolicyDecision,
  ReconcileFence,
  StaleVersionError,
} from '../model';
import { insertAuditEvent, listAuditEvents } from './auditTrail';
import { insertPolicyDecision } from './policyDecisions';
import { insertStatusTransition, listStatusTransitions } from './statusHistory';
import * as jobQueue from './jobQueue';
import {
  assertJobFitsLifecycle,
  assertNotBeingDeleted,
  DELETION_STATUSES,
  isBeingDeleted,
} from './lifecycle';
import {
  ENVIRONMENTS_TABLE,
  EnvironmentRow,
  JOBS_TABLE,
  toEnvironment,
} from './rows';
import {
  AuditEvent,
  Environment,
  EnvironmentJob,
  EnvironmentSpec,
  JobKind,
  StatusTransition,
} from '../model';

const migrationsDir = resolvePackagePath(
  '@internal/backstage-plugin-environments-backend',
  'migrations',
);

/** The reason of an environment whose approval nobody gave in time. */
export const APPROVAL_EXPIRED = 'Approval expired';

/** Who expires approvals, in the audit trail. */
export const APPROVAL_EXPIRY_ACTOR = 'system:approval-expiry';

function pendingUntil(row: EnvironmentRow): Date | undefined {
  return row.approval_pending_until === null ||
    row.approval_pending_until === undefined
    ? undefined
    : new Date(row.approval_pending_until);
}

/** Waiting for a decision that may still be made at `now`. */
function isPendingApproval(row: EnvironmentRow, now: Date): boolean {
  const until = pendingUntil(row);
  return row.status === 'requested' && until !== undefined && until >= now;
}

function isExpiredApproval(row: EnvironmentRow, now: Date): boolean {
  const until = pendingUntil(row);
  return row.status === 'requested' && until !== undefined && until < now;
}

/** Says why a decision on the environment can no longer be made. */
function notPendingError(row: EnvironmentRow, now: Date): ConflictError {
  const { approval } = toEnvironment(row);
  const name = `Environment '${row.name}'`;
  if (!approval) {
    return new ConflictError(
      `${name} did not need approval: its type does not require it`,
    );
  }
  if (approval.decision) {
    return new ConflictError(
      `${name} is no longer waiting for approval: ${approval.decision.outcome} by ${approval.decision.by}`,
    );
  }
  if (isExpiredApproval(row, now) || row.reason === APPROVAL_EXPIRED) {
    return new ConflictError(
      `${name} is no longer waiting for approval: it expired at ${approval.expiresAt.toISOString()}`,
    );
  }
  return new ConflictError(
    `${name} is no longer waiting for approval: it is ${row.status}`,
  );
}

/** Provisioning work waits for the approval. */
function assertNotAwaitingApproval(row: EnvironmentRow, what: string): void {
  if (pendingUntil(row) !== undefined) {
    throw new ConflictError(
      `Environment '${row.name}' is waiting for approval; ${what} once it is approved`,
    );
  }
}

function assertVersion(row: EnvironmentRow, expectedVersion?: number) {
  if (expectedVersion !== undefined && expectedVersion !== row.version) {
    throw new StaleVersionError(row.id, expectedVersion, row.version);
  }
}

/** @internal */
export class DatabaseEnvironmentsStore implements EnvironmentsStore {
  static async create({
    database,
    skipMigrations,
  }: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseEnvironmentsStore> {
    const client = await database.getClient();

    if (!database.migrations?.skip && !skipMigrations) {
      await client.migrate.latest({
        directory: migrationsDir,
      });
    }

    return new DatabaseEnvironmentsStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async createEnvironment(request: NewEnvironment): Promise<Environment> {
    const id = randomUUID();
    const now = new Date();
    const { approval } = request;
    try {
      await this.db.transaction(async tx => {
        await this.assertWithinCaps(tx, request);
        await tx<EnvironmentRow>(ENVIRONMENTS_TABLE).insert({
          id,
          name: request.name,
          namespace: request.namespace,
          component_ref: request.componentRef,
          owner_ref: request.ownerRef,
          system_ref: request.systemRef ?? null,
          type: request.type,
          status: 'requested',
          reason: approval?.reason ?? null,
          spec: canonicalJson(request.spec),
          conditions: canonicalJson([]),
          generation: 1,
          observed_generation: 0,
          version: 1,
          created_by: request.createdBy,
          created_at: now,
          updated_at: now,
          expires_at: request.expiresAt ?? null,
          deleted_at: null,
          approval: approval
            ? canonicalJson(
                toApiApproval({
                  groups: approval.groups,
                  expiresAt: approval.expiresAt,
                }),
              )
            : null,
          approval_pending_until: approval?.expiresAt ?? null,
        });
        // One waiting for approval gets its job once approved.
        if (!approval) {
          await jobQueue.enqueueJob(tx, {
            environmentId: id,
            kind: 'reconcile',
            now,
          });
        }
        await insertAuditEvent(tx, {
          environmentId: id,
          actor: request.createdBy,
          action: 'create',
          outcome: 'succeeded',
          message: approval?.reason,
          at: now,
        });
        await insertStatusTransition(tx, {
          environmentId: id,
          status: 'requested',
          reason: approval?.reason,
          at: now,
        });
        if (request.policyDecision) {
          await insertPolicyDecision(tx, {
            ...request.policyDecision,
            environmentId: id,
            at: now,
          });
        }
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw await this.describeClash(request);
      }
      throw error;
    }
    return this.getEnvironment(id);
  }

  /**
   * Counts the live environments a cap covers inside the creating
   * transaction, so that concurrent requests cannot together pass a cap each
   * saw unreached. PostgreSQL serializes the creators of one cap holder with
   * a transaction-scoped advisory lock (taken in a stable order); SQLite lets
   * one writer in at a time anyway.
   */
  private async assertWithinCaps(
    tx: Knex.Transaction,
    request: NewEnvironment,
  ) {
    const checks = environmentCapChecks(request.caps, request);
    for (const check of checks) {
      if (isPostgres(tx)) {
        await tx.raw('select pg_advisory_xact_lock(hashtext(?))', [
          `environments-cap:${request.type}:${check.scope}:${check.holder}`,
        ]);
      }
    }
    for (const check of checks) {
      const [{ count }] = await tx<EnvironmentRow>(ENVIRONMENTS_TABLE)
        .where('type', request.type)
        .where(
          check.scope === 'componentRef' ? 'component_ref' : 'owner_ref',
          check.holder,
        )
        .whereNotIn('status', ['deleting', 'deleted'])
        .count({ count: '*' });
      const live = Number(count);
      if (live >= check.max) {
        throw environmentCapReached(request.type, check, live);
      }
    }
  }

  async decideApproval(decision: {
    id: string;
    outcome: 'approved' | 'rejected';
    by: string;
    comment: string;
    now?: Date;
  }): Promise<Environment> {
    const now = decision.now ?? new Date();
    return this.db.transaction(async tx => {
      const row = await this.requireRow(tx, decision.id, { lock: true });
      const pending = toEnvironment(row).approval;
      if (!pending || !isPendingApproval(row, now)) {
        throw notPendingError(row, now);
      }
      const approval = canonicalJson(
        toApiApproval({
          ...pending,
          decision: {
            outcome: decision.outcome,
            by: decision.by,
            at: now,
            comment: decision.comment,
          },
        }),
      );
      const decided = {
        approval,
        approval_pending_until: null,
        updated_at: now,
      };
      if (decision.outcome === 'approved') {
        await this.compareAndSet(tx, row, { ...decided, reason: null });
        await jobQueue.enqueueJob(tx, {
          environmentId: row.id,
          kind: 'reconcile',
          now,
        });
      } else {
        await this.endUnprovisioned(tx, row, {
          changes: decided,
          reason: `Rejected by ${decision.by}: ${decision.comment}`,
          now,
        });
      }
      await insertAuditEvent(tx, {
        environmentId: row.id,
        actor: decision.by,
        action: decision.outcome === 'approved' ? 'approve' : 'reject',
        outcome: 'succeeded',
        message: decision.comment,
        at: now,
      });
      return toEnvironment(await this.requireRow(tx, row.id));
    });
  }

  async expireApprovals(options: { now?: Date } = {}): Promise<Environment[]> {
    const now = options.now ?? new Date();
    const due = await this.db<EnvironmentRow>(ENVIRONMENTS_TABLE)
      .whereNotNull('approval_pending_until')
      .where('approval_pending_until', '<', now)
      .orderBy(['approval_pending_until', 'id'])
      .select('id');
    const expired: Environment[] = [];
    for (const { id } of due) {
      // Each in its own transaction, re-read under the lock: a decision that
      // landed since the query wins.
      const environment = await this.db.transaction(async tx => {
        const row = await this.requireRow(tx, id, { lock: true });
        if (!isExpiredApproval(row, now)) {
          return undefined;
        }
        await this.endUnprovisioned(tx, row, {
          changes: { approval_pending_until: null, updated_at: now },
          reason: APPROVAL_EXPIRED,
          now,
        });
        await insertAuditEvent(tx, {
          environmentId: id,
          actor: APPROVAL_EXPIRY_ACTOR,
          action: 'expire-approval',
          outcome: 'succeeded',
          message: APPROVAL_EXPIRED,
          at: now,
        });
        return toEnvironment(await this.requireRow(tx, id));
      });
      if (environment) {
        expired.push(environment);
      }
    }
    return expired;
  }

  async listPendingApprovals(): Promise<Environment[]> {
    const rows = await this.db<EnvironmentRow>(ENVIRONMENTS_TABLE)
      .whereNotNull('approval_pending_until')
      .where('status', 'requested')
      .orderBy(['created_at', 'id']);
    return rows.map(toEnvironment);
  }

  /**
   * Ends an environment that was never provisioned (no job ever ran for it):
   * straight to `deleted`, which frees its name and namespace.
   */
  private async endUnprovisioned(
    tx: Knex.Transaction,
    row: EnvironmentRow,
    options: { changes: Partial<EnvironmentRow>; reason: string; now: Date },
  ) {
    const { changes, reason, now } = options;
    await this.compareAndSet(tx, row, {
      ...changes,
      status: 'deleted',
      reason,
      deleted_at: now,
    });
    await insertStatusTransition(tx, {
      environmentId: row.id,
      status: 'deleted',
      reason,
      at: now,
    });
  }

  async getEnvironment(id: string): Promise<Environment> {
    return toEnvironment(await this.requireRow(this.db, id));
  }

  async listEnvironments(
    filter: EnvironmentFilter = {},
  ): Promise<Environment[]> {
    const query = this.db<EnvironmentRow>(ENVIRONMENTS_TABLE).orderBy([
      'created_at',
      'id',
    ]);
    if (filter.componentRef) {
      query.where('component_ref', filter.componentRef);
    }
    if (filter.ownerRef) {
      query.where('owner_ref', filter.ownerRef);
    }
    if (filter.type) {
      query.where('type', filter.type);
    }
    if (filter.status) {
      query.where('status', filter.status);
    }
    if (!filter.includeDeleted) {
      query.whereNull('deleted_at');
    }
    const { after, limit } = filter;
    if (after) {
      // The order is (created_at, id): what follows `after` in it.
      query.where(later =>
        later
          .where('created_at', '>', after.createdAt)
          .orWhere(tie =>
            tie
              .where('created_at', after.createdAt)
              .andWhere('id', '>', after.id),
          ),
      );
    }
    if (limit !== undefined) {
      query.limit(limit);
    }
    return (await query).map(toEnvironment);
  }

  async updateStatus(update: EnvironmentStatusUpdate): Promise<boolean> {
    if (update.status && DELETION_STATUSES.includes(update.status)) {
      throw new InputError(
        `Status '${update.status}' of environment '${update.id}' is set by deleting it, not by a status update`,
      );
    }
    return this.db.transaction(async tx => {
      const row = await this.requireRow(tx, update.id, { lock: true });
      const changes: Partial<EnvironmentRow> = {};
      if (update.status !== undefined && update.status !== row.status) {
        assertNotBeingDeleted(row);
        changes.status = update.status;
      }
      if (update.reason !== undefined && update.reason !== row.reason) {
        changes.reason = update.reason;
      }
      if (update.conditions !== undefined) {
        const conditions = canonicalJson(update.conditions);
        if (conditions !== row.conditions) {
          changes.conditions = conditions;
        }
      }
      if (
        update.observedGeneration !== undefined &&
        update.observedGeneration !== row.observed_generation
      ) {
        changes.observed_generation = update.observedGeneration;
      }
      if (update.ownerRef !== undefined && update.ownerRef !== row.owner_ref) {
        changes.owner_ref = update.ownerRef;
      }
      if (Object.keys(changes).length === 0) {
        return false;
      }
      const now = new Date();
      await tx<EnvironmentRow>(ENVIRONMENTS_TABLE)
        .where('id', update.id)
        .update({ ...changes, updated_at: now });
      if (changes.status) {
        await insertStatusTransition(tx, {
          environmentId: update.id,
          status: changes.status,
          reason: 'reason' in changes ? changes.reason : row.reason,
          at: now,
        });
      }
      if (update.audit) {
        await insertAuditEvent(tx, {
          at: now,
          ...update.audit,
          environmentId: update.id,
        });
      }
      return true;
    });
  }

  async updateSpec(request: {
    id: string;
    spec: EnvironmentSpec;
    actor: string;
    expectedVersion?: number;
  }): Promise<Environment> {
    return this.db.transaction(async tx => {
      const row = await this.requireRow(tx, request.id, { lock: true });
      assertNotBeingDeleted(row);
      assertVersion(row, request.expectedVersion);
      // The approver approves the environment as it was requested.
      assertNotAwaitingApproval(row, 'change it');
      const spec = canonicalJson(request.spec);
      if (spec === row.spec) {
        return toEnvironment(row);
      }
      const now = new Date();
      await this.compareAndSet(tx, row, {
        spec,
        generation: row.generation + 1,
        updated_at: now,
      });
      await jobQueue.enqueueJob(tx, {
        environmentId: request.id,
        kind: 'reconcile',
        now,
      });
      await insertAuditEvent(tx, {
        environmentId: request.id,
        actor: request.actor,
        action: 'update-spec',
        outcome: 'succeeded',
        message: `Generation ${row.generation + 1}`,
        at: now,
      });
      return toEnvironment(await this.requireRow(tx, request.id));
    });
  }

  async markDeleting(request: {
    id: string;
    actor: string;
  }): Promise<Environment> {
    return this.db.transaction(async tx => {
      const row = await this.requireRow(tx, request.id, { lock: true });
      if (isBeingDeleted(row)) {
        return toEnvironment(row);
      }
      const now = new Date();
      await this.compareAndSet(tx, row, {
        status: 'deleting',
        updated_at: now,
        // Deleting one that waits for approval withdraws the request.
        approval_pending_until: null,
      });
      // Reconciling would recreate what the teardown removes.
      await tx(JOBS_TABLE)
        .where({ environment_id: request.id, kind: 'reconcile' })
        .where('state', 'pending')
        .delete();
      await tx(JOBS_TABLE)
        .where({ environment_id: request.id, kind: 'reconcile' })
        .where('state', 'running')
        .update({ rerun_requested: false, updated_at: now });
      await jobQueue.enqueueJob(tx, {
        environmentId: request.id,
        kind: 'teardown',
        now,
      });
      await insertStatusTransition(tx, {
        environmentId: request.id,
        status: 'deleting',
        reason: row.reason,
        at: now,
      });
      await insertAuditEvent(tx, {
        environmentId: request.id,
        actor: request.actor,
        action: 'delete',
        outcome: 'initiated',
        at: now,
      });
      return toEnvironment(await this.requireRow(tx, request.id));
    });
  }

  async markDeleted(request: {
    id: string;
    actor: string;
  }): Promise<Environment> {
    return this.db.transaction(async tx => {
      const row = await this.requireRow(tx, request.id, { lock: true });
      if (row.status === 'deleted') {
        return toEnvironment(row);
      }
      if (row.status !== 'deleting') {
        throw new ConflictError(
          `Environment '${request.id}' is ${row.status}; only a deleting environment can be marked deleted`,
        );
      }
      const now = new Date();
      // Setting deleted_at takes the row out of the partial unique indexes,
      // which frees its name and namespace.
      await tx<EnvironmentRow>(ENVIRONMENTS_TABLE)
        .where('id', request.id)
        .update({ status: 'deleted', deleted_at: now, updated_at: now });
      await insertStatusTransition(tx, {
        environmentId: request.id,
        status: 'deleted',
        reason: row.reason,
        at: now,
      });
      await insertAuditEvent(tx, {
        environmentId: request.id,
        actor: request.actor,
        action: 'delete',
        outcome: 'succeeded',
        at: now,
      });
      return toEnvironment(await this.requireRow(tx, request.id));
    });
  }

  async listExpiredEnvironments(
    options: { now?: Date } = {},
  ): Promise<Environment[]> {
    const rows = await this.db<EnvironmentRow>(ENVIRONMENTS_TABLE)
      .whereNotNull('expires_at')
      .where('expires_at', '<', options.now ?? new Date())
      .whereNotIn('status', DELETION_STATUSES)
      .orderBy(['expires_at', 'id']);
    return rows.map(toEnvironment);
  }

  async extendExpiry(request: {
    id: string;
    expiresAt: Date;
    actor: string;
    expectedVersion?: number;
    policyDecision?: Omit<NewPolicyDecision, 'environmentId'>;
  }): Promise<Environment> {
    return this.db.transaction(async tx => {
      const row = await this.requireRow(tx, request.id, { lock: true });
      assertNotBeingDeleted(row);
      assertVersion(row, request.expectedVersion);
      const current = toEnvironment(row).expiresAt;
      if (!current) {
        throw new InputError(`Environment '${request.id}' does not expire`);
      }
      if (request.expiresAt <= current) {
        throw new InputError(
          `Expiry of environment '${
            request.id
          }' can only move later than ${current.toISOString()}`,
        );
      }
      const now = new Date();
      await this.compareAndSet(tx, row, {
        expires_at: request.expiresAt,
        updated_at: now,
      });
      await insertAuditEvent(tx, {
        environmentId: request.id,
        actor: request.actor,
        action: 'extend-expiry',
        outcome: 'succeeded',
        message: `Expires at ${request.expiresAt.toISOString()}`,
        at: now,
      });
      if (request.policyDecision) {
        await insertPolicyDecision(tx, {
          ...request.policyDecision,
          environmentId: request.id,
          at: now,
        });
      }
      return toEnvironment(await this.requireRow(tx, request.id));
    });
  }

  async appendAuditEvent(event: NewAuditEvent): Promise<AuditEvent> {
    return this.db.transaction(async tx => {
      await this.requireRow(tx, event.environmentId);
      return insertAuditEvent(tx, event);
    });
  }

  listAuditEvents(
    environmentId: string,
    page?: AuditPage,
  ): Promise<AuditEvent[]> {
    return listAuditEvents(this.db, environmentId, page);
  }

  listStatusTransitions(
    environmentId: string,
    page?: AuditPage,
  ): Promise<StatusTransition[]> {
    return listStatusTransitions(this.db, environmentId, page);
  }

  async enqueueJob(request: {
    environmentId: string;
    kind: JobKind;
    runAfter?: Date;
    audit?: Omit<NewAuditEvent, 'environmentId'>;
  }): Promise<EnvironmentJob> {
    const { audit, ...job } = request;
    return this.db.transaction(async tx => {
      // The lock orders this against markDeleting, which drops reconcile work.
      const row = await this.requireRow(tx, job.environmentId, {
        lock: true,
      });
      assertJobFitsLifecycle(row, job.kind);
      if (job.kind === 'reconcile') {
        assertNotAwaitingApproval(row, 'it is provisioned');
      }
      const now = new Date();
      const queued = await jobQueue.enqueueJob(tx, { ...job, now });
      if (audit) {
        await insertAuditEvent(tx, {
          at: now,
          ...audit,
          environmentId: job.environmentId,
        });
      }
      return queued;
    });
  }

  claimNextJob(request: {
    owner: string;
    leaseMs: number;
    now?: Date;
  }): Promise<EnvironmentJob | undefined> {
    return jobQueue.claimNextJob(this.db, request);
  }

  checkReconcileFence(lease: JobLease): Promise<ReconcileFence> {
    return jobQueue.checkReconcileFence(this.db, lease);
  }

  renewLease(request: JobLease & { leaseMs: number }): Promise<EnvironmentJob> {
    return jobQueue.renewLease(this.db, request);
  }

  completeJob(lease: JobLease): Promise<EnvironmentJob> {
    return jobQueue.completeJob(this.db, lease);
  }

  failJob(failure: JobFailure): Promise<EnvironmentJob> {
    return jobQueue.failJob(this.db, failure);
  }

  listJobs(environmentId: string): Promise<EnvironmentJob[]> {
    return jobQueue.listJobs(this.db, environmentId);
  }

  /**
   * Writes a change a user made, bumping the version, only if the row is
   * still at the version it was read at. The row lock already orders
   * writers on PostgreSQL and SQLite lets one writer in at a time; the
   * condition makes the write itself refuse a lost update should either
   * ever not hold.
   */
  private async compareAndSet(
    tx: Knex.Transaction,
    row: EnvironmentRow,
    changes: Partial<EnvironmentRow>,
  ): Promise<void> {
    const updated = await tx<EnvironmentRow>(ENVIRONMENTS_TABLE)
      .where({ id: row.id, version: row.version })
      .update({ ...changes, version: row.version + 1 });
    if (updated !== 1) {
      const current = await this.requireRow(tx, row.id);
      throw new StaleVersionError(row.id, row.version, current.version);
    }
  }

  private async requireRow(
    db: Knex,
    id: string,
    options: { lock?: boolean } = {},
  ): Promise<EnvironmentRow> {
    const query = db<EnvironmentRow>(ENVIRONMENTS_TABLE).where('id', id);
    const row = await (options.lock
      ? lockedOnPostgres(db, query)
      : query
    ).first();
    if (!row) {
      throw new NotFoundError(`No environment with id '${id}'`);
    }
    return row;
  }

  /** Names the live environment that holds the requested name or namespace. */
  private async describeClash(request: NewEnvironment): Promise<ConflictError> {
    const holder = await this.db<EnvironmentRow>(ENVIRONMENTS_TABLE)
      .whereNull('deleted_at')
      .where(clash =>
        clash
          .where({ component_ref: request.componentRef, name: request.name })
          .orWhere('namespace', request.namespace),
      )
      .first();
    const holdsName =
      holder?.component_ref === request.componentRef &&
      holder?.name === request.name;
    if (holder && !holdsName) {
      return new ConflictError(
        `Namespace '${request.namespace}' is already used by environment '${holder.name}' of '${holder.component_ref}'`,
      );
    }
    return new ConflictError(
      `Environment '${request.name}' already exists for '${request.componentRef}'`,
    );
  }
}
