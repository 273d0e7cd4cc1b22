import { z } from 'zod';
import { DeploymentConfig } from './config';

/**
 * The zod schema of {@link ConfigChange}.
 *
 * @public
 */
export const configChangeSchema = z.object({
  /** `image`, `port`, `replicas`, `env.LOG_LEVEL`, `secretRefs.DB_PASSWORD`, `resources.cpu`. */
  path: z.string(),
  change: z.enum(['added', 'removed', 'changed']),
  /** The value before; absent when added. A secret reference shows its key, never a value. */
  from: z.union([z.string(), z.number()]).optional(),
  /** The value after; absent when removed. */
  to: z.union([z.string(), z.number()]).optional(),
});

/**
 * One value that differs between two configurations.
 *
 * @public
 */
export type ConfigChange = z.infer<typeof configChangeSchema>;

/**
 * The zod schema of {@link DeploymentDiff}.
 *
 * @public
 */
export const deploymentDiffSchema = z.object({
  from: z.string(),
  to: z.string(),
  changes: z.array(configChangeSchema),
  /** The same changes as lines of text: `- replicas: 1`, `+ replicas: 2`. */
  text: z.string(),
});

/**
 * What changed from one deployment to another.
 *
 * @public
 */
export type DeploymentDiff = z.infer<typeof deploymentDiffSchema>;

type Flat = Map<string, string | number>;

function flatten(config: DeploymentConfig): Flat {
  const flat: Flat = new Map();
  flat.set('image', config.image);
  flat.set('port', config.port);
  flat.set('replicas', config.replicas);
  for (const key of ['env', 'secretRefs', 'resources'] as const) {
    const values: Record<string, string | undefined> = config[key];
    for (const name of Object.keys(values).sort()) {
      const value = values[name];
      if (value !== undefined) flat.set(`${key}.${name}`, value);
    }
  }
  return flat;
}

/**
 * The changes from one configuration to another, in a stable order (image,
 * port, replicas, then env, secretRefs and resources by name).
 *
 * @public
 */
export function diffConfigs(
  from: DeploymentConfig,
  to: DeploymentConfig,
): ConfigChange[] {
  const before = flatten(from);
  const after = flatten(to);
  const paths = [...new Set([...before.keys(), ...after.keys()])];
  const order = (path: string) =>
    ['image', 'port', 'replicas', 'env', 'secretRefs', 'resources'].indexOf(
      path.split('.')[0],
    );
  // Names sort by code point, the same in every locale.
  const byName = (a: string, b: string) => Number(a > b) - Number(a < b);
  paths.sort((a, b) => order(a) - order(b) || byName(a, b));
  const changes: ConfigChange[] = [];
  for (const path of paths) {
    const a = before.get(path);
    const b = after.get(path);
    if (a === b) continue;
    if (a === undefined) changes.push({ path, change: 'added', to: b });
    else if (b === undefined)
      changes.push({ path, change: 'removed', from: a });
    else changes.push({ path, change: 'changed', from: a, to: b });
  }
  return changes;
}

/**
 * The changes as text, one `-` line for a value before and one `+` line for
 * a value after, like a unified diff without context.
 *
 * @public
 */
export function formatConfigChanges(
  changes: ReadonlyArray<ConfigChange>,
): string {
  if (changes.length === 0) return 'No changes\n';
  const lines: string[] = [];
  for (const { path, from, to } of changes) {
    if (from !== undefined) lines.push(`- ${path}: ${from}`);
    if (to !== undefined) lines.push(`+ ${path}: ${to}`);
  }
  return `${lines.join('\n')}\n`;
}
