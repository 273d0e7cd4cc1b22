export {
  backoffMs,
  EnvironmentReconciler,
  RECONCILER_ACTOR,
  toEnvironmentConditions,
} from './EnvironmentReconciler';
export type {
  EnvironmentReconcilerOptions,
  ProcessedJob,
  ReconcilerProvisioner,
  StatusRefresh,
} from './EnvironmentReconciler';
export {
  EnvironmentStatusWatcher,
  STATUS_RESYNC_TASK_ID,
} from './EnvironmentStatusWatcher';
export type {
  ClusterWatch,
  EnvironmentStatusWatcherOptions,
} from './EnvironmentStatusWatcher';
export { EXPIRY_ACTOR, ReconcilerWorker } from './ReconcilerWorker';
