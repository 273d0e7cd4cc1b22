export { EnvironmentsClient } from './EnvironmentsClient';
export { policyDenialOf } from './policyDenial';
export {
  auditTrailSchema,
  deploymentListSchema,
  environmentSecretListSchema,
  environmentEventListSchema,
  environmentListSchema,
  environmentLogsQuerySchema,
  environmentPodListSchema,
  environmentTypeDescriptionSchema,
  environmentTypeListSchema,
  extendEnvironmentRequestSchema,
  listEnvironmentsFilterSchema,
  listPolicyDecisionsQuerySchema,
  statusTransitionListSchema,
} from './types';
export type {
  EnvironmentsDiscovery,
  EnvironmentsFetch,
} from './EnvironmentsClient';
export type {
  AuditTrail,
  DeploymentList,
  EnvironmentSecretList,
  EnvironmentEventList,
  EnvironmentList,
  EnvironmentLogsQuery,
  EnvironmentObservabilityApi,
  EnvironmentPodList,
  EnvironmentPolicyApi,
  EnvironmentsApi,
  EnvironmentChangeOptions,
  EnvironmentsRequestOptions,
  EnvironmentsStreamOptions,
  EnvironmentTypeDescription,
  EnvironmentTypeList,
  ExtendEnvironmentRequest,
  ListEnvironmentsFilter,
  ListPolicyDecisionsQuery,
  StatusTransitionList,
} from './types';
