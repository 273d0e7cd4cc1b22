import { InputError } from '@backstage/errors';
import { secretKeySchema } from '@internal/backstage-plugin-environments-common';
import { V1Secret } from '@kubernetes/client-node';

/**
 * The Secret in each environment's namespace that holds the values of the
 * environment's secrets; configurations reference its keys only. It is
 * written by the provisioner's `writeSecret`, never part of the desired
 * objects, so `apply`'s prune leaves it alone; it goes with the namespace.
 */
export const WORKLOAD_SECRET_NAME = 'workload-secrets';

/** On the workload Secret: when each key was last set, as JSON `{ key: ISO time }`. */
export const SECRET_UPDATED_AT_ANNOTATION =
  'environments.idp.dev/secret-updated-at';

/** One key of the workload Secret, never its value. */
export type WorkloadSecretKey = { key: string; updatedAt: string };

/** @throws InputError naming the rule when `key` cannot be a Secret key. */
export function assertSecretKey(key: string): void {
  const parsed = secretKeySchema.safeParse(key);
  if (!parsed.success) {
    throw new InputError(
      `Invalid secret key "${key}": ${parsed.error.issues[0].message}`,
    );
  }
}

/** The update times the Secret's annotation holds; {} when it holds none or garbage. */
export function secretUpdateTimes(
  secret: V1Secret | undefined,
): Record<string, string> {
  const raw = secret?.metadata?.annotations?.[SECRET_UPDATED_AT_ANNOTATION];
  try {
    const parsed = raw ? JSON.parse(raw) : {};
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? Object.fromEntries(
          Object.entries(parsed).filter(
            (entry): entry is [string, string] => typeof entry[1] === 'string',
          ),
        )
      : {};
  } catch {
    return {};
  }
}

/**
 * The keys the Secret holds, sorted, each with when it was set: a key set
 * by hand (no time in the annotation) says when the Secret was created.
 */
export function secretKeys(secret: V1Secret): WorkloadSecretKey[] {
  const times = secretUpdateTimes(secret);
  const created = secret.metadata?.creationTimestamp;
  const fallback = created ? new Date(created).toISOString() : '';
  return Object.keys(secret.data ?? {})
    .sort()
    .map(key => ({ key, updatedAt: times[key] ?? fallback }));
}

/**
 * `error`, with every occurrence of `value` (as given and base64-encoded)
 * taken out of its message, for a ForwardedError's cause: what the API
 * server answers is not ours to trust with a secret. Keeps the status code.
 */
export function withoutValue(error: unknown, value: string | undefined) {
  if (!value) {
    return error;
  }
  const encoded = Buffer.from(value, 'utf8').toString('base64');
  const redact = (text: string) =>
    text.split(value).join('[redacted]').split(encoded).join('[redacted]');
  const original = error as {
    name?: string;
    message?: string;
    code?: number;
    body?: unknown;
  };
  const redacted = new Error(redact(String(original?.message ?? error)));
  redacted.name = original?.name ?? 'Error';
  return Object.assign(redacted, {
    ...(original?.code !== undefined && { code: original.code }),
  });
}
