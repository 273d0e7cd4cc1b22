export * from './types';
export * from './EnvironmentsStore';
export { canonicalJson } from './canonicalJson';
export { environmentCapChecks, environmentCapReached } from './environmentCaps';
export type { EnvironmentCaps, EnvironmentCapCheck } from './environmentCaps';
export { errorMessage, StaleVersionError } from './errors';
export {
  toApiAuditEvent,
  toApiEnvironment,
  toApiStatusTransition,
} from './toApi';
export { componentOwnerRef, componentSystemRef } from './catalogEntity';
