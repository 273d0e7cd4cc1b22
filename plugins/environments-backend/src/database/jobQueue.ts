import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import { isPostgres, lockedOnPostgres } from './dialect';
import { ENVIRONMENTS_TABLE, JOBS_TABLE, JobRow, toJob } from './rows';
import {
  EnvironmentJob,
  EnvironmentStatus,
  JobKind,
  JobState,
  ReconcileFence,
} from '../model';
import { DELETION_STATUSES } from './lifecycle';

/*
 * The job queue as functions over a knex handle, so that the store can queue
 * jobs inside the same transaction as the change that calls for them.
 */

const UNFINISHED_STATES: JobState[] = ['pending', 'running'];

// Each round of enqueueJob is lost only to a job finishing between two of its
// statements, so running out of rounds means something is badly wrong.
const MAX_ENQUEUE_ROUNDS = 5;

export async function enqueueJob(
  tx: Knex.Transaction,
  request: {
    environmentId: string;
    kind: JobKind;
    runAfter?: Date;
    now: Date;
  },
): Promise<EnvironmentJob> {
  const { environmentId, kind, now } = request;
  for (let round = 0; round < MAX_ENQUEUE_ROUNDS; round++) {
    // A partial unique index allows one unfinished job per environment and
    // kind; when there is one already, the insert does nothing.
    await tx(JOBS_TABLE)
      .insert({
        id: randomUUID(),
        environment_id: environmentId,
        kind,
        state: 'pending',
        attempts: 0,
        rerun_requested: false,
        run_after: request.runAfter ?? now,
        created_at: now,
        updated_at: now,
      })
      .onConflict()
      .ignore();

    // The lock keeps claimers away from a pending job until the caller's
    // transaction commits, so that the job never runs on state that is about
    // to change, and makes a running job's completion wait for the rerun flag.
    const unfinished = await lockedOnPostgres(
      tx,
      tx<JobRow>(JOBS_TABLE)
        .where({ environment_id: environmentId, kind })
        .whereIn('state', UNFINISHED_STATES),
    ).first();
    if (!unfinished) {
      continue; // it finished between the two statements: queue a new one
    }
    if (unfinished.state === 'running' && !unfinished.rerun_requested) {
      // The running attempt may have read state that is now stale.
      const rerun = { rerun_requested: true, updated_at: now };
      await tx<JobRow>(JOBS_TABLE).where('id', unfinished.id).update(rerun);
      return toJob({ ...unfinished, ...rerun });
    }
    return toJob(unfinished);
  }
  throw new ConflictError(
    `Could not queue a ${kind} job for environment '${environmentId}'`,
  );
}

/** Due pending jobs, and running jobs whose owner stopped renewing the lease. */
function whereClaimable<T extends Knex.QueryBuilder>(query: T, now: Date): T {
  return query.where(claimable =>
    claimable
      .where(due => due.where('state', 'pending').where('run_after', '<=', now))
      .orWhere(abandoned =>
        abandoned.where('state', 'running').where('lease_expires_at', '<', now),
      ),
  ) as T;
}

export async function claimNextJob(
  db: Knex,
  request: { owner: string; leaseMs: number; now?: Date },
): Promise<EnvironmentJob | undefined> {
  const now = request.now ?? new Date();
  const lease: Partial<JobRow> = {
    state: 'running',
    lease_owner: request.owner,
    lease_expires_at: new Date(now.getTime() + request.leaseMs),
    updated_at: now,
  };
  // Reconciles before teardowns, then oldest first. A teardown holds its loop
  // until the namespace is gone (seconds each), so behind a mass deletion
  // (a benchmark's clean-up of 150 environments took 3 minutes) a new
  // environment would wait for every teardown queued before it; it waits
  // for the next loop to come free instead. Teardowns queue no reconciles, so
  // they cannot be put off for good.
  const claimOrder = (query: Knex.QueryBuilder) =>
    query
      .orderByRaw(`CASE WHEN kind = 'reconcile' THEN 0 ELSE 1 END`)
      .orderBy(['run_after', 'created_at', 'id']);

  if (isPostgres(db)) {
    // Rows locked by another replica's claim are skipped rather than waited
    // for, so concurrent claimers each get a different job without blocking.
    return db.transaction(async tx => {
      const candidate = await claimOrder(
        whereClaimable(tx<JobRow>(JOBS_TABLE), now),
      )
        .forUpdate()
        .skipLocked()
        .first('id');
      if (!candidate) {
        return undefined;
      }
      const [claimed] = await tx<JobRow>(JOBS_TABLE)
        .where('id', candidate.id)
        .update(lease)
        .returning('*');
      return toJob(claimed);
    });
  }

  // Without row locks, the update itself is the arbiter: it only succeeds if
  // the job is still claimable, and exactly one of several claimers sees it
  // change a row.
  for (;;) {
    const candidate = await claimOrder(
      whereClaimable(db<JobRow>(JOBS_TABLE), now),
    ).first('id');
    if (!candidate) {
      return undefined;
    }
    const claimedRows = await whereClaimable(
      db<JobRow>(JOBS_TABLE).where('id', candidate.id),
      now,
    ).update(lease);
    if (claimedRows === 1) {
      return toJob(
        (await db<JobRow>(JOBS_TABLE).where('id', candidate.id).first())!,
      );
    }
    // Another claimer took this job in between; try the next one.
  }
}

