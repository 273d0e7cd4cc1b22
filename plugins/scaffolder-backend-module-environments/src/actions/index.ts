export { createRequestEnvironmentAction } from './requestEnvironment';
export { createDeleteEnvironmentAction } from './deleteEnvironment';
export type { EnvironmentsActionOptions } from './environmentsAccess';
