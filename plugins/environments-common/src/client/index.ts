export { EnvironmentsClient } from './EnvironmentsClient';
export type {
  EnvironmentsDiscovery,
  EnvironmentsFetch,
} from './EnvironmentsClient';
export type {
  AuditTrail,
  EnvironmentList,
  EnvironmentsApi,
  EnvironmentsRequestOptions,
  EnvironmentTypeDescription,
  EnvironmentTypeList,
  ExtendEnvironmentRequest,
  ListEnvironmentsFilter,
} from './types';
