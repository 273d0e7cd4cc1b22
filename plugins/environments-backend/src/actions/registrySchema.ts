import { z } from 'zod';
import type { z as registryZod, AnyZodObject } from 'zod/v3';

/** The zod the Actions Registry hands to an action's schema functions (zod 3's API). */
export type RegistryZod = typeof registryZod;

/** A JSON Schema (draft 7), as zod 4's `toJSONSchema` writes it. */
export type JsonObjectSchema = { [keyword: string]: any };
type JsonSchema = boolean | JsonObjectSchema;

/**
 * The Actions Registry of this Backstage release describes and checks an
 * action's input and output with zod 3 (`zod/v3`, converted to JSON Schema
 * by zod-to-json-schema), while the platform's contracts in
 * environments-common are zod 4, which that converter does not read. This
 * turns a contract into the zod 3 schema the registry wants: the contract's
 * own JSON Schema (zod 4's `toJSONSchema`), rebuilt in zod 3, so that MCP
 * clients and the CLI are shown the contract's fields, types, patterns and
 * limits, with no second copy of them to drift.
 *
 * The rebuilt schema describes; it does not decide. A value it would refuse
 * is passed on as it came, because the registry's refusal says only
 * `Invalid input to action "environments:..."`, and an MCP client is shown
 * that line without the fields. The action then parses the value with the
 * contract itself (the services do, as for the REST API), whose refusal
 * names each field and rule, in the same words as the REST API's.
 */
export function registrySchema<T>(
  zod: RegistryZod,
  json: JsonSchema,
): AnyZodObject & registryZod.ZodType<T> {
  const described = fromJsonSchema(zod, json, json);
  // `catch` keeps the description (zod-to-json-schema reads the schema
  // inside) and hands over the value unchanged when the rebuilt schema would
  // refuse it.
  return described.catch(({ input }: { input: unknown }) => input) as any;
}

/** A contract's JSON Schema: of what it accepts (`input`) or what it gives (`output`). */
export function contractJsonSchema(
  contract: z.ZodType,
  io: 'input' | 'output',
): JsonObjectSchema {
  const { $schema: _draft, ...json } = z.toJSONSchema(contract, {
    target: 'draft-7',
    io,
    unrepresentable: 'any',
  }) as JsonObjectSchema;
  return json;
}

const MAX_REF_DEPTH = 8;

/** A JSON Schema (the subset zod 4 writes) as a zod 3 schema; anything else is `any`. */
export function fromJsonSchema(
  zod: RegistryZod,
  schema: JsonSchema,
  root: JsonSchema,
  depth = 0,
): registryZod.ZodTypeAny {
  if (typeof schema === 'boolean') {
    return schema ? zod.any() : zod.never();
  }
  const described = (type: registryZod.ZodTypeAny) =>
    typeof schema.description === 'string'
      ? type.describe(schema.description)
      : type;
  const recurse = (inner: JsonSchema) =>
    fromJsonSchema(zod, inner, root, depth + 1);

  if (typeof schema.$ref === 'string') {
    const target = resolveRef(schema.$ref, root);
    return described(
      target === undefined || depth > MAX_REF_DEPTH
        ? zod.any()
        : recurse(target),
    );
  }
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alternatives)) {
    return described(unionOf(zod, alternatives.map(recurse)));
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
    const [first, ...rest] = schema.allOf.map(recurse);
    return described(
      rest.reduce((all, next) => zod.intersection(all, next), first),
    );
  }
  if ('const' in schema) {
    return described(literalOf(zod, schema.const));
  }
  if (Array.isArray(schema.enum)) {
    const values = schema.enum as unknown[];
    return described(
      values.length > 0 && values.every(value => typeof value === 'string')
        ? zod.enum(values as [string, ...string[]])
        : unionOf(
            zod,
            values.map(value => literalOf(zod, value)),
          ),
    );
  }
  const types: string[] = Array.isArray(schema.type)
    ? schema.type
    : [schema.type].filter(Boolean);
  if (types.length === 0) {
    return described(zod.any());
  }
  return described(
    unionOf(
      zod,
      types.map(type => ofType(zod, type, schema, recurse)),
    ),
  );
}

