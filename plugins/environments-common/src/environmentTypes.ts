import { z } from 'zod';
import { configLayerValuesSchema } from './deployments/config';
import { durationSchema, parseDuration } from './duration';
import { entityRefSchema } from './entityRefs';
import { isDns1123Label, isLabelKey, isLabelValue } from './names';
import { isWithinMaximum, quantitySchema } from './quantity';
import {
  formatValidationIssues,
  isPlainObject,
  parseWithIssues,
  ValidationIssue,
  whenFieldsValid,
} from './validation';

const LABEL_KEY_RULE =
  'is not a valid key: an optional DNS subdomain and "/", then at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
const LABEL_VALUE_RULE =
  'must be empty or at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit';

const nonEmptyString = z.string().min(1, 'must not be empty');

/**
 * The storage quota of a type that sets none: every claim of a namespace
 * together, and how many claims it may hold.
 *
 * @public
 */
export const DEFAULT_QUOTA = {
  storage: '10Gi',
  persistentVolumeClaims: 5,
} as const;

/**
 * The bounds of a request, for a type that sets none: the most storage of one
 * resource, the number of resources and the replicas of the component.
 *
 * @public
 */
export const DEFAULT_BOUNDS = {
  storage: '5Gi',
  resources: 3,
  replicas: 3,
} as const;

const annotationsSchema = z
  .record(z.string(), z.string())
  .superRefine((annotations, ctx) => {
    for (const key of Object.keys(annotations)) {
      if (!isLabelKey(key)) {
        ctx.addIssue({ code: 'custom', path: [key], message: LABEL_KEY_RULE });
      }
    }
  });

const labelsSchema = z
  .record(z.string(), z.string())
  .superRefine((labels, ctx) => {
    for (const [key, value] of Object.entries(labels)) {
      if (!isLabelKey(key)) {
        ctx.addIssue({ code: 'custom', path: [key], message: LABEL_KEY_RULE });
      }
      if (!isLabelValue(value)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `${LABEL_VALUE_RULE} (got "${value}")`,
        });
      }
    }
  });

const ttlSchema = z
  .strictObject({ default: durationSchema, max: durationSchema })
  .superRefine((ttl, ctx) => {
    if (parseDuration(ttl.default) > parseDuration(ttl.max)) {
      ctx.addIssue({
        code: 'custom',
        path: ['default'],
        message: `must not be longer than max (${ttl.max})`,
      });
    }
  }, whenFieldsValid(['default', 'max']));

// Kubernetes rejects a LimitRange whose default request is above its default
// limit, so catch it here, at startup, rather than on the first provisioning.
const limitsSchema = z
  .strictObject({
    defaultCpu: quantitySchema('cpu'),
    defaultMemory: quantitySchema('memory'),
    defaultRequestCpu: quantitySchema('cpu'),
    defaultRequestMemory: quantitySchema('memory'),
  })
  .superRefine((limits, ctx) => {
    if (!isWithinMaximum('cpu', limits.defaultRequestCpu, limits.defaultCpu)) {
      ctx.addIssue({
        code: 'custom',
        path: ['defaultRequestCpu'],
        message: `must not be more than defaultCpu (${limits.defaultCpu})`,
      });
    }
  }, whenFieldsValid(['defaultCpu', 'defaultRequestCpu']))
  .superRefine((limits, ctx) => {
    if (
      !isWithinMaximum(
        'memory',
        limits.defaultRequestMemory,
        limits.defaultMemory,
      )
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['defaultRequestMemory'],
        message: `must not be more than defaultMemory (${limits.defaultMemory})`,
      });
    }
  }, whenFieldsValid(['defaultMemory', 'defaultRequestMemory']));

const wholeNumber = (rule: 'positive' | 'nonnegative') => {
  const number = z.number().int('must be a whole number');
  return rule === 'positive'
    ? number.positive('must be greater than 0')
    : number.nonnegative('must not be negative');
};

/** The Pod Security Standards, most to least permissive. */
const POD_SECURITY_LEVELS = ['privileged', 'baseline', 'restricted'] as const;
const POD_SECURITY_LABEL_PREFIX = 'pod-security.kubernetes.io/';

/**
 * What Pod Security Admission enforces in a type's namespaces, and what it
 * only audits or warns about. Unless the platform team says otherwise, all
 * three are `restricted`: a tenant cannot run privileged, host-namespace or
 * root pods in its namespace.
 */
const podSecuritySchema = z
  .strictObject({
    enforce: z.enum(POD_SECURITY_LEVELS).default('restricted'),
    audit: z.enum(POD_SECURITY_LEVELS).default('restricted'),
    warn: z.enum(POD_SECURITY_LEVELS).default('restricted'),
    version: z
      .string()
      .regex(
        /^(latest|v1\.(0|[1-9]\d*))$/,
        'must be "latest" or a Kubernetes minor version such as "v1.31"',
      )
      .default('latest'),
  })
  .prefault({});

