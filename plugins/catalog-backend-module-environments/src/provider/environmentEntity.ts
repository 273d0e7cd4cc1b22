import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  EntityLink,
  ResourceEntity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  Environment,
  ENVIRONMENT_EXPIRES_AT_ANNOTATION,
  ENVIRONMENT_ID_ANNOTATION,
  ENVIRONMENT_ID_LABEL,
  ENVIRONMENT_STATUS_ANNOTATION,
  ENVIRONMENT_STATUS_REASON_ANNOTATION,
  ENVIRONMENT_TYPE_ANNOTATION,
  ENVIRONMENT_TYPE_LABEL,
  KUBERNETES_ID_LABEL,
} from '@internal/backstage-plugin-environments-common';

/** The `spec.type` of every Resource entity that is an environment. */
export const ENVIRONMENT_RESOURCE_TYPE = 'environment';

/** A label to filter environments by, beside `ENVIRONMENT_TYPE_LABEL`. */
export const ENVIRONMENT_STATUS_LABEL = 'environments.idp.dev/status';

const KUBERNETES_NAMESPACE_ANNOTATION = 'backstage.io/kubernetes-namespace';
const KUBERNETES_LABEL_SELECTOR_ANNOTATION =
  'backstage.io/kubernetes-label-selector';

/**
 * Where the catalog says an environment entity comes from, in the
 * `type:target` form of location references. Nothing reads it back; it names
 * the environment for people and for the catalog's unregister dialog.
 */
export function environmentLocationRef(environment: Environment): string {
  return `environments:${environment.id}`;
}

/**
 * The catalog reference of an environment's Resource entity: named after its
 * Kubernetes namespace, which is unique among live environments and a valid
 * entity name, in the catalog namespace of its component.
 */
export function environmentEntityRef(environment: Environment): string {
  const component = parseEntityRef(environment.componentRef);
  return stringifyEntityRef({
    kind: 'Resource',
    namespace: component.namespace,
    name: environment.namespace,
  });
}

/**
 * Describes a live environment as a catalog Resource of type `environment`:
 * a dependency of its component, owned by the component's owner, part of the
 * component's system, with what Backstage's Kubernetes plugin needs to show
 * the environment's workloads.
 *
 * The Resource schema allows no status in `spec`, and the entity's own
 * `status` field is an alpha field meant for processing problems (an error
 * there means processing is blocked), so the environment's status is in
 * annotations (to read) and labels (to filter by).
 */
export function environmentToEntity(
  environment: Environment,
  options: { appBaseUrl: string },
): ResourceEntity {
  const component = parseEntityRef(environment.componentRef);
  const location = environmentLocationRef(environment);
  const links: EntityLink[] = [
    {
      url: `${options.appBaseUrl.replace(
        /\/+$/,
        '',
      )}/environments/${encodeURIComponent(environment.id)}`,
      title: 'Environment in the portal',
      icon: 'dashboard',
    },
  ];

  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: environment.namespace,
      namespace: component.namespace,
      title: `${component.name} · ${environment.name}`,
      description: `The ${environment.name} environment of ${component.name}: Kubernetes namespace ${environment.namespace}, environment type ${environment.type}.`,
      annotations: {
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
        [KUBERNETES_ID_LABEL]: component.name,
        [KUBERNETES_NAMESPACE_ANNOTATION]: environment.namespace,
        [KUBERNETES_LABEL_SELECTOR_ANNOTATION]: `${ENVIRONMENT_ID_LABEL}=${environment.id}`,
        [ENVIRONMENT_ID_ANNOTATION]: environment.id,
        [ENVIRONMENT_TYPE_ANNOTATION]: environment.type,
        [ENVIRONMENT_STATUS_ANNOTATION]: environment.status,
        ...(environment.reason && {
          [ENVIRONMENT_STATUS_REASON_ANNOTATION]: environment.reason,
        }),
        ...(environment.expiresAt && {
          [ENVIRONMENT_EXPIRES_AT_ANNOTATION]: environment.expiresAt,
        }),
      },
      labels: {
        [ENVIRONMENT_TYPE_LABEL]: environment.type,
        [ENVIRONMENT_STATUS_LABEL]: environment.status,
      },
      links,
    },
    spec: {
      type: ENVIRONMENT_RESOURCE_TYPE,
      owner: environment.ownerRef,
      ...(environment.systemRef && { system: environment.systemRef }),
      dependencyOf: [environment.componentRef],
    },
  };
}
