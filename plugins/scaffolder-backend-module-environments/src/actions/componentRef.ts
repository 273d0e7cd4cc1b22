import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';

/**
 * The full, lowercased form of a component reference
 * (`component:default/orders-service`), as the environments backend stores
 * it, so that checkpoint keys and lookups match however it was written.
 */
export function toComponentRef(ref: string): string {
  let parsed;
  try {
    parsed = parseEntityRef(ref, {
      defaultKind: 'component',
      defaultNamespace: 'default',
    });
  } catch {
    throw new InputError(
      `componentRef: must be an entity reference such as "component:default/orders-service" (got "${ref}")`,
    );
  }
  if (parsed.kind.toLocaleLowerCase('en-US') !== 'component') {
    throw new InputError(
      `componentRef: must refer to a component, not a ${parsed.kind.toLocaleLowerCase(
        'en-US',
      )} (got "${ref}")`,
    );
  }
  return stringifyEntityRef(parsed).toLocaleLowerCase('en-US');
}
