export { environmentsApiRef } from './environmentsApiRef';
export type { EnvironmentsPortalApi } from './environmentsApiRef';
