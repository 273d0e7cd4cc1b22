import { z } from 'zod';
import { sha256Hex } from './sha256';

const DNS_1123_LABEL_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123_SUBDOMAIN_PATTERN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME_PATTERN = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** The longest DNS-1123 label, and so the longest Kubernetes namespace name. */
const MAX_DNS_1123_LABEL_LENGTH = 63;
const MAX_DNS_1123_SUBDOMAIN_LENGTH = 253;
const MAX_LABEL_NAME_LENGTH = 63;

/** The characters a DNS-1123 label may use, for validation messages. */
const DNS_1123_LABEL_RULE =
  'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit';

/**
 * Tells whether `value` is a DNS-1123 label, the form Kubernetes requires of
 * namespace names: at most 63 characters, lowercase letters, digits and "-",
 * starting and ending with a letter or digit.
 *
 * @public
 */
export function isDns1123Label(value: string): boolean {
  return (
    value.length <= MAX_DNS_1123_LABEL_LENGTH &&
    DNS_1123_LABEL_PATTERN.test(value)
  );
}

/**
 * A zod schema for a DNS-1123 label of at most `maxLength` characters;
 * `lengthReason` tells the user why the limit is lower than usual.
 */
export function dns1123LabelSchema(
  maxLength: number = MAX_DNS_1123_LABEL_LENGTH,
  lengthReason?: string,
) {
  return z.string().superRefine((value, ctx) => {
    if (!DNS_1123_LABEL_PATTERN.test(value)) {
      ctx.addIssue({
        code: 'custom',
        message: `${DNS_1123_LABEL_RULE} (got "${value}")`,
      });
    }
    if (value.length > maxLength) {
      const reason = lengthReason ? `, ${lengthReason}` : '';
      ctx.addIssue({
        code: 'custom',
        message: `must be at most ${maxLength} characters${reason} (got ${value.length})`,
      });
    }
  });
}

/**
 * Tells whether `key` is a valid Kubernetes label or annotation key: an
 * optional DNS subdomain prefix and "/", then a name of at most 63 letters,
 * digits, "-", "_" and ".", starting and ending with a letter or digit.
 */
export function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  const name = key.slice(slash + 1);
  if (
    prefix !== undefined &&
    (prefix.length > MAX_DNS_1123_SUBDOMAIN_LENGTH ||
      !DNS_1123_SUBDOMAIN_PATTERN.test(prefix))
  ) {
    return false;
  }
  return name.length <= MAX_LABEL_NAME_LENGTH && LABEL_NAME_PATTERN.test(name);
}

/**
 * Tells whether `value` is a valid Kubernetes label value: empty, or at most
 * 63 letters, digits, "-", "_" and ".", starting and ending with a letter or
 * digit.
 */
export function isLabelValue(value: string): boolean {
  return (
    value === '' ||
    (value.length <= MAX_LABEL_NAME_LENGTH && LABEL_NAME_PATTERN.test(value))
  );
}

/** Hex digits of the hash in a namespace name: 40 bits. */
const NAMESPACE_HASH_LENGTH = 10;
const ENTITY_REF_PATTERN =
  /^(?:(?<kind>[^:/]+):)?(?:(?<namespace>[^:/]+)\/)?(?<name>[^:/]+)$/;

/** `component:<namespace>/<name>`, lowercased, as the catalog compares refs. */
function canonicalComponentRef(componentRef: string): {
  ref: string;
  name: string;
} {
  const groups = ENTITY_REF_PATTERN.exec(componentRef.trim())?.groups;
  if (!groups) {
    throw new TypeError(
      `Not a component reference: "${componentRef}" (expected component:namespace/name)`,
    );
  }
  const kind = (groups.kind ?? 'component').toLowerCase();
  const namespace = (groups.namespace ?? 'default').toLowerCase();
  const name = groups.name.toLowerCase();
  return { ref: `${kind}:${namespace}/${name}`, name };
}

/**
 * The Kubernetes namespace for an environment:
 * `<component name>-<environment name>-<hash>`, for example
 * `orders-service-preview-7cbf5822e8`, where the hash is the first 10 hex
 * digits of the SHA-256 of the full component reference (catalog namespace
 * included) and the environment name.
 *
 * The readable part is for people; the hash is what keeps environments
 * apart. Without it, component `a-b` with environment `c` and component `a`
 * with environment `b-c` would share `a-b-c`, and `default/foo` would share
 * with `other/foo`, so one team could take another's namespace by choosing
 * a name. Characters a namespace cannot hold become "-", and the readable
 * part is cut so that the whole stays within 63 characters.
 *
 * Deterministic, and the same in the browser and the backend. An existing
 * environment keeps the namespace stored with it, so changing this function
 * never moves one.
 *
 * @param componentRef - The component's entity reference, such as
 *   `component:default/orders-service`; `orders-service` alone means the
 *   default namespace.
 * @public
 */
export function environmentNamespace(
  componentRef: string,
  environmentName: string,
): string {
  const component = canonicalComponentRef(componentRef);
  const environment = environmentName.toLowerCase();
  // A JSON array, so that no pair of names can be spelled like another pair.
  const hash = sha256Hex(JSON.stringify([component.ref, environment])).slice(
    0,
    NAMESPACE_HASH_LENGTH,
  );
  const head = `${component.name}-${environment}`
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, MAX_DNS_1123_LABEL_LENGTH - NAMESPACE_HASH_LENGTH - 1)
    .replace(/^-+|-+$/g, '');
  return head ? `${head}-${hash}` : hash;
}
