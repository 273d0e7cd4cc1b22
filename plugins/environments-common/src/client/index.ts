export { EnvironmentsClient } from './EnvironmentsClient';
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
  EnvironmentsApi,
  EnvironmentChangeOptions,
  EnvironmentsRequestOptions,
  EnvironmentsStreamOptions,
  EnvironmentTypeDescription,
  EnvironmentTypeList,
  ExtendEnvironmentRequest,
  ListEnvironmentsFilter,
  StatusTransitionList,
} from './types';
