/**
 * Shared types, validation and permissions of the environments plugins:
 * environment types from app-config, requests to create environments,
 * Kubernetes quantities and names, and the environment model.
 *
 * @packageDocumentation
 */

export {
  compareQuantities,
  isWithinMaximum,
  parseCpuCores,
  parseCpuMillicores,
  parseMemoryBytes,
} from './quantity';
export type { QuantityKind } from './quantity';
export { parseDuration } from './duration';
export { environmentNamespace, isDns1123Label } from './names';
export {
  canRequestEnvironmentType,
  DEFAULT_BOUNDS,
  DEFAULT_QUOTA,
  environmentTypeSchema,
  parseEnvironmentTypes,
} from './environmentTypes';
export type { EnvironmentType } from './environmentTypes';
export {
  environmentRequestSchema,
  environmentSpecSchema,
  environmentUpdateSchema,
  validateEnvironmentRequest,
  validateEnvironmentUpdate,
} from './request';
export type {
  EnvironmentRequest,
  EnvironmentUpdate,
  EnvironmentRequestValidation,
  EnvironmentResource,
  EnvironmentSpec,
} from './request';
export * from './resources';
export { formatValidationIssues, parseWithIssues } from './validation';
export type { ValidationIssue } from './validation';
export {
  RESOURCE_TYPE_ENVIRONMENT,
  environmentCreatePermission,
  environmentDeletePermission,
  environmentDeployPermission,
  environmentDeploymentApprovePermission,
  environmentLogsReadPermission,
  environmentReadPermission,
  environmentUpdatePermission,
  environmentsPermissions,
} from './permissions';
export {
  ENVIRONMENT_STATUSES,
  auditEventSchema,
  environmentSchema,
  environmentStatusSchema,
  resourceConditionSchema,
  statusTransitionSchema,
} from './types';
export {
  DEPLOYMENT_CHANGED_TOPIC,
  deploymentChangedEventSchema,
  ENVIRONMENT_CHANGED_TOPIC,
  ENVIRONMENT_EXPIRES_AT_ANNOTATION,
  ENVIRONMENT_ID_ANNOTATION,
  ENVIRONMENT_ID_LABEL,
  ENVIRONMENT_SIGNAL_CHANNEL,
  ENVIRONMENT_STATUS_ANNOTATION,
  ENVIRONMENT_STATUS_REASON_ANNOTATION,
  ENVIRONMENT_TYPE_ANNOTATION,
  ENVIRONMENT_TYPE_LABEL,
  environmentChangedEventSchema,
  environmentSignalSchema,
} from './changes';
export type {
  DeploymentChangedEvent,
  EnvironmentChangedEvent,
  EnvironmentChangedPayload,
  EnvironmentSignal,
} from './changes';
export type {
  AuditEvent,
  Environment,
  EnvironmentStatus,
  ResourceCondition,
  StatusTransition,
} from './types';
export {
  environmentEventSchema,
  environmentPodContainerSchema,
  environmentPodSchema,
} from './observability';
export type {
  EnvironmentEvent,
  EnvironmentPod,
  EnvironmentPodContainer,
} from './observability';
export * from './deployments';
export * from './client';
export * from './cluster';
export * from './policy';
