export { EnvironmentReconciler } from './EnvironmentReconciler';
export type { EnvironmentReconcilerOptions } from './EnvironmentReconciler';
export {
  EnvironmentConvergence,
  RECONCILER_ACTOR,
  toEnvironmentConditions,
} from './EnvironmentConvergence';
export type {
  EnvironmentConvergenceOptions,
  ReconcilerProvisioner,
  StatusRefresh,
} from './EnvironmentConvergence';
export { backoffMs, EnvironmentJobRunner } from './EnvironmentJobRunner';
export type {
  JobAttemptFailure,
  JobHandler,
  JobQueue,
  ProcessedJob,
} from './EnvironmentJobRunner';
export {
  EnvironmentStatusWatcher,
  STATUS_RESYNC_TASK_ID,
} from './EnvironmentStatusWatcher';
export type {
  ClusterWatch,
  EnvironmentStatusWatcherOptions,
} from './EnvironmentStatusWatcher';
export { EXPIRY_ACTOR, ReconcilerWorker } from './ReconcilerWorker';
export { scheduleReconciliation } from './scheduleReconciliation';
export { RolloutTracker, rolloutFailureReason } from './RolloutTracker';
export type {
  RolloutCheck,
  RolloutObserver,
  RolloutTrackerOptions,
} from './RolloutTracker';
export { deploymentWorkload } from './deploymentWorkload';
