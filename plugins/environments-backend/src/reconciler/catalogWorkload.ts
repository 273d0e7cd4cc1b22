import { AuthService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { componentOwnerRef, Environment } from '../model';
import { WorkloadSettings } from '../kubernetes';

/** Deployment settings a component declares in its catalog entity. */
export const IMAGE_ANNOTATION = 'environments.idp.dev/image';
export const PORT_ANNOTATION = 'environments.idp.dev/port';
export const REPLICAS_ANNOTATION = 'environments.idp.dev/replicas';

export const DEFAULT_IMAGE_PATTERN = 'registry.local/{component}:latest';

function positiveInteger(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) {
    return undefined;
  }
  const number = Number(value);
  return number > 0 ? number : undefined;
}

/**
 * Reads how an environment's component runs from its catalog annotations, at
 * every reconcile, so that a changed annotation reaches the environments.
 * A component that is gone from the catalog keeps running with the defaults.
 */
export function catalogWorkloadSettings(options: {
  catalog: CatalogService;
  auth: AuthService;
  defaultImagePattern?: string;
}): (environment: Environment) => Promise<WorkloadSettings> {
  const pattern = options.defaultImagePattern ?? DEFAULT_IMAGE_PATTERN;
  return async environment => {
    const entity = await options.catalog.getEntityByRef(
      environment.componentRef,
      { credentials: await options.auth.getOwnServiceCredentials() },
    );
    const componentName = environment.componentRef.split('/').pop()!;
    const annotations = entity?.metadata.annotations ?? {};
    const port = positiveInteger(annotations[PORT_ANNOTATION]);
    const replicas = positiveInteger(annotations[REPLICAS_ANNOTATION]);
    return {
      image:
        annotations[IMAGE_ANNOTATION] ??
        pattern.replace(/\{component\}/g, componentName),
      ...(port && { port }),
      ...(replicas && { replicas }),
    };
  };
}

/**
 * Reads who owns an environment's component in the catalog now, as a full
 * entity ref (`spec.owner` defaults to a group in the component's namespace);
 * undefined when the component, or its owner, is gone.
 */
export function catalogComponentOwner(options: {
  catalog: CatalogService;
  auth: AuthService;
}): (environment: Environment) => Promise<string | undefined> {
  return async environment => {
    const entity = await options.catalog.getEntityByRef(
      environment.componentRef,
      { credentials: await options.auth.getOwnServiceCredentials() },
    );
    return entity ? componentOwnerRef(entity) : undefined;
  };
}
