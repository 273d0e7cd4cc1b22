import { z } from 'zod';
import { dns1123LabelSchema } from '../names';

/**
 * The promotion path of a component that sets none and of a platform that
 * configures none (`environments.promotion.path`): environment names, each
 * fed by the one before it.
 *
 * @public
 */
export const DEFAULT_PROMOTION_PATH = ['development', 'staging', 'production'];

/**
 * The annotation by which a component sets its own promotion path, as
 * comma-separated environment names: `development, staging, production`.
 *
 * @public
 */
export const PROMOTION_PATH_ANNOTATION = 'environments.idp.dev/promotion-path';

/**
 * The zod schema of a promotion path: distinct environment names, at least two.
 *
 * @public
 */
export const promotionPathSchema = z
  .array(dns1123LabelSchema())
  .min(2, 'must name at least two environments')
  .max(10, 'must name at most 10 environments')
  .refine(path => new Set(path).size === path.length, {
    message: 'must not name an environment twice',
  });

/**
 * Reads the promotion path annotation; undefined when it is missing or not a
 * valid path, so that the platform's default applies.
 *
 * @public
 */
export function parsePromotionPath(
  annotation: string | undefined,
): string[] | undefined {
  if (annotation === undefined) return undefined;
  const names = annotation
    .split(',')
    .map(name => name.trim())
    .filter(Boolean);
  const parsed = promotionPathSchema.safeParse(names);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The environment before `environmentName` in the path, which feeds it; undefined for the first or one not on it.
 *
 * @public
 */
export function upstreamOf(
  path: ReadonlyArray<string>,
  environmentName: string,
): string | undefined {
  const index = path.indexOf(environmentName);
  return index > 0 ? path[index - 1] : undefined;
}
