import { z } from 'zod';

// The policy contract (issue 16): what the backend asks OPA (`input`), what
// the `idp/decision` entrypoint answers, and what the API says about it. The
// Rego policies in policies/ are written against the same shape; the shared
// description is policies/README.md.

const text = z.string().min(1, 'must not be empty');
const timestamp = z.iso.datetime({
  offset: true,
  error: 'must be an ISO 8601 timestamp such as "2026-12-04T15:30:00Z"',
});

/**
 * What is being asked for, one per use case the backend evaluates policy on.
 *
 * @public
 */
export const POLICY_ACTIONS = [
  'environment.request',
  'environment.extend',
  'deployment.deploy',
  'deployment.promote',
  'deployment.rollback',
] as const;

/**
 * The zod schema of {@link PolicyAction}.
 *
 * @public
 */
export const policyActionSchema = z.enum(POLICY_ACTIONS);

/** @public */
export type PolicyAction = z.infer<typeof policyActionSchema>;

const WEEKDAYS = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
] as const;

/**
 * The zod schema of {@link PolicyInput}: the whole request as policies see it.
 *
 * @public
 */
export const policyInputSchema = z.object({
  action: policyActionSchema,
  /** RFC 3339, UTC. */
  now: timestamp,
  /** The local time in the platform's configured time zone, for freeze windows. */
  clock: z.object({
    weekday: z.enum(WEEKDAYS),
    hour: z.number().int().min(0).max(23),
    minute: z.number().int().min(0).max(59),
    timeZone: text,
  }),
  user: z.object({
    /** A user entity reference, or the subject of a service (`ci`). */
    ref: text,
    /** The caller's ownership entity refs (their groups), lower case. */
    groups: z.array(z.string()),
    /** A member of `environments.adminGroups`. */
    isAdmin: z.boolean(),
  }),
  /** The environment as requested (environment.request) or as stored. */
  environment: z.object({
    name: text,
    type: text,
    componentRef: text,
    ownerRef: text,
    system: z.string().nullable(),
    /** The component's `spec.lifecycle` in the catalog. */
    lifecycle: z.string().nullable(),
    /** The time to live asked for (environment.request, environment.extend), else the spec's. */
    ttl: z.string().nullable(),
    replicas: z.number().int().nullable(),
    image: z.string().nullable(),
  }),
  type: z.object({
    name: text,
    ephemeral: z.boolean(),
    requiresApproval: z.boolean(),
    maxTtl: z.string().nullable(),
  }),
  /** deployment.deploy, .promote and .rollback: what would roll out. */
  deployment: z
    .object({
      image: text,
      repository: text,
      registry: text,
      tag: z.string().nullable(),
      digest: z.string().nullable(),
      replicas: z.number().int(),
      message: z.string(),
    })
    .nullable(),
  /** deployment.promote: where it comes from. */
  promotion: z
    .object({
      from: z.object({
        environmentName: text,
        type: text,
        state: text,
        succeededAt: timestamp.nullable(),
      }),
    })
    .nullable(),
  counts: z.object({
    /** Live environments of `environment.ownerRef`, this one not included. */
    ownerEnvironments: z.number().int().min(0),
    /** ... of them of `environment.type`. */
    ownerEnvironmentsOfType: z.number().int().min(0),
  }),
});

/** @public */
export type PolicyInput = z.infer<typeof policyInputSchema>;

/**
 * The zod schema of {@link PolicyMessage}: one rule's word on a request.
 *
 * @public
 */
export const policyMessageSchema = z.object({
  /** `<area>.<rule>`, for example `deployments.allowed_registries`. */
  rule: text,
  /** A sentence for a developer, naming the field and what is allowed. */
  message: text,
});

/** @public */
export type PolicyMessage = z.infer<typeof policyMessageSchema>;

/**
 * The zod schema of {@link PolicyDecisionDocument}: what the `idp/decision`
 * entrypoint evaluates to.
 *
 * @public
 */
export const policyDecisionDocumentSchema = z.object({
  deny: z.array(policyMessageSchema),
  warn: z.array(policyMessageSchema),
});

/** @public */
export type PolicyDecisionDocument = z.infer<
  typeof policyDecisionDocumentSchema
>;

/**
 * `deny` when any rule denies, `warn` when only warnings were given, else
 * `allow`. `off` when policy evaluation is turned off; `error` when it failed
 * and the platform's `failureMode` let the request through (fail-open).
 *
 * @public
 */
