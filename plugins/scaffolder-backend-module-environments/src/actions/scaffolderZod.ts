import { TemplateActionOptions } from '@backstage/plugin-scaffolder-node';

/**
 * The zod the scaffolder hands to an action's schema functions (its v3 API),
 * for schemas written apart from `createTemplateAction`.
 */
export type ScaffolderZod = Parameters<
  NonNullable<NonNullable<TemplateActionOptions['schema']>['input']>[string]
>[0];