/** Applies `changes` if `owner` holds the job's lease, and returns the job. */
async function updateLeasedJob(
  db: Knex,
  lease: { jobId: string; owner: string },
  changes: Record<string, unknown>,
): Promise<EnvironmentJob> {
  return db.transaction(async tx => {
    const updatedRows = await tx<JobRow>(JOBS_TABLE)
      .where({ id: lease.jobId, lease_owner: lease.owner, state: 'running' })
      .update(changes);
    const row = await tx<JobRow>(JOBS_TABLE).where('id', lease.jobId).first();
    if (!row) {
      throw new NotFoundError(`No job with id '${lease.jobId}'`);
    }
    if (updatedRows === 0) {
      throw new ConflictError(
        `Job '${lease.jobId}' is not leased to '${lease.owner}'`,
      );
    }
    return toJob(row);
  });
}

export async function checkReconcileFence(
  db: Knex,
  lease: { jobId: string; owner: string; now?: Date },
): Promise<ReconcileFence> {
  const now = lease.now ?? new Date();
  const row: (JobRow & { environment_status: EnvironmentStatus }) | undefined =
    await db<JobRow>(JOBS_TABLE)
      .join(
        ENVIRONMENTS_TABLE,
        `${ENVIRONMENTS_TABLE}.id`,
        `${JOBS_TABLE}.environment_id`,
      )
      .where(`${JOBS_TABLE}.id`, lease.jobId)
      .first(
        `${JOBS_TABLE}.*`,
        `${ENVIRONMENTS_TABLE}.status as environment_status`,
      );
  if (!row) {
    throw new NotFoundError(`No job with id '${lease.jobId}'`);
  }
  if (DELETION_STATUSES.includes(row.environment_status)) {
    return {
      proceed: false,
      reason: 'deleting',
      message: `Environment '${row.environment_id}' is ${row.environment_status}`,
    };
  }
  const job = toJob(row);
  if (
    job.state !== 'running' ||
    job.leaseOwner !== lease.owner ||
    !job.leaseExpiresAt ||
    job.leaseExpiresAt <= now
  ) {
    return {
      proceed: false,
      reason: 'lease-lost',
      message: `Job '${lease.jobId}' is no longer leased to '${lease.owner}'`,
    };
  }
  return { proceed: true };
}

const releasedLease = { lease_owner: null, lease_expires_at: null };

export function renewLease(
  db: Knex,
  request: { jobId: string; owner: string; leaseMs: number; now?: Date },
): Promise<EnvironmentJob> {
  const now = request.now ?? new Date();
  return updateLeasedJob(db, request, {
    lease_expires_at: new Date(now.getTime() + request.leaseMs),
    updated_at: now,
  });
}

export function completeJob(
  db: Knex,
  request: { jobId: string; owner: string; now?: Date },
): Promise<EnvironmentJob> {
  const now = request.now ?? new Date();
  // Decided in the statement itself, so a rerun requested up to the last
  // moment is never lost.
  return updateLeasedJob(db, request, {
    state: db.raw(
      "case when rerun_requested then 'pending' else 'succeeded' end",
    ),
    attempts: db.raw('case when rerun_requested then 0 else attempts end'),
    rerun_requested: false,
    run_after: now,
    last_error: null,
    ...releasedLease,
    updated_at: now,
  });
}

export function failJob(
  db: Knex,
  request: {
    jobId: string;
    owner: string;
    error: string;
    retryAt: Date;
    maxAttempts: number;
    now?: Date;
  },
): Promise<EnvironmentJob> {
  const now = request.now ?? new Date();
  // A requested rerun is new work, so it retries with a fresh budget even if
  // this attempt was the last one.
  return updateLeasedJob(db, request, {
    state: db.raw(
      "case when rerun_requested or attempts + 1 < ? then 'pending' else 'failed' end",
      [request.maxAttempts],
    ),
    attempts: db.raw('case when rerun_requested then 0 else attempts + 1 end'),
    rerun_requested: false,
    run_after: request.retryAt,
    last_error: request.error,
    ...releasedLease,
    updated_at: now,
  });
}

export async function listJobs(
  db: Knex,
  environmentId: string,
): Promise<EnvironmentJob[]> {
  const rows = await db<JobRow>(JOBS_TABLE)
    .where('environment_id', environmentId)
    .orderBy(['created_at', 'id']);
  return rows.map(toJob);
}
