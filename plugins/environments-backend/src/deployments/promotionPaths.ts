import { Config } from '@backstage/config';
import {
  DEFAULT_PROMOTION_PATH,
  formatValidationIssues,
  parsePromotionPath,
  parseWithIssues,
  PROMOTION_PATH_ANNOTATION,
  promotionPathSchema,
} from '@internal/backstage-plugin-environments-common';

export const PROMOTION_PATH_CONFIG_KEY = 'environments.promotion.path';

/**
 * Which environment feeds which: the platform's path from
 * `environments.promotion.path` (environment names, development → staging
 * → production unless configured), which a component may replace with its
 * own in the `environments.idp.dev/promotion-path` annotation.
 */
export class PromotionPaths {
  /** Throws at startup, naming the key and the rule, when the configured path is invalid. */
  static fromConfig(config: Config): PromotionPaths {
    const configured = config.getOptional(PROMOTION_PATH_CONFIG_KEY);
    if (configured === undefined) {
      return new PromotionPaths(DEFAULT_PROMOTION_PATH);
    }
    const parsed = parseWithIssues(promotionPathSchema, configured);
    if (!parsed.success) {
      throw new Error(
        `Invalid ${PROMOTION_PATH_CONFIG_KEY}:\n${formatValidationIssues(
          parsed.issues.map(issue => ({
            ...issue,
            field: `${PROMOTION_PATH_CONFIG_KEY}${
              issue.field ? `.${issue.field}` : ''
            }`,
          })),
        )}`,
      );
    }
    return new PromotionPaths(parsed.data);
  }

  constructor(readonly platformPath: ReadonlyArray<string>) {}

  /** The path of a component: its annotation when valid, else the platform's. */
  pathFor(annotations: Record<string, string> | undefined): string[] {
    return (
      parsePromotionPath(annotations?.[PROMOTION_PATH_ANNOTATION]) ?? [
        ...this.platformPath,
      ]
    );
  }
}
