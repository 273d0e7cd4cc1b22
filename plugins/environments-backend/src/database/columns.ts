import { z } from 'zod';

/**
 * Parsers of the values read from a row, so that the model is what its type
 * says and nothing downstream has to cast. A failure means the row was
 * written by something other than this store, and names the row (`Environment
 * '<id>'`, `Deployment '<id>'`) and the field.
 */
export function columnParsers(what: 'Environment' | 'Deployment') {
  function parseColumn<T extends z.ZodType>(
    row: { id: string },
    column: string,
    schema: T,
    value: unknown,
  ): z.output<T> {
    const result = schema.safeParse(value);
    if (!result.success) {
      const problems = result.error.issues
        .map(issue => `${[column, ...issue.path].join('.')} ${issue.message}`)
        .join('; ');
      throw new Error(`${what} '${row.id}' has an invalid ${problems}`);
    }
    return result.data;
  }

  function parseJsonColumn<T extends z.ZodType>(
    row: { id: string },
    column: string,
    schema: T,
    text: string,
  ): z.output<T> {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new Error(
        `${what} '${row.id}' has an invalid ${column}: not JSON (${
          (error as Error).message
        })`,
      );
    }
    return parseColumn(row, column, schema, value);
  }

  return { parseColumn, parseJsonColumn };
}
