import { z } from 'zod';

/** A JSON Schema, as openapi.yaml or `z.toJSONSchema` writes it. */
export type JsonSchema = { [key: string]: unknown };

/**
 * What two schemas must agree on to describe the same JSON: the types, the
 * enums, the properties and which are required, the items of arrays and the
 * variants of unions. Descriptions, formats, patterns and lengths are left
 * out: zod checks those and names the rule.
 */
export type Shape = {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, Shape>;
  required?: string[];
  items?: Shape;
  additionalProperties?: Shape;
  oneOf?: Shape[];
};

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function byJson(a: Shape, b: Shape): number {
  return JSON.stringify(a).localeCompare(JSON.stringify(b));
}

function union(variants: Shape[]): Shape {
  // Nested unions flatten; a union of one is that one.
  const flat = variants.flatMap(variant => variant.oneOf ?? [variant]);
  return flat.length === 1 ? flat[0] : { oneOf: flat.sort(byJson) };
}

/**
 * The {@link Shape} of a JSON Schema; `resolve` finds what a `$ref` points
 * to.
 */
export function shapeOfJsonSchema(
  schema: JsonSchema,
  resolve: (ref: string) => JsonSchema,
): Shape {
  const shapeOf = (node: JsonSchema): Shape => {
    if (typeof node.$ref === 'string') {
      return shapeOf(resolve(node.$ref));
    }
    const variants = node.oneOf ?? node.anyOf;
    if (Array.isArray(variants)) {
      return union(variants.filter(isSchema).map(shapeOf));
    }
    // `type: [string, "null"]` is a union of the two.
    if (Array.isArray(node.type)) {
      return union(
        node.type.map(type => shapeOf({ ...node, type: String(type) })),
      );
    }
    const shape: Shape = {};
    if (typeof node.type === 'string') shape.type = node.type;
    if ('const' in node) shape.enum = [node.const];
    if (Array.isArray(node.enum)) shape.enum = [...node.enum].sort();
    if (isSchema(node.properties)) {
      shape.properties = Object.fromEntries(
        Object.entries(node.properties)
          .filter((entry): entry is [string, JsonSchema] => isSchema(entry[1]))
          .map(([name, property]) => [name, shapeOf(property)]),
      );
    }
    if (Array.isArray(node.required) && node.required.length > 0) {
      shape.required = node.required.map(String).sort();
    }
    if (isSchema(node.items)) shape.items = shapeOf(node.items);
    // A map such as labels; `{}` (anything) and `false` (nothing else) say
    // nothing about the shape.
    if (
      isSchema(node.additionalProperties) &&
      Object.keys(node.additionalProperties).length > 0
    ) {
      shape.additionalProperties = shapeOf(node.additionalProperties);
    }
    return shape;
  };
  return shapeOf(schema);
}

/**
 * What zod accepts, as it arrives over HTTP. Quantities take numbers too
 * (YAML writes `cpu: 2`), but a JSON body carries them as strings: the
 * router's validator coerces no types, so only strings reach zod.
 */
function asHttpBody(shape: Shape): Shape {
  const variants = shape.oneOf?.map(variant => variant.type);
  if (variants?.includes('number') && variants.includes('string')) {
    // Also a nullable quantity (a deploy request's `resources.cpu: null`).
    return union(shape.oneOf!.filter(variant => variant.type !== 'number'));
  }
  return mapChildren(shape, asHttpBody);
}

/**
 * What zod cannot write in JSON Schema, the output of a transform, with what
 * every transform of the contract returns: a string (entity references in
 * full, quantities as written or from numbers).
 */
function withTransformsAsStrings(shape: Shape): Shape {
  return Object.keys(shape).length === 0
    ? { type: 'string' }
    : mapChildren(shape, withTransformsAsStrings);
}

function mapChildren(shape: Shape, map: (child: Shape) => Shape): Shape {
  const mapped: Shape = { ...shape };
  if (shape.properties) {
    mapped.properties = Object.fromEntries(
      Object.entries(shape.properties).map(([name, property]) => [
        name,
        map(property),
      ]),
    );
  }
  if (shape.items) mapped.items = map(shape.items);
  if (shape.additionalProperties) {
    mapped.additionalProperties = map(shape.additionalProperties);
  }
  if (shape.oneOf) return union(shape.oneOf.map(map));
  return mapped;
}

/**
 * The {@link Shape} of a zod schema: of what it accepts in a JSON body
 * (`input`), or of what it returns (`output`: fields with defaults are
 * always there).
 */
export function shapeOfZod(schema: z.ZodType, io: 'input' | 'output'): Shape {
  const shape = shapeOfJsonSchema(
    z.toJSONSchema(schema, { io, unrepresentable: 'any' }),
    ref => {
      throw new Error(`Unexpected reference ${ref} in a zod schema`);
    },
  );
  return io === 'input' ? asHttpBody(shape) : withTransformsAsStrings(shape);
}
