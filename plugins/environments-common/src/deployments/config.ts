import { z } from 'zod';
import { EnvironmentType } from '../environmentTypes';
import { isWithinMaximum, quantitySchema } from '../quantity';
import { imageReferenceSchema } from '../request';
import { ValidationIssue } from '../validation';

// What a component runs with in one environment, and the three layers it is
// resolved from: the environment type's baseline (the platform team's), the
// component's defaults (its catalog-info.yaml) and the environment's own
// overrides. Secret *values* are never part of any of this: a configuration
// only names keys of the environment's secrets, whose values the
// orchestrator writes into a Kubernetes Secret and nowhere else.

/** The most environment variables, and secret references, one configuration holds. */
export const MAX_CONFIG_ENTRIES = 100;
/** The longest value of one environment variable. */
export const MAX_CONFIG_VALUE_LENGTH = 4096;

const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// The keys of a Kubernetes Secret: letters, digits, "-", "_" and ".".
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

const envVarNameSchema = z
  .string()
  .max(128, 'must be at most 128 characters')
  .regex(
    ENV_VAR_NAME,
    'must be an environment variable name: letters, digits and "_", not starting with a digit',
  );

/**
 * The name of one of an environment's secrets, as a Kubernetes Secret key.
 *
 * @public
 */
export const secretKeySchema = z
  .string()
  .min(1, 'must not be empty')
  .max(253, 'must be at most 253 characters')
  .regex(SECRET_KEY, 'must hold only letters, digits, "-", "_" and "."');

function boundedRecord<T extends z.ZodType>(value: T, what: string) {
  return z
    .record(envVarNameSchema, value)
    .refine(record => Object.keys(record).length <= MAX_CONFIG_ENTRIES, {
      message: `must hold at most ${MAX_CONFIG_ENTRIES} ${what}`,
    });
}

const envValueSchema = z
  .string()
  .max(
    MAX_CONFIG_VALUE_LENGTH,
    `must be at most ${MAX_CONFIG_VALUE_LENGTH} characters`,
  );

const replicasSchema = z
  .number()
  .int('must be a whole number')
  .min(0, 'must not be negative');

const portSchema = z
  .number()
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(65535, 'must be at most 65535');

/**
 * The zod schema of {@link ContainerResources}.
 *
 * @public
 */
export const containerResourcesSchema = z.strictObject({
  cpu: quantitySchema('cpu').optional(),
  memory: quantitySchema('memory').optional(),
});

/**
 * The cpu and memory limit of the component's container; the type's
 * `baseline.limits` apply where left out.
 *
 * @public
 */
export type ContainerResources = z.output<typeof containerResourcesSchema>;

/**
 * The zod schema of {@link ConfigLayerValues}: what one layer sets, every
 * field optional.
 *
 * @public
 */
export const configLayerValuesSchema = z.strictObject({
  image: imageReferenceSchema.optional(),
  port: portSchema.optional(),
  replicas: replicasSchema.optional(),
  env: boundedRecord(envValueSchema, 'environment variables').optional(),
  /** Environment variable name → key of the environment's secrets. */
  secretRefs: boundedRecord(secretKeySchema, 'secret references').optional(),
  resources: containerResourcesSchema.optional(),
});

/**
 * What one layer of a configuration sets.
 *
 * @public
 */
export type ConfigLayerValues = z.output<typeof configLayerValuesSchema>;

/**
 * The layers, lowest first: a later one wins, value by value (each
 * environment variable on its own).
 *
 * @public
 */
export const CONFIG_LAYERS = ['baseline', 'component', 'override'] as const;

/**
 * The zod schema of {@link ConfigLayer}.
 *
 * @public
 */
export const configLayerSchema = z.enum(CONFIG_LAYERS);

/**
 * Where a value of a configuration came from: the environment type's
 * baseline, the component's defaults, or the environment's override.
 *
 * @public
 */
export type ConfigLayer = z.infer<typeof configLayerSchema>;

/**
 * The zod schema of {@link ConfigLayers}.
 *
 * @public
 */
export const configLayersSchema = z.object({
  baseline: configLayerValuesSchema,
  component: configLayerValuesSchema,
  override: configLayerValuesSchema,
});

/**
 * The three layers a configuration is resolved from.
 *
 * @public
 */
export type ConfigLayers = z.output<typeof configLayersSchema>;

/**
 * The zod schema of {@link DeploymentConfig}.
 *
 * @public
 */
export const deploymentConfigSchema = z.strictObject({
  image: imageReferenceSchema,
  port: portSchema,
  replicas: replicasSchema,
  env: z.record(z.string(), z.string()),
  secretRefs: z.record(z.string(), z.string()),
  resources: containerResourcesSchema,
});

/**
 * What a component runs with in one environment, every layer resolved.
 *
 * @public
 */
export type DeploymentConfig = z.output<typeof deploymentConfigSchema>;

/**
 * The zod schema of {@link ResolvedConfig}.
 *
 * @public
 */
