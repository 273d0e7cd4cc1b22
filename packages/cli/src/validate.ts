import {
  parseWithIssues,
  ValidationIssue,
} from '@internal/backstage-plugin-environments-common';
import { z } from 'zod';
import { CliError, EXIT } from './exitCodes';

/**
 * Checks what a command is about to send with the contract's own zod schema,
 * before any request, so that a bad flag fails at once naming the field and
 * the rule, as the backend would. `flags` names the flag behind a field, so
 * that the message says what to change on the command line.
 */
export function validateRequest<T extends z.ZodType>(
  schema: T,
  input: unknown,
  flags: Record<string, string> = {},
): z.output<T> {
  const result = parseWithIssues(schema, input);
  if (result.success) return result.data;
  throw invalidInput(result.issues, flags);
}

function flagOf(field: string, flags: Record<string, string>) {
  if (flags[field]) return flags[field];
  const parent = Object.keys(flags).find(key => field.startsWith(`${key}.`));
  return parent ? flags[parent] : undefined;
}

export function invalidInput(
  issues: ReadonlyArray<ValidationIssue>,
  flags: Record<string, string> = {},
): CliError {
  return new CliError(
    'Invalid input',
    EXIT.invalid,
    issues.map(({ field, rule }) => {
      const flag = flagOf(field, flags);
      return `${field}${flag ? ` (${flag})` : ''}: ${rule}`;
    }),
  );
}

/** A whole number flag such as --replicas 3; the schema then checks its bounds. */
export function parseInteger(
  value: string | undefined,
  flag: string,
): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) {
    throw new CliError(
      `${flag} must be a whole number (got "${value}")`,
      EXIT.invalid,
    );
  }
  return Number(value);
}

/** `NAME=value` pairs of a repeatable flag such as --env. */
export function parsePairs(
  values: ReadonlyArray<string>,
  flag: string,
): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const value of values) {
    const equals = value.indexOf('=');
    if (equals <= 0) {
      throw new CliError(
        `${flag} must be NAME=value (got "${value}")`,
        EXIT.invalid,
      );
    }
    pairs[value.slice(0, equals)] = value.slice(equals + 1);
  }
  return pairs;
}

/**
 * A --resource such as `postgresql:orders-db,version=16,storage=1Gi`: the
 * type, the name, then the resource's own settings; the request schema
 * judges them.
 */
export function parseResource(value: string): Record<string, string> {
  const colon = value.indexOf(':');
  const [name, ...settings] = value.slice(colon + 1).split(',');
  if (colon <= 0 || !name) {
    throw new CliError(
      `--resource must be TYPE:NAME[,KEY=VALUE...], such as postgresql:orders-db,version=16 (got "${value}")`,
      EXIT.invalid,
    );
  }
  return {
    ...parsePairs(settings, '--resource'),
    type: value.slice(0, colon),
    name,
  };
}

const WAIT_PATTERN = /^(\d+)(s|m|h)$/;
const WAIT_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };

/** A --timeout such as `90s`, `10m` or `1h`, in milliseconds. */
export function parseTimeout(value: string, flag = '--timeout'): number {
  const match = WAIT_PATTERN.exec(value);
  if (!match || Number(match[1]) === 0) {
    throw new CliError(
      `${flag} must be a duration: a whole number above 0 followed by s, m or h, such as "90s", "10m" or "1h" (got "${value}")`,
      EXIT.invalid,
    );
  }
  return Number(match[1]) * WAIT_UNITS[match[2]];
}

/**
 * A component as the user writes it, `orders-service`, `default/orders-service`
 * or `component:default/orders-service`, as an entity reference; the request
 * schema then checks it.
 */
export function componentRefOf(value: string): string {
  const match = /^(?:([^:/]+):)?(?:([^:/]+)\/)?([^:/]+)$/.exec(value);
  if (!match) return value;
  const [, kind = 'component', namespace = 'default', name] = match;
  // The full form, as the catalog and the backend compare references; the
  // request schema still judges the name (it does not lowercase a bad one).
  return `${kind}:${namespace}/${name}`;
}

/** Commander's collector for a repeatable flag. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
