import { z } from 'zod';

/**
 * What a Kubernetes resource quantity measures: CPU (in cores) or memory and
 * storage (in bytes).
 *
 * @public
 */
export type QuantityKind = 'cpu' | 'memory';

// The Kubernetes quantity format: a decimal number followed by a binary suffix
// (Ki, Mi, ... powers of 1024), a decimal exponent (e3), or a decimal suffix
// (m, k, M, ... powers of 1000).
const QUANTITY_PATTERN =
  /^(?<integer>\d*)(?:\.(?<fraction>\d*))?(?:(?<binary>[KMGTPE]i)|[eE](?<exponent>[+-]?\d+)|(?<decimal>[numkMGTPE])?)$/;

const DECIMAL_SUFFIX_EXPONENTS: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

const BINARY_SUFFIX_POWERS_OF_TWO: Record<string, number> = {
  Ki: 10,
  Mi: 20,
  Gi: 30,
  Ti: 40,
  Pi: 50,
  Ei: 60,
};

const EXPECTED_FORMAT: Record<QuantityKind, string> = {
  cpu: 'a CPU quantity in cores, such as "2" or "1.5", or in millicores, such as "500m"',
  memory:
    'a memory quantity such as "512Mi", "2Gi" or "1G", or a number of bytes such as "1000000"',
};

/**
 * Measures a quantity in the unit Kubernetes counts it in: millicores for CPU,
 * bytes for memory. Either unit must come out whole.
 *
 * The number is rebuilt as a decimal string and converted once, so that equal
 * quantities written differently ("1.5" and "1500m", "0.1" and "100m") give
 * exactly the same amount and compare as equal.
 */
function measure(
  kind: QuantityKind,
  text: string,
): { amount: number } | { problem: string } {
  if (text.startsWith('-')) {
    return { problem: `must not be negative (got "${text}")` };
  }
  const groups = QUANTITY_PATTERN.exec(text.replace(/^\+/, ''))?.groups;
  if (!groups || (groups.integer === '' && !groups.fraction)) {
    return { problem: `must be ${EXPECTED_FORMAT[kind]} (got "${text}")` };
  }
  const fraction = groups.fraction ?? '';
  let exponent = (kind === 'cpu' ? 3 : 0) - fraction.length;
  if (groups.exponent !== undefined) exponent += Number(groups.exponent);
  if (groups.decimal) exponent += DECIMAL_SUFFIX_EXPONENTS[groups.decimal];
  const powerOfTwo = groups.binary
    ? BINARY_SUFFIX_POWERS_OF_TWO[groups.binary]
    : 0;
  const amount =
    Number(`${groups.integer}${fraction}e${exponent}`) * 2 ** powerOfTwo;

  if (!Number.isFinite(amount)) {
    return { problem: `must be ${EXPECTED_FORMAT[kind]} (got "${text}")` };
  }
  if (Number.isInteger(amount)) return { amount };
  if (kind === 'cpu') {
    return {
      problem: `must be a whole number of millicores; 1m (0.001 cores) is the smallest step (got "${text}")`,
    };
  }
  // "100m" of memory is a classic typo for "100Mi": it means 0.1 bytes.
  const suggestion = text.endsWith('m')
    ? ` (did you mean "${text.slice(0, -1)}Mi"?)`
    : '';
  return {
    problem: `must be a whole number of bytes; "${text}" is ${amount} bytes${suggestion}`,
  };
}

function measureOrThrow(kind: QuantityKind, text: string): number {
  const result = measure(kind, text);
  if ('problem' in result) {
    throw new Error(`Invalid ${kind} quantity: ${result.problem}`);
  }
  return result.amount;
}

/**
 * Parses a Kubernetes CPU quantity into cores: "2" is 2, "1.5" is 1.5,
 * "500m" is 0.5.
 *
 * @public
 * @throws Error naming the quantity and the expected format when it is not a
 * valid CPU quantity (including negative values and steps finer than 1m).
 */
export function parseCpuCores(quantity: string): number {
  return measureOrThrow('cpu', quantity) / 1000;
}

/**
 * Parses a Kubernetes CPU quantity into millicores: "2" is 2000, "1.5" is
 * 1500, "500m" is 500. Always a whole number.
 *
 * @public
 * @throws Error when it is not a valid CPU quantity, as {@link parseCpuCores}.
 */
export function parseCpuMillicores(quantity: string): number {
  return measureOrThrow('cpu', quantity);
}

/**
 * Parses a Kubernetes memory (or storage) quantity into bytes: "512Mi" is
 * 536870912, "1G" is 1000000000, "1000000" is 1000000.
 *
 * @public
 * @throws Error naming the quantity and the expected format when it is not a
 * valid memory quantity, or is not a whole number of bytes (such as "100m").
 */
export function parseMemoryBytes(quantity: string): number {
  return measureOrThrow('memory', quantity);
}

/**
 * Compares two quantities of the same kind by the amount they stand for, so
 * that "1Gi" is larger than "1000Mi" and "1.5" equals "1500m".
 *
 * @public
 * @returns a negative number when `a` is less, 0 when equal, and a positive
 * number when `a` is more than `b`; usable as a sort comparator.
 * @throws Error when either is not a valid quantity of that kind.
 */
export function compareQuantities(
  kind: QuantityKind,
  a: string,
  b: string,
): number {
  return Math.sign(measureOrThrow(kind, a) - measureOrThrow(kind, b));
}

/**
 * Tells whether `value` is at most `maximum`, comparing the amounts they
 * stand for ("1Gi" is within "2Gi"; "3" is not within "2500m").
 *
 * @public
 * @throws Error when either is not a valid quantity of that kind.
 */
export function isWithinMaximum(
  kind: QuantityKind,
  value: string,
  maximum: string,
): boolean {
  return compareQuantities(kind, value, maximum) <= 0;
}

/**
 * A zod schema for a positive quantity of `kind`. It also accepts numbers,
 * because YAML reads `cpu: 2` in app-config as a number, and turns them into
 * strings, so the parsed value is always the quantity as text.
 */
export function quantitySchema(kind: QuantityKind) {
  return z
    .union([z.string(), z.number()], {
      error: issue =>
        issue.input === undefined
          ? 'is required'
          : `must be ${EXPECTED_FORMAT[kind]}`,
    })
    .transform(value => String(value))
    .superRefine((text, ctx) => {
      const result = measure(kind, text);
      if ('problem' in result) {
        ctx.addIssue({ code: 'custom', message: result.problem });
      } else if (result.amount === 0) {
        ctx.addIssue({ code: 'custom', message: 'must be greater than 0' });
      }
    });
}
