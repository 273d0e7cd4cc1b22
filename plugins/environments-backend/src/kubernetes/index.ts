export { DEPLOYMENT_ID_ANNOTATION } from './labels';
export { desiredObjects } from './desiredObjects';
export type {
  DesiredObjectsInput,
  ProvisionedEnvironment,
  ResourceCredentials,
  WorkloadSettings,
} from './desiredObjects';
export {
  FIELD_MANAGER,
  KubernetesProvisioner,
  specHash,
} from './KubernetesProvisioner';
export type {
  AppliedObject,
  ApplyOutcome,
  EnvironmentLocation,
  EnvironmentWorkloadStatus,
  WorkloadCondition,
} from './KubernetesProvisioner';
export { ENVIRONMENT_ID_LABEL, environmentSelector } from './labels';
export { KubernetesObserver } from './KubernetesObserver';
export type { PodLogOptions } from './KubernetesObserver';
export {
  newestFirst,
  toEnvironmentEvent,
  toEnvironmentPod,
} from './observedObjects';
export { EnvironmentClusters } from './clusters';
export type { ClusterConnection } from './clusters';
export {
  ORCHESTRATOR_BINDING_NAME,
  ORCHESTRATOR_NAMESPACE_ROLE,
} from './namespaceAccess';
export { ResourceDrivers } from './ResourceDrivers';
export {
  MANAGED_SELECTOR,
  WATCHED_KINDS,
  WorkloadWatch,
} from './WorkloadWatch';
export type {
  WatchedKind,
  WorkloadList,
  WorkloadLister,
  WorkloadWatchOptions,
} from './WorkloadWatch';
export type { RolloutObservation } from './rollout';
export { WorkloadCache } from './WorkloadCache';
export { WORKLOAD_SECRET_NAME } from './secrets';
export type { WorkloadSecretKey } from './secrets';
