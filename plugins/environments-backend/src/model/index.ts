export * from './types';
export * from './EnvironmentsStore';
export * from './deployments';
export { canonicalJson } from './canonicalJson';
export { environmentCapChecks, environmentCapReached } from './environmentCaps';
export type { EnvironmentCaps, EnvironmentCapCheck } from './environmentCaps';
export {
  errorMessage,
  PinnedEnvironmentError,
  StaleDeploymentError,
  StaleVersionError,
} from './errors';
export {
  toApiApproval,
  toApiAuditEvent,
  toApiDeployment,
  toApiEnvironment,
  toApiStatusTransition,
} from './toApi';
export { componentOwnerRef, componentSystemRef } from './catalogEntity';
export type {
  NewPolicyDecision,
  PolicyDecisionEntry,
  PolicyDecisionsStore,
} from './policyDecisions';