export const resolvedConfigSchema = z.object({
  config: deploymentConfigSchema,
  /**
   * The layer each value came from, by path: `image`, `port`, `replicas`,
   * `env.LOG_LEVEL`, `secretRefs.DB_PASSWORD`, `resources.cpu`.
   */
  origins: z.record(z.string(), configLayerSchema),
  layers: configLayersSchema,
});

/**
 * A configuration with the layers it was resolved from.
 *
 * @public
 */
export type ResolvedConfig = z.output<typeof resolvedConfigSchema>;

/** The port of a component that names none. */
export const DEFAULT_PORT = 8080;
/** The replicas of a component that no layer gives any. */
export const DEFAULT_REPLICAS = 1;

/**
 * Resolves a configuration from its layers, a later layer winning value by
 * value. Fails when no layer names an image.
 *
 * @public
 */
export function resolveDeploymentConfig(
  layers: ConfigLayers,
):
  | { ok: true; resolved: ResolvedConfig }
  | { ok: false; issues: ValidationIssue[] } {
  const origins: Record<string, ConfigLayer> = {};
  const pick = <K extends 'image' | 'port' | 'replicas'>(key: K) => {
    let value: ConfigLayerValues[K] | undefined;
    for (const layer of CONFIG_LAYERS) {
      const candidate = layers[layer][key];
      if (candidate !== undefined) {
        value = candidate;
        origins[key] = layer;
      }
    }
    return value;
  };
  const merge = (key: 'env' | 'secretRefs' | 'resources') => {
    const merged: Record<string, string> = {};
    for (const layer of CONFIG_LAYERS) {
      for (const [name, value] of Object.entries(layers[layer][key] ?? {})) {
        if (value === undefined) continue;
        merged[name] = value;
        origins[`${key}.${name}`] = layer;
      }
    }
    return merged;
  };

  const image = pick('image');
  const port = pick('port') ?? DEFAULT_PORT;
  const replicas = pick('replicas') ?? DEFAULT_REPLICAS;
  const env = merge('env');
  const secretRefs = merge('secretRefs');
  const resources = merge('resources') as ContainerResources;
  if (image === undefined) {
    return {
      ok: false,
      issues: [
        {
          field: 'image',
          rule: 'is required: neither the component (annotation environments.idp.dev/image) nor an earlier deployment names one',
        },
      ],
    };
  }
  return {
    ok: true,
    resolved: {
      config: { image, port, replicas, env, secretRefs, resources },
      origins,
      layers,
    },
  };
}

/**
 * Checks a resolved configuration against its environment type's bounds:
 * replicas at most `bounds.replicas`, the container's cpu and memory at most
 * the type's `bounds`, and no variable both a value and a secret.
 *
 * @public
 */
export function configIssues(
  config: DeploymentConfig,
  type: EnvironmentType,
  typeName: string,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (config.replicas > type.bounds.replicas) {
    issues.push({
      field: 'replicas',
      rule: `must be at most ${type.bounds.replicas}, the replicas bound of type ${typeName} (got ${config.replicas})`,
    });
  }
  for (const kind of ['cpu', 'memory'] as const) {
    const value = config.resources[kind];
    if (
      value !== undefined &&
      !isWithinMaximum(kind, value, type.bounds[kind])
    ) {
      issues.push({
        field: `resources.${kind}`,
        rule: `must be at most ${type.bounds[kind]}, the ${kind} bound of type ${typeName} (got "${value}")`,
      });
    }
  }
  for (const name of Object.keys(config.secretRefs)) {
    if (Object.prototype.hasOwnProperty.call(config.env, name)) {
      issues.push({
        field: `secretRefs.${name}`,
        rule: `must not also be a plain environment variable: ${name} is set in env too`,
      });
    }
  }
  return issues;
}

/**
 * The tag of an image reference (`1.4.2` of `ghcr.io/acme/orders:1.4.2`),
 * `latest` when it names none, or the short digest when it names only that.
 *
 * @public
 */
export function imageVersion(image: string): string {
  const [withoutDigest, digest] = image.split('@');
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  if (colon >= 0) return withoutDigest.slice(colon + 1);
  if (digest) return digest.replace(/^sha256:/, '').slice(0, 12);
  return 'latest';
}

/**
 * The image with another tag: `ghcr.io/acme/orders:1.4.2` with `1.5.0` gives
 * `ghcr.io/acme/orders:1.5.0`; a digest is dropped, since it named the old tag.
 *
 * @public
 */
export function withImageTag(image: string, tag: string): string {
  const [withoutDigest] = image.split('@');
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  const repository = colon >= 0 ? withoutDigest.slice(0, colon) : withoutDigest;
  return `${repository}:${tag}`;
}

/**
 * The digest of an image reference (`sha256:…`), if it names one.
 *
 * @public
 */
export function imageDigest(image: string): string | undefined {
  const at = image.indexOf('@');
  return at >= 0 ? image.slice(at + 1) : undefined;
}