// Namespace labels the baseline sets itself: a free-form label must not
// weaken what podSecurity says.
const baselineLabelsSchema = labelsSchema.superRefine((labels, ctx) => {
  for (const key of Object.keys(labels)) {
    if (key.startsWith(POD_SECURITY_LABEL_PREFIX)) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `is set from baseline.podSecurity; set the Pod Security levels there instead`,
      });
    }
  }
});

const baselineSchema = z.strictObject({
  quota: z.strictObject({
    cpu: quantitySchema('cpu'),
    memory: quantitySchema('memory'),
    pods: wholeNumber('positive').optional(),
    /** All claims of a namespace together (`requests.storage`). */
    storage: quantitySchema('memory').default(DEFAULT_QUOTA.storage),
    /** How many claims a namespace may hold (`persistentvolumeclaims`). */
    persistentVolumeClaims: wholeNumber('nonnegative').default(
      DEFAULT_QUOTA.persistentVolumeClaims,
    ),
  }),
  limits: limitsSchema,
  podSecurity: podSecuritySchema,
  labels: baselineLabelsSchema.optional(),
  annotations: annotationsSchema.optional(),
  /**
   * The lowest layer of every deployment's configuration: replicas,
   * environment variables and container resources the type's environments
   * start from (not the image, which is the component's).
   */
  workload: configLayerValuesSchema
    .omit({ image: true, secretRefs: true })
    .optional(),
});

/**
 * How far one request may go: the quota it may raise cpu and memory to, and
 * the most storage one resource, resources in all and replicas of the
 * component it may have.
 */
const boundsSchema = z.strictObject({
  cpu: quantitySchema('cpu'),
  memory: quantitySchema('memory'),
  storage: quantitySchema('memory').default(DEFAULT_BOUNDS.storage),
  resources: wholeNumber('nonnegative').default(DEFAULT_BOUNDS.resources),
  replicas: wholeNumber('positive').default(DEFAULT_BOUNDS.replicas),
});

/** How many live environments of the type one component, or one team, may have. */
const maxEnvironmentsSchema = z.strictObject({
  perComponent: wholeNumber('positive').optional(),
  perTeam: wholeNumber('positive').optional(),
});

/**
 * The zod schema of one environment type, as the platform team sets it in
 * app-config under `environments.types.<name>`. Use
 * {@link parseEnvironmentTypes} to read the whole map with readable errors.
 *
 * @public
 */
export const environmentTypeSchema = z
  .strictObject({
    description: nonEmptyString,
    cluster: nonEmptyString,
    ephemeral: z.boolean().default(false),
    ttl: ttlSchema.optional(),
    baseline: baselineSchema,
    bounds: boundsSchema,
    maxEnvironments: maxEnvironmentsSchema.optional(),
    allowedGroups: z
      .array(entityRefSchema('group'))
      .min(
        1,
        'must list at least one group; leave allowedGroups out to let everyone request this type',
      )
      .optional(),
    requiresApproval: z.boolean().default(false),
    /**
     * Who may approve what `requiresApproval` gates (deployments, promotions
     * and new environments); the admin groups when not set.
     */
    approverGroups: z
      .array(entityRefSchema('group'))
      .min(
        1,
        'must list at least one group; leave approverGroups out to let the admin groups approve',
      )
      .optional(),
    /** How long a request waits for approval before it expires; 24h when not set. */
    approvalTimeout: durationSchema.optional(),
    /** How long an environment may make no progress before its reason says what it waits for; 10m when not set. */
    progressDeadline: durationSchema.optional(),
    /** Logs only owners and admins may read, each read audited (production in app-config). */
    sensitiveLogs: z.boolean().optional(),
  })
  // Reads only whether ttl is there, so it runs even when ttl itself is invalid.
  .superRefine((type, ctx) => {
    if (type.ephemeral && !type.ttl) {
      ctx.addIssue({
        code: 'custom',
        path: ['ttl'],
        message:
          'is required when ephemeral is true: set a default and a max, such as { default: "4h", max: "3d" }',
      });
    }
    if (!type.ephemeral && type.ttl) {
      ctx.addIssue({
        code: 'custom',
        path: ['ttl'],
        message:
          'is only allowed when ephemeral is true, because only ephemeral environments expire',
      });
    }
  }, whenFieldsValid(['ephemeral']))
  // The bounds are what a developer may raise the quota to; below the
  // baseline they would forbid even the default.
  .superRefine((type, ctx) => {
    if (!isWithinMaximum('cpu', type.baseline.quota.cpu, type.bounds.cpu)) {
      ctx.addIssue({
        code: 'custom',
        path: ['bounds', 'cpu'],
        message: `must be at least the baseline quota cpu (${type.baseline.quota.cpu})`,
      });
    }
  }, whenFieldsValid(['baseline.quota.cpu', 'bounds.cpu']))
  .superRefine((type, ctx) => {
    if (
      !isWithinMaximum('memory', type.baseline.quota.memory, type.bounds.memory)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['bounds', 'memory'],
        message: `must be at least the baseline quota memory (${type.baseline.quota.memory})`,
      });
    }
  }, whenFieldsValid(['baseline.quota.memory', 'bounds.memory']))
  // A resource larger than the namespace's storage quota could never bind.
  .superRefine((type, ctx) => {
    if (
      !isWithinMaximum(
        'memory',
        type.bounds.storage,
        type.baseline.quota.storage,
      )
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['bounds', 'storage'],
        message: `must not be more than the baseline quota storage (${type.baseline.quota.storage}), or no resource that large could get its volume`,
      });
    }
  }, whenFieldsValid(['baseline.quota.storage', 'bounds.storage']))
  // Each resource of the drivers we ship claims one volume.
  .superRefine((type, ctx) => {
    const claims = type.baseline.quota.persistentVolumeClaims;
    if (type.bounds.resources > claims) {
      ctx.addIssue({
        code: 'custom',
        path: ['bounds', 'resources'],
        message: `must not be more than the baseline quota persistentVolumeClaims (${claims}), since each resource claims a volume`,
      });
    }
  }, whenFieldsValid(['baseline.quota.persistentVolumeClaims', 'bounds.resources']));

