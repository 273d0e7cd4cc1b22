import { z } from 'zod';
import { durationSchema, parseDuration } from './duration';
import { entityRefSchema } from './entityRefs';
import { EnvironmentType } from './environmentTypes';
import { environmentResourceSchema } from './resources';
import { dns1123LabelSchema } from './names';
import {
  isWithinMaximum,
  parseMemoryBytes,
  QuantityKind,
  quantitySchema,
} from './quantity';
import {
  isPlainObject,
  parseWithIssues,
  ValidationIssue,
  whenFieldsValid,
} from './validation';

// The namespace is `<component>-<environment>` and holds at most 63
// characters; component names take up to 63 themselves, so keeping
// environment names short leaves most namespaces readable, without a hash.
const MAX_ENVIRONMENT_NAME_LENGTH = 40;

// A simplified form of the grammar that container registries accept
// (github.com/distribution/reference): an optional registry host and port, a
// lowercase repository path, an optional tag and an optional digest.
const DOMAIN_PART = '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?';
const REGISTRY = `${DOMAIN_PART}(?:\\.${DOMAIN_PART})*(?::[0-9]+)?`;
const PATH_PART = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const TAG = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}';
const DIGEST = '[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}';
const IMAGE_REFERENCE_PATTERN = new RegExp(
  `^(?:${REGISTRY}/)?${PATH_PART}(?:/${PATH_PART})*(?::${TAG})?(?:@${DIGEST})?$`,
);

export const imageReferenceSchema = z.string().superRefine((image, ctx) => {
  if (!IMAGE_REFERENCE_PATTERN.test(image)) {
    ctx.addIssue({
      code: 'custom',
      message: `must be a container image reference such as "ghcr.io/acme/orders-service:1.4.2": an optional registry, a lowercase repository path, then an optional :tag and @digest (got "${image}")`,
    });
  }
});

// The union of every resource type's schema (resources/): the portal's form
// and the API validate alike.
const resourceSchema = environmentResourceSchema;

const resourcesSchema = z.array(resourceSchema).superRefine(
  (resources: unknown[], ctx) => {
    // Reads names defensively: this runs even when some resources are
    // invalid, so that duplicates are reported along with other problems.
    const firstIndexByName = new Map<string, number>();
    resources.forEach((resource, index) => {
      if (!isPlainObject(resource) || typeof resource.name !== 'string') {
        return;
      }
      const firstIndex = firstIndexByName.get(resource.name);
      if (firstIndex === undefined) {
        firstIndexByName.set(resource.name, index);
      } else {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'name'],
          message: `must be unique, but "${resource.name}" is also the name of resources.${firstIndex}`,
        });
      }
    });
  },
  { when: payload => Array.isArray(payload.value) },
);

/**
 * The zod schema of a request to create an environment for a component.
 * It checks each field on its own; {@link validateEnvironmentRequest} also
 * checks the request against the configured environment types.
 *
 * `componentRef` comes out in its full, lowercased form
 * (`component:default/orders-service`), and numeric quantities as strings.
 *
 * @public
 */
export const environmentRequestSchema = z.strictObject({
  componentRef: entityRefSchema('component'),
  type: z.string().min(1, 'must not be empty'),
  name: dns1123LabelSchema(
    MAX_ENVIRONMENT_NAME_LENGTH,
    'because it becomes part of the namespace name',
  ).optional(),
  ttl: durationSchema.optional(),
  overrides: z
    .strictObject({
      cpu: quantitySchema('cpu').optional(),
      memory: quantitySchema('memory').optional(),
    })
    .optional(),
  image: imageReferenceSchema.optional(),
  resources: resourcesSchema.optional(),
});

/**
 * A request to create an environment, as a client sends it.
 *
 * @public
 */
export type EnvironmentRequest = z.input<typeof environmentRequestSchema>;

/**
 * A resource provisioned along with an environment, such as a PostgreSQL
 * database.
 *
 * @public
 */
export type EnvironmentResource = z.output<typeof resourceSchema>;

/**
 * A validated request with its defaults applied: `name` defaults to the type
 * name, `ttl` to the type's default time to live (ephemeral types only), and
 * `resources` to none.
 *
 * @public
 */
export type EnvironmentSpec = z.output<typeof environmentSpecSchema>;

/**
 * The zod schema of an environment's spec: a validated request with its
 * defaults applied, so `name` and `resources` are always there. The name may
 * be a type's name (a DNS-1123 label of up to 63 characters), so only a
 * requested name is held to 40.
 *
 * @public
 */
