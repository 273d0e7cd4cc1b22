import {
  Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  RELATION_PART_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';

/**
 * The full ref of what an entity points at: the catalog's relation when it
 * has processed the entity, else the spec field, resolved as the catalog
 * would (default kind, the entity's namespace).
 */
function relatedRef(
  entity: Entity,
  options: {
    relation: string;
    field: string;
    /** The kind a bare spec value means. */
    kind: string;
    /** Only relations to this kind count; any kind when not set. */
    onlyKind?: string;
  },
): string | undefined {
  const relation = entity.relations?.find(
    r =>
      r.type === options.relation &&
      (!options.onlyKind || r.targetRef.startsWith(`${options.onlyKind}:`)),
  );
  if (relation) {
    return relation.targetRef;
  }
  const value = entity.spec?.[options.field];
  if (typeof value !== 'string' || value.trim() === '') {
    return undefined;
  }
  return stringifyEntityRef(
    parseEntityRef(value, {
      defaultKind: options.kind,
      defaultNamespace: entity.metadata.namespace ?? 'default',
    }),
  );
}

/** The owner of a component (a group or a user), e.g. `group:default/team-orders`. */
export function componentOwnerRef(entity: Entity): string | undefined {
  return relatedRef(entity, {
    relation: RELATION_OWNED_BY,
    field: 'owner',
    kind: 'group',
  });
}

/** The system a component is part of, e.g. `system:default/commerce`. */
export function componentSystemRef(entity: Entity): string | undefined {
  return relatedRef(entity, {
    relation: RELATION_PART_OF,
    field: 'system',
    kind: 'system',
    onlyKind: 'system',
  });
}
