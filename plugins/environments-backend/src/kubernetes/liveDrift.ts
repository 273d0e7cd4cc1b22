import { KubernetesObject } from '@kubernetes/client-node';

const BINARY_SUFFIXES: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL_SUFFIXES: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};
const QUANTITY =
  /^([+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?$/;

/** A Kubernetes quantity's value ("500m" is 0.5), undefined for other strings. */
export function quantityValue(text: string): number | undefined {
  const match = QUANTITY.exec(text);
  if (!match) {
    return undefined;
  }
  const suffix = match[2] ?? '';
  return (
    Number(match[1]) * (BINARY_SUFFIXES[suffix] ?? DECIMAL_SUFFIXES[suffix])
  );
}

function sameScalar(desired: unknown, live: unknown): boolean {
  if (desired === live) {
    return true;
  }
  // The API server writes quantities in canonical form: "0.5" comes back as "500m".
  if (typeof desired === 'string' && typeof live === 'string') {
    const value = quantityValue(desired);
    return value !== undefined && value === quantityValue(live);
  }
  return false;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The paths at which `live` does not hold what `desired` sets. Only the
 * fields `desired` sets are compared: what the API server defaults, and what
 * controllers or other field managers add, is not ours to judge. A list
 * element is found wherever it is in the live list, since the server may
 * order or extend lists.
 */
export function driftedFields(
  desired: unknown,
  live: unknown,
  path = '',
): string[] {
  if (Array.isArray(desired)) {
    if (!Array.isArray(live)) {
      return [path || '.'];
    }
    return desired.flatMap((element, index) =>
      live.some(candidate => driftedFields(element, candidate).length === 0)
        ? []
        : [`${path}[${index}]`],
    );
  }
  if (isObject(desired)) {
    if (!isObject(live)) {
      return [path || '.'];
    }
    return Object.entries(desired).flatMap(([key, value]) =>
      value === undefined
        ? []
        : driftedFields(value, live[key], path ? `${path}.${key}` : key),
    );
  }
  return sameScalar(desired, live) ? [] : [path || '.'];
}

/** The fields of a live object that were changed behind our back, if any. */
export function objectDrift(
  desired: KubernetesObject,
  live: KubernetesObject,
): string[] {
  // Server-managed bookkeeping is never desired; status is not ours to set.
  const { status: _status, ...wanted } = desired as KubernetesObject & {
    status?: unknown;
  };
  return driftedFields(wanted, live);
}