/**
 * An environment type as configured by the platform team, for example
 * development, preview, staging or production, with defaults applied:
 * `ephemeral` and `requiresApproval` are false unless set, every Pod Security
 * level of `baseline.podSecurity` is `restricted` (version `latest`), and the
 * storage quota and the bounds a type leaves out are {@link DEFAULT_QUOTA}
 * and {@link DEFAULT_BOUNDS}. `maxEnvironments` is absent when the type caps
 * nothing.
 *
 * Quantities and durations stay as written ("2Gi", "4h"): use
 * {@link parseMemoryBytes}, {@link parseCpuCores} and {@link parseDuration}
 * to compute with them. `ttl` is present exactly when `ephemeral` is true.
 * `allowedGroups` holds full, lowercased group references.
 *
 * @public
 */
export type EnvironmentType = z.output<typeof environmentTypeSchema>;

/**
 * Validates the `environments.types` map from app-config, for example the
 * result of `config.getOptional('environments.types')`. A missing map means
 * no types are configured.
 *
 * @public
 * @throws Error listing every problem, one per line, as
 * `environments.types.<name>.<path>: <rule>`, so that the platform team can
 * fix them all at once.
 */
export function parseEnvironmentTypes(
  config: unknown,
): Record<string, EnvironmentType> {
  if (config === undefined) {
    return {};
  }
  const failWith = (issues: ValidationIssue[]) =>
    new Error(
      `Invalid environment types in app-config:\n${formatValidationIssues(
        issues,
      )}`,
    );
  if (!isPlainObject(config)) {
    throw failWith([
      {
        field: 'environments.types',
        rule: 'must be an object that maps each type name to its settings',
      },
    ]);
  }

  const types: Record<string, EnvironmentType> = {};
  const issues: ValidationIssue[] = [];
  for (const [name, settings] of Object.entries(config)) {
    const field = `environments.types.${name}`;
    // The type name ends up in labels and default namespace names.
    if (!isDns1123Label(name)) {
      issues.push({
        field,
        rule: 'is not a valid type name: type names must be DNS-1123 labels, at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit',
      });
    }
    const result = parseWithIssues(environmentTypeSchema, settings, field);
    if (result.success) {
      types[name] = result.data;
    } else {
      issues.push(...result.issues);
    }
  }
  if (issues.length > 0) {
    throw failWith(issues);
  }
  return types;
}

/**
 * Tells whether a user may request environments of `type`: always when the
 * type has no `allowedGroups`, otherwise only when one of the user's
 * ownership references (their own entity reference and their groups, as
 * returned by the user info service) is among them.
 *
 * This is the type's own restriction; permission policies apply on top.
 *
 * @public
 */
export function canRequestEnvironmentType(
  type: EnvironmentType,
  ownershipEntityRefs: ReadonlyArray<string>,
): boolean {
  if (!type.allowedGroups) {
    return true;
  }
  const owned = new Set(ownershipEntityRefs.map(ref => ref.toLowerCase()));
  return type.allowedGroups.some(group => owned.has(group));
}
