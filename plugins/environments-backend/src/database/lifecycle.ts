import { ConflictError } from '@backstage/errors';
import { EnvironmentRow } from './rows';
import { EnvironmentStatus, JobKind } from '../model';

/** Statuses that only `markDeleting` and `markDeleted` may set. */
export const DELETION_STATUSES: EnvironmentStatus[] = ['deleting', 'deleted'];

export function isBeingDeleted(row: EnvironmentRow): boolean {
  return DELETION_STATUSES.includes(row.status);
}

export function assertNotBeingDeleted(row: EnvironmentRow): void {
  if (isBeingDeleted(row)) {
    throw new ConflictError(`Environment '${row.id}' is ${row.status}`);
  }
}

/**
 * A reconcile job on an environment being torn down would recreate what the
 * teardown removes; a teardown job on a live environment would remove it
 * without the deletion being recorded.
 */
export function assertJobFitsLifecycle(
  row: EnvironmentRow,
  kind: JobKind,
): void {
  const fits =
    kind === 'reconcile' ? !isBeingDeleted(row) : row.status === 'deleting';
  if (!fits) {
    throw new ConflictError(
      `Environment '${row.id}' is ${row.status}; it takes no ${kind} job`,
    );
  }
}