export const environmentSpecSchema = environmentRequestSchema.extend({
  name: dns1123LabelSchema(),
  resources: resourcesSchema,
});

/**
 * The outcome of {@link validateEnvironmentRequest}.
 *
 * @public
 */
export type EnvironmentRequestValidation =
  | { ok: true; request: EnvironmentSpec }
  | { ok: false; issues: ValidationIssue[] };

function findType(
  types: Record<string, EnvironmentType>,
  name: string,
): EnvironmentType | undefined {
  // Only the configured names, not what every object inherits ("toString").
  return Object.prototype.hasOwnProperty.call(types, name)
    ? types[name]
    : undefined;
}

function unknownTypeRule(
  types: Record<string, EnvironmentType>,
  name: string,
): string {
  const known = Object.keys(types).sort();
  return known.length === 0
    ? 'must be a configured environment type, but none are configured (environments.types in app-config)'
    : `must be one of the configured environment types: ${known.join(
        ', ',
      )} (got "${name}")`;
}

/**
 * The request schema with the rules that depend on the configured types.
 * Each rule runs only when the fields it reads are valid, so that a request
 * with several problems gets all of them reported at once.
 */
function requestSchemaFor(types: Record<string, EnvironmentType>) {
  const overrideWithinBounds =
    (kind: QuantityKind) =>
    (
      request: z.output<typeof environmentRequestSchema>,
      ctx: z.RefinementCtx,
    ) => {
      const type = findType(types, request.type);
      const value = request.overrides?.[kind];
      if (!type || value === undefined) return;
      if (!isWithinMaximum(kind, value, type.bounds[kind])) {
        ctx.addIssue({
          code: 'custom',
          path: ['overrides', kind],
          message: `must be at most ${type.bounds[kind]}, the ${kind} bound of type ${request.type} (got "${value}")`,
        });
      }
    };

  // Reads resources defensively, like the check of unique names: the bounds
  // are reported along with any other problem of the resources.
  const resourcesWithinBounds = (
    request: z.output<typeof environmentRequestSchema>,
    ctx: z.RefinementCtx,
  ) => {
    const type = findType(types, request.type);
    const resources: unknown = request.resources;
    if (!type || !Array.isArray(resources)) return;
    if (resources.length > type.bounds.resources) {
      ctx.addIssue({
        code: 'custom',
        path: ['resources'],
        message: `must list at most ${type.bounds.resources} resources for type ${request.type} (got ${resources.length})`,
      });
    }
    let requestedBytes = 0;
    let eachWithinBound = true;
    resources.forEach((resource: unknown, index) => {
      if (!isPlainObject(resource) || !isQuantity(resource.storage)) return;
      requestedBytes += parseMemoryBytes(resource.storage);
      if (!isWithinMaximum('memory', resource.storage, type.bounds.storage)) {
        eachWithinBound = false;
        ctx.addIssue({
          code: 'custom',
          path: ['resources', index, 'storage'],
          message: `must be at most ${type.bounds.storage} for type ${request.type} (got "${resource.storage}")`,
        });
      }
    });
    // Their volumes share the namespace's quota: more would never all bind.
    // A resource that names no storage gets its driver's default, unknown
    // here; one beyond its own bound has already been reported.
    const quota = type.baseline.quota.storage;
    if (eachWithinBound && requestedBytes > parseMemoryBytes(quota)) {
      ctx.addIssue({
        code: 'custom',
        path: ['resources'],
        message: `must not ask for more storage together than the storage quota of type ${
          request.type
        } (${quota}); they ask for ${formatBytes(requestedBytes)}`,
      });
    }
  };

  return environmentRequestSchema
    .superRefine((request, ctx) => {
      if (!findType(types, request.type)) {
        ctx.addIssue({
          code: 'custom',
          path: ['type'],
          message: unknownTypeRule(types, request.type),
        });
      }
    }, whenFieldsValid(['type']))
    .superRefine((request, ctx) => {
      const type = findType(types, request.type);
      if (!type || request.ttl === undefined) return;
      if (!type.ttl) {
        ctx.addIssue({
          code: 'custom',
          path: ['ttl'],
          message: `is only allowed for ephemeral environment types, and type ${request.type} does not expire`,
        });
      } else if (parseDuration(request.ttl) > parseDuration(type.ttl.max)) {
        ctx.addIssue({
          code: 'custom',
          path: ['ttl'],
          message: `must be at most ${type.ttl.max}, the longest time to live of type ${request.type} (got "${request.ttl}")`,
        });
      }
    }, whenFieldsValid(['type', 'ttl']))
    .superRefine(
      overrideWithinBounds('cpu'),
      whenFieldsValid(['type', 'overrides.cpu']),
    )
    .superRefine(
      overrideWithinBounds('memory'),
      whenFieldsValid(['type', 'overrides.memory']),
    )
    .superRefine(resourcesWithinBounds, whenFieldsValid(['type']));
}

