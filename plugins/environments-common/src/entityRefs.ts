import { z } from 'zod';

const ENTITY_REF_PATTERN =
  /^(?<kind>[^:/]+):(?:(?<namespace>[^:/]+)\/)?(?<name>[^:/]+)$/;
// The catalog's rule for namespaces and names, minus the length (checked apart).
const ENTITY_NAME_PATTERN = /^[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*$/;
const MAX_ENTITY_NAME_LENGTH = 63;
const DEFAULT_NAMESPACE = 'default';

type ReferencedKind = 'component' | 'group';

const EXAMPLE_NAMES: Record<ReferencedKind, string> = {
  component: 'orders-service',
  group: 'platform-team',
};

function isEntityName(value: string): boolean {
  return (
    value.length <= MAX_ENTITY_NAME_LENGTH && ENTITY_NAME_PATTERN.test(value)
  );
}

/**
 * A zod schema for a reference to an entity of `kind`, written
 * `kind:namespace/name` or `kind:name`. It outputs the full, lowercased form
 * (`component:default/orders-service`), the form the catalog uses in
 * relations and ownership references, so that references compare as equal
 * however they were written.
 */
export function entityRefSchema(kind: ReferencedKind) {
  const example = `"${kind}:default/${EXAMPLE_NAMES[kind]}" or "${kind}:${EXAMPLE_NAMES[kind]}"`;
  return z.string().transform((text, ctx) => {
    const groups = ENTITY_REF_PATTERN.exec(text)?.groups;
    const namespace = groups?.namespace ?? DEFAULT_NAMESPACE;
    if (!groups || !isEntityName(namespace) || !isEntityName(groups.name)) {
      ctx.addIssue({
        code: 'custom',
        message: `must be an entity reference such as ${example} (got "${text}")`,
      });
      return z.NEVER;
    }
    if (groups.kind.toLowerCase() !== kind) {
      ctx.addIssue({
        code: 'custom',
        message: `must refer to a ${kind}, not a ${groups.kind.toLowerCase()} (got "${text}")`,
      });
      return z.NEVER;
    }
    return `${kind}:${namespace}/${groups.name}`.toLowerCase();
  });
}
