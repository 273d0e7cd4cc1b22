import {
  ENVIRONMENT_ID_LABEL,
  ENVIRONMENT_TYPE_LABEL,
  KUBERNETES_ID_LABEL,
  MANAGED_BY_ENVIRONMENTS,
  MANAGED_BY_LABEL,
} from '@internal/backstage-plugin-environments-common';

/** The environment's id: finds everything that belongs to one environment. */
export { ENVIRONMENT_ID_LABEL };
/** The environment type's name, also on the environment's catalog entity. */
export { ENVIRONMENT_TYPE_LABEL };
/** Shared with `packages/cluster-tools`, whose scope policy selects by it. */
export { MANAGED_BY_ENVIRONMENTS as MANAGED_BY, MANAGED_BY_LABEL };
export const COMPONENT_LABEL = 'environments.idp.dev/component';
/** Backstage's Kubernetes plugin finds a component's objects by this label. */
export { KUBERNETES_ID_LABEL };
/** A hash of the desired object, so that an unchanged object is not written again. */
export const SPEC_HASH_ANNOTATION = 'environments.idp.dev/spec-hash';

/**
 * On the pod template of a component's Deployment (so on every pod): the
 * deployment the workload is. A new deployment is a new rollout.
 */
export const DEPLOYMENT_ID_ANNOTATION = 'environments.idp.dev/deployment-id';

/** A label selector for everything that belongs to one environment. */
export function environmentSelector(environmentId: string): string {
  return `${ENVIRONMENT_ID_LABEL}=${environmentId}`;
}
