import { z } from 'zod';

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

/**
 * FNV-1a, 32 bits, as 8 hex digits. Chosen because this package also runs in
 * the browser, where `node:crypto` is not available, and the suffix only has
 * to tell apart names that would otherwise collide, not resist attackers.
 */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * The Kubernetes namespace for an environment: `<component>-<environment>`,
 * lowercased, for example `orders-service-preview`.
 *
 * When that is not already a valid namespace name, because it is longer than
 * 63 characters or the component name contains "_" or ".", the invalid
 * characters become "-", the name is shortened to fit, and a hash of the
 * original pair is appended. The hash keeps such names apart:
 * `orders_service` and `orders.service` get different namespaces.
 *
 * The result is deterministic. Different pairs can still produce the same
 * plain name (component `a-b` with environment `c`, and component `a` with
 * environment `b-c`), so callers must check that an existing namespace
 * belongs to the environment before they use it.
 *
 * @public
 */
export function environmentNamespace(
  componentName: string,
  environmentName: string,
): string {
  const wanted = `${componentName}-${environmentName}`.toLowerCase();
  if (isDns1123Label(wanted)) {
    return wanted;
  }
  const hash = shortHash(wanted);
  const head = wanted
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, MAX_DNS_1123_LABEL_LENGTH - hash.length - 1)
    .replace(/^-+|-+$/g, '');
  return head ? `${head}-${hash}` : hash;
}
