import { DEFAULT_TIMEOUT_SECONDS } from './environmentsAccess';
import { ScaffolderZod } from './scaffolderZod';

/** The id of a dry run's deployment, which does not exist. */
export const DRY_RUN_DEPLOYMENT_ID = 'dry-run';

const waitInputs = (z: ScaffolderZod, what: string) => ({
  wait: z
    .boolean()
    .optional()
    .describe(
      `Whether to wait until the ${what} succeeds (through an approval, if its type needs one), and fail the step if it fails or is rejected. Default true; with false the step ends once it is recorded.`,
    ),
  timeoutSeconds: z
    .number()
    .int()
    .positive()
    .optional()
    .describe(
      `With wait, how long to wait before failing the step; the rollout goes on regardless. Default ${DEFAULT_TIMEOUT_SECONDS}.`,
    ),
});

/** The outputs of both deployment actions. */
export const deploymentOutput = (z: ScaffolderZod) =>
  z.object({
    deploymentId: z
      .string()
      .describe(
        `The deployment's id, for the environments API ("${DRY_RUN_DEPLOYMENT_ID}" in a dry run).`,
      ),
    state: z
      .string()
      .describe(
        'Its state when the step ended: "succeeded" after waiting; without, usually "rolling-out", or "pending-approval" when its type needs approval.',
      ),
    version: z.string().describe('The image tag it deploys, such as "1.4.2".'),
    url: z.string().describe("The environment's page in the portal."),
  });

/**
 * The inputs of `environments:deploy`, as the template editor documents
 * them, and its outputs.
 *
 * @public
 */
export const deployToEnvironmentSchema = {
  input: (z: ScaffolderZod) =>
    z.object({
      componentRef: z
        .string()
        .min(1)
        .describe(
          'The catalog Component, such as "component:default/orders-service" ("orders-service" works too).',
        ),
      environment: z
        .string()
        .min(1)
        .describe(
          'The name of the component\'s environment to deploy to, such as "development".',
        ),
      image: z
        .string()
        .optional()
        .describe(
          'The whole image reference to deploy, such as "registry.local/orders-service:1.4.2". Give this or tag, not both; with neither, the current configuration is deployed again.',
        ),
      tag: z
        .string()
        .optional()
        .describe(
          'A new tag of the image that runs now (or of the component\'s default image), such as "1.4.2".',
        ),
      message: z
        .string()
        .optional()
        .describe(
          'Why, shown in the deployment history. Default "Deployed <version>".',
        ),
      ...waitInputs(z, 'deployment'),
    }),
  output: deploymentOutput,
};

/**
 * The inputs of `environments:promote`, as the template editor documents
 * them, and its outputs.
 */
export const promoteToEnvironmentSchema = {
  input: (z: ScaffolderZod) =>
    z.object({
      componentRef: z
        .string()
        .min(1)
        .describe(
          'The catalog Component, such as "component:default/orders-service".',
        ),
      environment: z
        .string()
        .min(1)
        .describe(
          'The environment to promote into, such as "staging": it gets what succeeded in the one before it in the component\'s promotion path (development → staging → production by default).',
        ),
      deploymentId: z
        .string()
        .optional()
        .describe(
          'The deployment to promote; by default the current one of the environment before this one in the path.',
        ),
      message: z
        .string()
        .optional()
        .describe('Why, shown in the deployment history.'),
      ...waitInputs(z, 'promotion'),
    }),
  output: deploymentOutput,
};
