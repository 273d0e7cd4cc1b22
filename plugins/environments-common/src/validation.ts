import { z } from 'zod';

/**
 * One problem found while validating input: the field it concerns, as a dot
 * path (for example `resources.1.name`), and the rule it breaks, in plain words.
 *
 * @public
 */
export type ValidationIssue = {
  field: string;
  rule: string;
};

/**
 * Renders issues as one line each, `<field>: <rule>`, for error messages.
 *
 * @public
 */
export function formatValidationIssues(
  issues: ReadonlyArray<ValidationIssue>,
): string {
  return issues.map(issue => `${issue.field}: ${issue.rule}`).join('\n');
}

export function isPlainObject(
  value: unknown,
): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const expectedTypeDescriptions: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  array: 'a list',
};

/**
 * Replaces zod's default messages, which speak in zod's terms ("Invalid
 * input: expected string, received undefined"), with rules a person filling
 * in a form or app-config understands. Messages set on a schema win over this.
 */
const plainErrorMap: z.core.$ZodErrorMap = issue => {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'is required';
      const expected =
        expectedTypeDescriptions[issue.expected] ?? issue.expected;
      return `must be ${expected}, not ${describeType(issue.input)}`;
    }
    case 'invalid_value':
      return `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'invalid_union':
      // Raised by a discriminated union when the discriminator matches no option.
      if ('options' in issue && Array.isArray(issue.options)) {
        return `must be one of: ${issue.options.map(String).join(', ')}`;
      }
      return undefined;
    default:
      return undefined;
  }
};

/**
 * Parses `input` with plain-worded messages and returns either the data or
 * every issue found, with fields prefixed by `fieldPrefix` when given.
 */
export function parseWithIssues<T extends z.ZodType>(
  schema: T,
  input: unknown,
  fieldPrefix?: string,
):
  | { success: true; data: z.output<T> }
  | { success: false; issues: ValidationIssue[] } {
  const result = schema.safeParse(input, { error: plainErrorMap });
  if (result.success) {
    return { success: true, data: result.data };
  }
  const fieldOf = (path: PropertyKey[]) =>
    [fieldPrefix, ...path.map(String)].filter(Boolean).join('.');
  return {
    success: false,
    issues: result.error.issues.flatMap(issue =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map(key => ({
            field: fieldOf([...issue.path, key]),
            rule: 'is not a known field',
          }))
        : [{ field: fieldOf(issue.path), rule: issue.message }],
    ),
  };
}

/**
 * Options for a cross-field refinement on an object schema, so that it runs
 * even when unrelated fields are invalid (zod skips refinements after such
 * errors by default) and one validation reports every problem. The rule runs
 * only when the fields it reads, given as dot paths, parsed cleanly, so it
 * never judges bad data.
 */
export function whenFieldsValid(fields: ReadonlyArray<string>) {
  const paths = fields.map(field => field.split('.'));
  // An issue concerns a field when it is on the field, inside it, or on an
  // object that contains it; unknown keys next to a field leave it intact.
  const concerns = (issue: z.core.$ZodRawIssue, fieldPath: string[]) =>
    issue.code !== 'unrecognized_keys' &&
    (issue.path ?? [])
      .slice(0, fieldPath.length)
      .every((segment, index) => String(segment) === fieldPath[index]);
  return {
    when: (payload: z.core.ParsePayload) =>
      isPlainObject(payload.value) &&
      !payload.issues.some(issue => paths.some(path => concerns(issue, path))),
  };
}
