/**
 * The environments backend plugin: the orchestration backend that provisions
 * one Kubernetes namespace per component environment.
 *
 * @packageDocumentation
 */

export { environmentsPlugin as default } from './plugin';
export {
  createEnvironmentConditionalDecision,
  environmentConditions,
  environmentPermissionResourceRef,
} from './permissions/rules';
export type {
  EnvironmentPermissionQuery,
  EnvironmentPermissionResource,
} from './permissions/rules';
