/**
 * The Node.js library of the environments plugins: the extension point
 * through which backend modules add resource drivers, the driver contract,
 * and helpers drivers share.
 *
 * @packageDocumentation
 */

export { resourceCredentialsSecretName } from './driver';
export type {
  EnvironmentResourceDriver,
  ObservedKind,
  ObservedObjects,
  ResourceEnvironment,
  ResourceReadiness,
  ResourceRenderContext,
  ResourceRequest,
} from './driver';
export { environmentResourceDriversExtensionPoint } from './extensionPoint';
export type { EnvironmentResourceDriversExtensionPoint } from './extensionPoint';
export { workloadConditions } from './workloadConditions';
export type { WorkloadCondition } from './workloadConditions';
export {
  base64,
  credentialsEnvFrom,
  objectMetadata,
  statefulSetReadiness,
} from './objects';
export {
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from './podSecurity';
export {
  credentialsSecretEnv,
  requiredPassword,
  statefulResourceObjects,
  statefulResourceReadiness,
} from './statefulResource';
export type { StatefulResourceSpec } from './statefulResource';
