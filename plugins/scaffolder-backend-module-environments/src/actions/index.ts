export { createRequestEnvironmentAction } from './requestEnvironment';
export { createDeleteEnvironmentAction } from './deleteEnvironment';
export { createDeployToEnvironmentAction } from './deployToEnvironment';
export { createPromoteToEnvironmentAction } from './promoteToEnvironment';
export type { EnvironmentsActionOptions } from './environmentsAccess';
export { requestEnvironmentSchema } from './requestEnvironment.schema';
export { deployToEnvironmentSchema } from './deployToEnvironment.schema';
