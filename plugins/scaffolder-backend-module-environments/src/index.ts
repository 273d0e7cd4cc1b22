/**
 * Scaffolder actions for the platform's environments: `environments:request`
 * and `environments:delete`.
 *
 * @packageDocumentation
 */

export { scaffolderModuleEnvironments as default } from './module';
export {
  createDeleteEnvironmentAction,
  createRequestEnvironmentAction,
} from './actions';
export type { EnvironmentsActionOptions } from './actions';
