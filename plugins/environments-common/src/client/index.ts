export { EnvironmentsClient } from './EnvironmentsClient';
export type {
  EnvironmentsDiscovery,
  EnvironmentsFetch,
} from './EnvironmentsClient';
export type {
  EnvironmentList,
  EnvironmentsApi,
  EnvironmentsRequestOptions,
  ListEnvironmentsFilter,
} from './types';
