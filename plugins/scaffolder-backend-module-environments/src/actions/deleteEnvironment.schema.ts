import { DEFAULT_TIMEOUT_SECONDS } from './environmentsAccess';
import { ScaffolderZod } from './scaffolderZod';

/**
 * The inputs of `environments:delete`, as the template editor documents
 * them, and its outputs.
 */
export const deleteEnvironmentSchema = {
  input: (z: ScaffolderZod) =>
    z.object({
      environmentId: z
        .string()
        .min(1)
        .optional()
        .describe(
          'The id of the environment, as environments:request outputs it. Give either this, or componentRef and name.',
        ),
      componentRef: z
        .string()
        .min(1)
        .optional()
        .describe(
          'With name instead of environmentId: the catalog Component the environment belongs to, such as "component:default/orders-service".',
        ),
      name: z
        .string()
        .min(1)
        .optional()
        .describe(
          'With componentRef instead of environmentId: the environment name, such as "development".',
        ),
      wait: z
        .boolean()
        .optional()
        .describe(
          'Whether to wait until the environment is deleted. Default true; with false the step ends once the deletion has started.',
        ),
      timeoutSeconds: z
        .number()
        .int()
        .positive()
        .optional()
        .describe(
          `With wait, how long to wait for the deletion before failing the step; it goes on regardless. Default ${DEFAULT_TIMEOUT_SECONDS}.`,
        ),
    }),
  output: (z: ScaffolderZod) =>
    z.object({
      environmentId: z
        .string()
        .optional()
        .describe(
          'The id of the deleted environment; left out when componentRef and name matched no live environment.',
        ),
      status: z
        .string()
        .describe(
          'The status when the step ended: "deleted" after waiting, "deleting" without.',
        ),
    }),
};