/** Bytes in the largest binary unit that keeps them whole: 30Gi, 1536Mi. */
function formatBytes(bytes: number): string {
  const units = ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki'];
  for (const [index, unit] of units.entries()) {
    const size = 2 ** (10 * (units.length - index));
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

/** Whether `value` is a memory quantity one can compare; others are reported elsewhere. */
function isQuantity(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    parseMemoryBytes(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Validates a request to create an environment: each field (entity reference,
 * DNS-1123 names, quantities, durations, image, unique resource names), and
 * the request against its environment type (the type exists, a time to live
 * only for ephemeral types and within their maximum, overrides within the
 * type's bounds, no more resources than `bounds.resources` and none with
 * more storage than `bounds.storage`).
 *
 * Who may make the request, and whether the component exists, are for the
 * caller to check: they need the requester's identity and the catalog.
 *
 * @public
 * @returns the request with its defaults applied, or every issue found, each
 * naming the field as a dot path (`resources.1.name`) and the rule it breaks.
 */
export function validateEnvironmentRequest(
  input: unknown,
  types: Record<string, EnvironmentType>,
): EnvironmentRequestValidation {
  if (!isPlainObject(input)) {
    return {
      ok: false,
      issues: [
        {
          field: 'request',
          rule: 'must be an object with at least componentRef and type',
        },
      ],
    };
  }
  const result = parseWithIssues(requestSchemaFor(types), input);
  if (!result.success) {
    return { ok: false, issues: result.issues };
  }
  const request = result.data;
  const ttl = request.ttl ?? findType(types, request.type)?.ttl?.default;
  return {
    ok: true,
    request: {
      ...request,
      name: request.name ?? request.type,
      resources: request.resources ?? [],
      ...(ttl && { ttl }),
    },
  };
}

/** What a change of an existing environment may touch. */
const UPDATABLE_FIELDS = ['overrides', 'image', 'resources'] as const;

/**
 * A change to an existing environment: new overrides, image or resources.
 * Fields left out keep their current value; `null` removes an optional one.
 *
 * @public
 */
export type EnvironmentUpdate = z.input<typeof environmentUpdateSchema>;

/**
 * The zod schema of {@link EnvironmentUpdate}, field by field; use
 * {@link validateEnvironmentUpdate} to check a change against the current
 * spec and the environment types.
 *
 * @public
 */
export const environmentUpdateSchema = z.strictObject({
  overrides: environmentRequestSchema.shape.overrides.unwrap().nullish(),
  image: imageReferenceSchema.nullish(),
  resources: environmentRequestSchema.shape.resources,
});

/**
 * Validates a change to an environment whose current spec is `current`,
 * with the same rules as a new request (bounds of the type, image, resource
 * names), and returns the whole new spec.
 *
 * @public
 */
export function validateEnvironmentUpdate(
  input: unknown,
  current: EnvironmentSpec,
  types: Record<string, EnvironmentType>,
): EnvironmentRequestValidation {
  if (!isPlainObject(input)) {
    return {
      ok: false,
      issues: [
        {
          field: 'request',
          rule: `must be an object with any of ${UPDATABLE_FIELDS.join(', ')}`,
        },
      ],
    };
  }
  const unknown = Object.keys(input).filter(
    key => !(UPDATABLE_FIELDS as ReadonlyArray<string>).includes(key),
  );
  if (unknown.length > 0) {
    return {
      ok: false,
      issues: unknown.map(field => ({
        field,
        rule: `cannot be changed on an existing environment; only ${UPDATABLE_FIELDS.join(
          ', ',
        )} can`,
      })),
    };
  }
  const merged: Record<string, unknown> = { ...current };
  for (const field of UPDATABLE_FIELDS) {
    if (input[field] === null) {
      delete merged[field];
    } else if (input[field] !== undefined) {
      merged[field] = input[field];
    }
  }
  return validateEnvironmentRequest(merged, types);
}
