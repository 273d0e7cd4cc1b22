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
} from './EnvironmentReconciler';
export { EXPIRY_ACTOR, ReconcilerWorker } from './ReconcilerWorker';