export const POLICY_OUTCOMES = [
  'allow',
  'warn',
  'deny',
  'off',
  'error',
] as const;

/** @public */
export const policyOutcomeSchema = z.enum(POLICY_OUTCOMES);

/** @public */
export type PolicyOutcome = z.infer<typeof policyOutcomeSchema>;

/**
 * The zod schema of {@link PolicyResult}: the policy's word on an accepted
 * change, returned with the environment or deployment it made.
 *
 * @public
 */
export const policyResultSchema = z.object({
  outcome: policyOutcomeSchema,
  /** The bundle's revision; absent when evaluation was off. */
  revision: z.string().optional(),
  /** To be shown to the developer; the change was made anyway. */
  warnings: z.array(policyMessageSchema),
});

/** @public */
export type PolicyResult = z.infer<typeof policyResultSchema>;

/**
 * The zod schema of {@link PolicyEvaluationRequest}: `POST /policy/evaluate`,
 * a dry run of an action with the body it would be sent with.
 *
 * @public
 */
export const policyEvaluationRequestSchema = z.object({
  action: policyActionSchema,
  /** The environment acted on; not for `environment.request`. */
  environmentId: text.optional(),
  /** The body the action's own endpoint would be sent. */
  request: z.record(z.string(), z.unknown()),
});

/** @public */
export type PolicyEvaluationRequest = z.infer<
  typeof policyEvaluationRequestSchema
>;

/**
 * The zod schema of {@link PolicyEvaluation}: a decision with what it was
 * made on.
 *
 * @public
 */
export const policyEvaluationSchema = z.object({
  outcome: policyOutcomeSchema,
  revision: z.string().optional(),
  deny: z.array(policyMessageSchema),
  warn: z.array(policyMessageSchema),
  /** The input the policies saw; absent when evaluation was off. */
  input: policyInputSchema.optional(),
  /** Why there is no decision of the policies (off, or a failure let through). */
  reason: z.string().optional(),
});

/** @public */
export type PolicyEvaluation = z.infer<typeof policyEvaluationSchema>;

/**
 * The zod schema of {@link PolicyDeniedDetails}: what a 403 of a denial
 * carries in `error`, beside `name: PolicyDeniedError` and the message.
 *
 * @public
 */
export const policyDeniedDetailsSchema = z.object({
  action: policyActionSchema,
  revision: z.string().optional(),
  /** Every rule that denied, each with its message. */
  violations: z.array(policyMessageSchema),
  warnings: z.array(policyMessageSchema),
});

/** @public */
export type PolicyDeniedDetails = z.infer<typeof policyDeniedDetailsSchema>;

/**
 * The zod schema of {@link PolicyRule}: one rule of the active bundle.
 *
 * @public
 */
export const policyRuleSchema = z.object({
  rule: text,
  title: text,
  description: z.string().optional(),
  severity: z.enum(['deny', 'warn']),
});

/** @public */
export type PolicyRule = z.infer<typeof policyRuleSchema>;

/**
 * The zod schema of {@link PolicyRuleList}: `GET /policy/rules`.
 *
 * @public
 */
export const policyRuleListSchema = z.object({
  /** How policies are evaluated now. */
  mode: z.enum(['embedded', 'server', 'off']),
  revision: z.string().optional(),
  items: z.array(policyRuleSchema),
});

/** @public */
export type PolicyRuleList = z.infer<typeof policyRuleListSchema>;

/**
 * The zod schema of {@link PolicyDecisionRecord}: one audited decision.
 *
 * @public
 */
export const policyDecisionRecordSchema = z.object({
  id: z.number().int(),
  at: timestamp,
  action: policyActionSchema,
  actor: text,
  /** Absent for a denied environment.request: nothing was stored. */
  environmentId: z.string().optional(),
  environmentName: text,
  componentRef: text,
  outcome: policyOutcomeSchema,
  revision: z.string().optional(),
  deny: z.array(policyMessageSchema),
  warn: z.array(policyMessageSchema),
});

/** @public */
export type PolicyDecisionRecord = z.infer<typeof policyDecisionRecordSchema>;

/**
 * The zod schema of {@link PolicyDecisionList}: `GET /policy/decisions`.
 *
 * @public
 */
export const policyDecisionListSchema = z.object({
  items: z.array(policyDecisionRecordSchema),
});

/** @public */
export type PolicyDecisionList = z.infer<typeof policyDecisionListSchema>;
