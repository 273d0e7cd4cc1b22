import { environmentResourceSchema } from '@internal/backstage-plugin-environments-common';
import { DEFAULT_TIMEOUT_SECONDS } from './environmentsAccess';
import { ScaffolderZod } from './scaffolderZod';

/**
 * The resource types of the shared request schema. The scaffolder documents
 * a resource with its own zod (v3), so only the shape is described here: the
 * action checks each resource against the shared schema (the backend's
 * rules), which names the field and the rule it breaks.
 */
export const RESOURCE_TYPES = environmentResourceSchema.options.map(
  option => option.shape.type.value,
);
const [firstResourceType, ...otherResourceTypes] = RESOURCE_TYPES;

/** The id of a dry run's environment, which does not exist. */
export const DRY_RUN_ENVIRONMENT_ID = 'dry-run';

/**
 * The inputs of `environments:request`, as the template editor documents
 * them, and the outputs templates read.
 *
 * @public
 */
export const requestEnvironmentSchema = {
  input: (z: ScaffolderZod) =>
    z.object({
      componentRef: z
        .string()
        .min(1)
        .describe(
          'The catalog Component to create the environment for, such as "component:default/orders-service". Right after catalog:register the action waits for the catalog to process it.',
        ),
      type: z
        .string()
        .min(1)
        .describe(
          'The environment type, as configured by the platform team (environments.types), such as "development" or "preview".',
        ),
      name: z
        .string()
        .optional()
        .describe(
          'The environment name: a DNS-1123 label of at most 40 characters, unique among the component\'s environments. Defaults to the type name. The namespace is "<component>-<name>".',
        ),
      ttl: z
        .string()
        .optional()
        .describe(
          'Ephemeral types only: how long the environment lives, such as "4h" or "2d", at most the type\'s maximum. Defaults to the type\'s default.',
        ),
      overrides: z
        .object({
          cpu: z
            .string()
            .optional()
            .describe(
              'CPU quota instead of the baseline\'s, such as "500m" or "2"; at most the type\'s bound.',
            ),
          memory: z
            .string()
            .optional()
            .describe(
              'Memory quota instead of the baseline\'s, such as "512Mi" or "4Gi"; at most the type\'s bound.',
            ),
        })
        .optional()
        .describe('Changes to the resource quota of the environment type.'),
      image: z
        .string()
        .optional()
        .describe(
          'The container image to deploy, such as "registry.local/orders-service:1.4.2". Defaults to the component\'s environments.idp.dev/image annotation.',
        ),
      resources: z
        .array(
          z.object({
            type: z
              .enum([firstResourceType, ...otherResourceTypes])
              .describe(
                `The kind of resource: ${RESOURCE_TYPES.map(
                  type => `"${type}"`,
                ).join(
                  ' or ',
                )}, as far as the backend has a driver installed for it.`,
              ),
            name: z
              .string()
              .describe(
                'The resource name: a DNS-1123 label, unique within the environment.',
              ),
            version: z
              .string()
              .optional()
              .describe(
                'The version, such as "16" for PostgreSQL (default 16) or "7.2" for Redis (default 7).',
              ),
            storage: z
              .string()
              .optional()
              .describe('The volume size, such as "1Gi"; default 1Gi.'),
          }),
        )
        .optional()
        .describe(
          'Backing services provisioned into the environment, such as PostgreSQL databases, each with a Secret holding its credentials.',
        ),
      wait: z
        .boolean()
        .optional()
        .describe(
          'Whether to wait until the environment is ready (and fail the step if it fails). Default true; with false the step ends once the request is stored.',
        ),
      timeoutSeconds: z
        .number()
        .int()
        .positive()
        .optional()
        .describe(
          `With wait, how long to wait for the environment to become ready before failing the step; it goes on provisioning regardless. Default ${DEFAULT_TIMEOUT_SECONDS}.`,
        ),
    }),
  output: (z: ScaffolderZod) =>
    z.object({
      environmentId: z
        .string()
        .describe(
          `The environment's id, for the environments API and environments:delete ("${DRY_RUN_ENVIRONMENT_ID}" in a dry run).`,
        ),
      namespace: z
        .string()
        .describe('The Kubernetes namespace of the environment.'),
      status: z
        .string()
        .describe(
          'The status when the step ended: "ready" after waiting, usually "requested" without.',
        ),
      url: z.string().describe("The environment's page in the portal."),
    }),
};