function ofType(
  zod: RegistryZod,
  type: string,
  schema: { [keyword: string]: any },
  recurse: (inner: JsonSchema) => registryZod.ZodTypeAny,
): registryZod.ZodTypeAny {
  switch (type) {
    case 'string': {
      let string = zod.string();
      if (typeof schema.minLength === 'number') {
        string = string.min(schema.minLength);
      }
      if (typeof schema.maxLength === 'number') {
        string = string.max(schema.maxLength);
      }
      if (typeof schema.pattern === 'string') {
        string = string.regex(new RegExp(schema.pattern));
      }
      if (schema.format === 'date-time') {
        string = string.datetime({ offset: true });
      } else if (schema.format === 'uri') {
        string = string.url();
      } else if (schema.format === 'email') {
        string = string.email();
      } else if (schema.format === 'uuid') {
        string = string.uuid();
      }
      return string;
    }
    case 'number':
    case 'integer': {
      let number = zod.number();
      if (type === 'integer') number = number.int();
      if (typeof schema.minimum === 'number') {
        number = number.gte(schema.minimum);
      }
      if (typeof schema.exclusiveMinimum === 'number') {
        number = number.gt(schema.exclusiveMinimum);
      }
      if (
        typeof schema.maximum === 'number' &&
        schema.maximum < Number.MAX_SAFE_INTEGER
      ) {
        number = number.lte(schema.maximum);
      }
      if (typeof schema.exclusiveMaximum === 'number') {
        number = number.lt(schema.exclusiveMaximum);
      }
      return number;
    }
    case 'boolean':
      return zod.boolean();
    case 'null':
      return zod.null();
    case 'array': {
      let array = zod.array(
        schema.items === undefined || Array.isArray(schema.items)
          ? zod.any()
          : recurse(schema.items),
      );
      if (typeof schema.minItems === 'number') {
        array = array.min(schema.minItems);
      }
      if (typeof schema.maxItems === 'number') {
        array = array.max(schema.maxItems);
      }
      return array;
    }
    case 'object': {
      const { properties, additionalProperties } = schema;
      const required = new Set<string>(schema.required ?? []);
      if (!properties && typeof additionalProperties === 'object') {
        // A map: env, secretRefs.
        return zod.record(
          schema.propertyNames && typeof schema.propertyNames === 'object'
            ? (recurse(schema.propertyNames) as registryZod.ZodString)
            : zod.string(),
          recurse(additionalProperties),
        );
      }
      const shape = Object.fromEntries(
        Object.entries((properties ?? {}) as Record<string, JsonSchema>).map(
          ([key, property]) => {
            const field = recurse(property);
            return [key, required.has(key) ? field : field.optional()];
          },
        ),
      );
      const object = zod.object(shape);
      if (additionalProperties === false) return object.strict();
      if (typeof additionalProperties === 'object') {
        return object.catchall(recurse(additionalProperties));
      }
      return object.passthrough();
    }
    default:
      return zod.any();
  }
}

function unionOf(
  zod: RegistryZod,
  options: registryZod.ZodTypeAny[],
): registryZod.ZodTypeAny {
  if (options.length === 0) return zod.never();
  if (options.length === 1) return options[0];
  return zod.union(
    options as [
      registryZod.ZodTypeAny,
      registryZod.ZodTypeAny,
      ...registryZod.ZodTypeAny[],
    ],
  );
}

function literalOf(zod: RegistryZod, value: unknown): registryZod.ZodTypeAny {
  if (value === null) return zod.null();
  if (['string', 'number', 'boolean'].includes(typeof value)) {
    return zod.literal(value as string | number | boolean);
  }
  return zod.any();
}

/** A local `#/definitions/...` or `#/$defs/...` reference, as zod 4 writes them. */
function resolveRef(ref: string, root: JsonSchema): JsonSchema | undefined {
  if (!ref.startsWith('#')) return undefined;
  let target: any = root;
  for (const segment of ref.slice(1).split('/').filter(Boolean)) {
    const key = decodeURIComponent(segment)
      .replace(/~1/g, '/')
      .replace(/~0/g, '~');
    target = target?.[key];
  }
  return target;
}
