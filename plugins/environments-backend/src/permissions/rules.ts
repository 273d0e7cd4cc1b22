import {
  canRequestEnvironmentType,
  EnvironmentType,
  RESOURCE_TYPE_ENVIRONMENT,
} from '@internal/backstage-plugin-environments-common';
import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
  PermissionRule,
} from '@backstage/plugin-permission-node';
import { z } from 'zod';

/**
 * What permission decisions look at: an environment, or one as requested
 * before it exists (then without an id).
 *
 * @public
 */
export type EnvironmentPermissionResource = {
  id?: string;
  componentRef: string;
  ownerRef: string;
  type: string;
};

/**
 * Conditions are turned into in-memory filters: the lists are per
 * component or owner, so they are small.
 *
 * @public
 */
export type EnvironmentPermissionQuery = (
  resource: EnvironmentPermissionResource,
) => boolean;

/** @public */
export const environmentPermissionResourceRef = createPermissionResourceRef<
  EnvironmentPermissionResource,
  EnvironmentPermissionQuery
>().with({ pluginId: 'environments', resourceType: RESOURCE_TYPE_ENVIRONMENT });

const claimsSchema = z.object({
  claims: z
    .array(z.string())
    .describe(
      "The user's ownership references: their own entity reference and their groups",
    ),
});

/** Allows environments whose owner is among the claims. */
export const isEnvironmentOwner = createPermissionRule({
  name: 'IS_ENVIRONMENT_OWNER',
  description:
    'Allow environments owned by one of the claims (the owner of their component)',
  resourceRef: environmentPermissionResourceRef,
  paramsSchema: claimsSchema,
  apply: (resource, { claims }) => includesRef(claims, resource.ownerRef),
  toQuery:
    ({ claims }) =>
    resource =>
      includesRef(claims, resource.ownerRef),
});

/**
 * Allows environments of types that the claims may use: types without
 * `allowedGroups`, and types that list one of the claims' groups. Needs the
 * configured types, hence a factory.
 */
export function createIsTypeAllowedRule(
  types: Record<string, EnvironmentType>,
): PermissionRule<
  EnvironmentPermissionResource,
  EnvironmentPermissionQuery,
  typeof RESOURCE_TYPE_ENVIRONMENT,
  { claims: string[] }
> {
  const allowed = (type: string, claims: string[]) => {
    const configured = Object.prototype.hasOwnProperty.call(types, type)
      ? types[type]
      : undefined;
    return configured ? canRequestEnvironmentType(configured, claims) : false;
  };
  return createPermissionRule({
    name: 'IS_ENVIRONMENT_TYPE_ALLOWED',
    description:
      "Allow environments of types open to the claims: types without allowedGroups, or whose allowedGroups include one of the claims' groups",
    resourceRef: environmentPermissionResourceRef,
    paramsSchema: claimsSchema,
    apply: (resource, { claims }) => allowed(resource.type, claims),
    toQuery:
      ({ claims }) =>
      resource =>
        allowed(resource.type, claims),
  });
}

/**
 * Allows environments of types whose logs the platform team marked
 * `sensitiveLogs`; policies combine it with `not` to leave other logs open.
 * Needs the configured types, hence a factory.
 */
export function createHasSensitiveLogsRule(
  types: Record<string, EnvironmentType>,
): PermissionRule<
  EnvironmentPermissionResource,
  EnvironmentPermissionQuery,
  typeof RESOURCE_TYPE_ENVIRONMENT,
  undefined
> {
  const sensitive = (type: string) =>
    Object.prototype.hasOwnProperty.call(types, type) &&
    types[type].sensitiveLogs === true;
  return createPermissionRule({
    name: 'HAS_SENSITIVE_LOGS',
    description:
      'Allow environments of types whose logs are marked sensitive (sensitiveLogs: true)',
    resourceRef: environmentPermissionResourceRef,
    apply: resource => sensitive(resource.type),
    toQuery: () => resource => sensitive(resource.type),
  });
}

function includesRef(refs: string[], ref: string): boolean {
  const wanted = ref.toLowerCase();
  return refs.some(candidate => candidate.toLowerCase() === wanted);
}

/**
 * Conditions for permission policies, e.g.
 * `environmentConditions.isEnvironmentOwner({ claims })`.
 *
 * @public
 */
export const {
  conditions: environmentConditions,
  createConditionalDecision: createEnvironmentConditionalDecision,
} = createConditionExports({
  resourceRef: environmentPermissionResourceRef,
  rules: {
    isEnvironmentOwner,
    // Parameters only; the backend applies the rule with the configured types.
    isEnvironmentTypeAllowed: createIsTypeAllowedRule({}),
    hasSensitiveLogs: createHasSensitiveLogsRule({}),
  },
});
