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
