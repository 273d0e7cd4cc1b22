import { AuthService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { componentDefaults } from '../deployments/componentDefaults';
import { componentOwnerRef, Environment } from '../model';
import { WorkloadSettings } from '../kubernetes';

export const DEFAULT_IMAGE_PATTERN = 'registry.local/{component}:latest';

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
    // The same reading as a deployment's component layer; what an
    // environment without deployments runs.
    const { image, port, replicas } = componentDefaults(
      entity?.metadata.annotations,
    ).values;
    return {
      image: image ?? pattern.replace(/\{component\}/g, componentName),
      ...(port !== undefined && { port }),
      ...(replicas !== undefined && { replicas }),
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
