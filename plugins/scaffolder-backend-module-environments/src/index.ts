/**
 * Scaffolder actions for the platform's environments: `environments:request`,
 * `environments:delete`, `environments:deploy` and `environments:promote`.
 *
 * @packageDocumentation
 */

export { scaffolderModuleEnvironments as default } from './module';
export {
  createDeleteEnvironmentAction,
  createDeployToEnvironmentAction,
  createPromoteToEnvironmentAction,
  createRequestEnvironmentAction,
} from './actions';
export type { EnvironmentsActionOptions } from './actions';
// The actions' contracts (input and output schemas), so that a stand-in in a
// test of templates has the same inputs and outputs as the real action.
export { deployToEnvironmentSchema, requestEnvironmentSchema } from './actions';
