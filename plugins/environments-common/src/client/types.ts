import { z } from 'zod';
import { durationSchema } from '../duration';
import { environmentTypeSchema } from '../environmentTypes';
import { environmentEventSchema, environmentPodSchema } from '../observability';
import {
  ApprovalDecisionRequest,
  CiDeployRequest,
  Deployment,
  deploymentSchema,
  DeploymentDiff,
  DeployRequest,
  environmentSecretSchema,
  PromoteRequest,
  ResolvedConfig,
  RollbackRequest,
  WhatRunsWhere,
} from '../deployments';
import {
  PolicyDecisionList,
  PolicyEvaluation,
  PolicyEvaluationRequest,
  PolicyRuleList,
} from '../policy';
import { EnvironmentRequest, EnvironmentUpdate } from '../request';
import {
  auditEventSchema,
  Environment,
  environmentSchema,
  environmentStatusSchema,
  statusTransitionSchema,
} from '../types';

/**
 * The most items one page of a list holds; a page holds 100 unless asked.
 *
 * @public
 */
export const MAX_PAGE_SIZE = 500;

/** Which page of a list: `limit` items from where `pageToken` says. */
const pageQuery = {
  /** At most this many items; 100 unless set, {@link MAX_PAGE_SIZE} at most. */
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  /** The `nextPageToken` of the previous page. */
  pageToken: z.string().optional(),
};

/** Where the next page starts; absent on the last page. */
const nextPageToken = z.string().optional();

/**
 * The zod schema of {@link ListEnvironmentsFilter}.
 *
 * @public
 */
export const listEnvironmentsFilterSchema = z.object({
  ...pageQuery,
  /** For example `component:default/orders-service`. */
  componentRef: z.string().optional(),
  /** For example `group:default/team-orders`. */
  ownerRef: z.string().optional(),
  /** The name of an environment type, for example `preview`. */
  type: z.string().optional(),
  /** Deleted environments are never listed. */
  status: environmentStatusSchema.exclude(['deleted']).optional(),
});

/**
 * Narrows a listing of environments; every field that is set must match.
 * With `limit` or `pageToken`, one page is listed; without, every page.
 *
 * @public
 */
export type ListEnvironmentsFilter = z.infer<
  typeof listEnvironmentsFilterSchema
>;

/**
 * Options for one request to the environments backend.
 *
 * @public
 */
export type EnvironmentsRequestOptions = {
  /**
   * A token to send as `Authorization: Bearer <token>`: what a backend plugin
   * gets from `auth.getPluginRequestToken`. The frontend leaves it out and
   * lets `fetchApi` add the user's.
   */
  token?: string;
};

/**
 * Options of a change to an environment.
 *
 * @public
 */
export type EnvironmentChangeOptions = EnvironmentsRequestOptions & {
  /**
   * Make the change only if the environment is still at this `version` (as
   * read from it), sent as `If-Match`: if it changed since, the backend
   * answers 412 and nothing is changed. Without it, the change applies to the
   * environment as it is when the change is stored.
   */
  version?: number;
};

/**
 * The zod schema of {@link EnvironmentList}.
 *
 * @public
 */
export const environmentListSchema = z.object({
  items: z.array(environmentSchema),
  nextPageToken,
});

/**
 * A list of environments, as the environments backend returns it.
 *
 * @public
 */
export type EnvironmentList = z.infer<typeof environmentListSchema>;

/**
 * The zod schema of {@link AuditTrail}.
 *
 * @public
 */
export const auditTrailSchema = z.object({
  items: z.array(auditEventSchema),
  nextPageToken,
});

/**
 * The audit trail of one environment, oldest event first.
 *
 * @public
 */
export type AuditTrail = z.infer<typeof auditTrailSchema>;

/**
 * The zod schema of {@link StatusTransitionList}.
 *
 * @public
 */
export const statusTransitionListSchema = z.object({
  items: z.array(statusTransitionSchema),
  nextPageToken,
});

/**
 * The status history of one environment, oldest transition first; the first
 * is always `requested`, when it was created.
 *
 * @public
 */
export type StatusTransitionList = z.infer<typeof statusTransitionListSchema>;

/**
 * The zod schema of {@link EnvironmentTypeDescription}: the app-config
 * schema of a type, with the same rules, plus `name` and `allowed`.
 *
 * @public
 */
export const environmentTypeDescriptionSchema =
  environmentTypeSchema.safeExtend({
    name: z.string().min(1, 'must not be empty'),
    /** False when the type has `allowedGroups` and the caller is in none of them. */
    allowed: z.boolean(),
  });

/**
 * An environment type as the environments backend describes it: its settings
 * from app-config, its name, and whether the caller belongs to the groups it
 * is restricted to.
 *
 * @public
 */
export type EnvironmentTypeDescription = z.output<
  typeof environmentTypeDescriptionSchema
>;

/**
 * The zod schema of {@link EnvironmentTypeList}.
 *
 * @public
 */
export const environmentTypeListSchema = z.object({
  items: z.array(environmentTypeDescriptionSchema),
});

/**
 * The environment types developers may request, by name.
 *
 * @public
 */
export type EnvironmentTypeList = z.output<typeof environmentTypeListSchema>;

/**
 * The zod schema of {@link ExtendEnvironmentRequest}.
 *
 * @public
 */
export const extendEnvironmentRequestSchema = z.object({
  /** The new time to live from now, for example `8h`. */
  ttl: durationSchema,
});

/**
 * A new expiry for an ephemeral environment.
 *
 * @public
 */
export type ExtendEnvironmentRequest = z.infer<
  typeof extendEnvironmentRequestSchema
>;

/**
 * The zod schema of {@link EnvironmentPodList}.
 *
 * @public
 */
export const environmentPodListSchema = z.object({
  items: z.array(environmentPodSchema),
});

/**
 * The pods of an environment, oldest first.
 *
 * @public
 */
export type EnvironmentPodList = z.infer<typeof environmentPodListSchema>;

/**
 * The zod schema of {@link EnvironmentEventList}.
 *
 * @public
 */
export const environmentEventListSchema = z.object({
  items: z.array(environmentEventSchema),
});

/**
 * The Kubernetes events of an environment's namespace, newest first.
 *
 * @public
 */
export type EnvironmentEventList = z.infer<typeof environmentEventListSchema>;

/**
 * The zod schema of {@link EnvironmentLogsQuery}, the query parameters of
 * `GET /environments/{id}/logs` once read.
 *
 * @public
 */
export const environmentLogsQuerySchema = z.object({
  /** A pod of the environment, from {@link EnvironmentObservabilityApi.listPods}. */
  pod: z.string().min(1, 'must not be empty'),
  /** A container of the pod; required when it has several. */
  container: z.string().min(1, 'must not be empty').optional(),
  /** Keep the stream open and send new lines as they are written. */
  follow: z.boolean().optional(),
  /** The log of the container that ran before the last restart. */
  previous: z.boolean().optional(),
  /** Start with this many of the last lines; the backend's default is 500. */
  tailLines: z.number().int().min(0).max(10000).optional(),
  /** Only lines written in the last this many seconds. */
  sinceSeconds: z.number().int().min(1).optional(),
  /** Start each line with the RFC 3339 time it was written, and a space. */
  timestamps: z.boolean().optional(),
});

/**
 * Which log of an environment to read, and how much of it.
 *
 * @public
 */
export type EnvironmentLogsQuery = z.infer<typeof environmentLogsQuerySchema>;

/**
 * Options for a request that may be cancelled, such as a followed log.
 *
 * @public
 */
export type EnvironmentsStreamOptions = EnvironmentsRequestOptions & {
  /** Ends the request; for a followed log, the only way it ends. */
  signal?: AbortSignal;
};

/**
 * The zod schema of {@link DeploymentList}.
 *
 * @public
 */
export const deploymentListSchema = z.object({
  items: z.array(deploymentSchema),
  nextPageToken,
});

/**
 * Deployments, newest first: one page of an environment's history, or the
 * deployments waiting for the caller's approval.
 *
 * @public
 */
export type DeploymentList = z.infer<typeof deploymentListSchema>;

/**
 * The zod schema of {@link EnvironmentSecretList}.
 *
 * @public
 */
export const environmentSecretListSchema = z.object({
  items: z.array(environmentSecretSchema),
});

/**
 * The secrets of an environment, by key: never their values.
 *
 * @public
 */
export type EnvironmentSecretList = z.infer<typeof environmentSecretListSchema>;

/**
 * The environments backend's HTTP API. Writes answer as soon as the change is
 * stored; follow the environment's `status` with {@link EnvironmentsApi.getEnvironment}.
 *
 * Failures are thrown as `ResponseError` from `@backstage/errors`, whose
 * `statusCode` and `body.error` (`name`, `message`, and `issues` for invalid
 * input) say what went wrong.
 *
 * @public
 */
export interface EnvironmentsApi {
  /** Lists the live environments the caller may see, oldest first. */
  listEnvironments(
    filter?: ListEnvironmentsFilter,
    options?: EnvironmentsRequestOptions,
  ): Promise<EnvironmentList>;

  /**
   * Requests an environment for a component; it starts as `requested`.
   * Throws with status 404 when the component is not in the catalog, and 409
   * when the component already has an environment of that name.
   */
  createEnvironment(
    request: EnvironmentRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<Environment>;

  /** Gets one environment, deleted ones included. */
  getEnvironment(
    id: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<Environment>;

  /**
   * Changes overrides, image or resources; the environment is provisioned
   * again. With `version`, only if nobody changed it since (412 otherwise).
   */
  updateEnvironment(
    id: string,
    update: EnvironmentUpdate,
    options?: EnvironmentChangeOptions,
  ): Promise<Environment>;

  /**
   * Starts tearing an environment down (`deleting`, then `deleted`). Deleting
   * one that is already deleting or deleted succeeds and changes nothing.
   */
  deleteEnvironment(
    id: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<Environment>;

  /**
   * Moves the expiry of an ephemeral environment later. With `version`, only
   * if nobody changed it since (412 otherwise).
   */
  extendEnvironment(
    id: string,
    request: ExtendEnvironmentRequest,
    options?: EnvironmentChangeOptions,
  ): Promise<Environment>;

  /**
   * Provisions an environment again as it is: retries one that failed for
   * good, or repairs objects changed by hand.
   */
  reconcileEnvironment(
    id: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<Environment>;

  /**
   * Every change to an environment, with who, what, when and the outcome:
   * every page, or the one that `page` asks for.
   */
  getAuditTrail(
    id: string,
    options?: EnvironmentsRequestOptions & {
      page?: { limit?: number; pageToken?: string };
    },
  ): Promise<AuditTrail>;

  /**
   * Every status the environment has been in, oldest first, with why and
   * when, as the backend recorded it: every page, or the one `page` asks for.
   */
  getStatusHistory(
    id: string,
    options?: EnvironmentsRequestOptions & {
      page?: { limit?: number; pageToken?: string };
    },
  ): Promise<StatusTransitionList>;

  /** The environment types, and whether the caller may request each. */
  listTypes(options?: EnvironmentsRequestOptions): Promise<EnvironmentTypeList>;

  /**
   * Approves an environment waiting for approval (its type requires it);
   * its provisioning starts. Only another member of its approver groups.
   */
  approveEnvironment(
    id: string,
    decision: ApprovalDecisionRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<Environment>;

  /** Rejects an environment waiting for approval: it ends deleted. */
  rejectEnvironment(
    id: string,
    decision: ApprovalDecisionRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<Environment>;

  /** The environments waiting for an approval the caller may give, oldest first. */
  listEnvironmentApprovals(
    options?: EnvironmentsRequestOptions,
  ): Promise<EnvironmentList>;

  /**
   * The configuration a deployment with no changes would roll out now, with
   * the layer each value comes from.
   */
  getConfiguration(
    environmentId: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<ResolvedConfig>;

  /** One page of an environment's deployments, newest first. */
  listDeployments(
    environmentId: string,
    page?: { limit?: number; pageToken?: string },
    options?: EnvironmentsRequestOptions,
  ): Promise<DeploymentList>;

  /**
   * Deploys to an environment: the changes apply to its current overrides.
   * It answers once the deployment is recorded (`rolling-out`, or
   * `pending-approval` when its type needs approval). 409 when the
   * environment is pinned and the source is automatic, or when another
   * deployment landed since the current one was read.
   */
  deploy(
    environmentId: string,
    request: DeployRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<Deployment>;

  /**
   * Rolls an environment back to one of its earlier deployments that
   * succeeded, with a reason; the environment is pinned until someone
   * deploys to it by hand.
   */
  rollback(
    environmentId: string,
    request: RollbackRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<Deployment>;

  /**
   * Promotes into an environment what succeeded in the one before it in the
   * promotion path (or the deployment named in the request).
   */
  promote(
    environmentId: string,
    request: PromoteRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<Deployment>;

  /** One deployment, of any environment the caller may see. */
  getDeployment(
    id: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<Deployment>;

  /** What changed from one deployment to another, of any environments. */
  diffDeployments(
    fromId: string,
    toId: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<DeploymentDiff>;

  /** Approves a pending deployment; it starts rolling out. */
  approveDeployment(
    id: string,
    decision: ApprovalDecisionRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<Deployment>;

  /** Rejects a pending deployment; it never rolls out. */
  rejectDeployment(
    id: string,
    decision: ApprovalDecisionRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<Deployment>;

  /** The pending deployments the caller may decide, oldest first. */
  listPendingApprovals(
    options?: EnvironmentsRequestOptions,
  ): Promise<DeploymentList>;

  /** For one component, what runs in each of its environments. */
  getWhatRunsWhere(
    componentRef: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<WhatRunsWhere>;

  /**
   * Deploys an image built by a pipeline to a component's environment, by
   * the environment's name; for the CI's service token.
   */
  ciDeploy(
    request: CiDeployRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<Deployment>;

  /** The keys of an environment's secrets; never their values. */
  listSecrets(
    environmentId: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<EnvironmentSecretList>;

  /** Sets the value of one of an environment's secrets. */
  setSecret(
    environmentId: string,
    key: string,
    value: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<void>;

  /** Removes one of an environment's secrets; removing a missing one succeeds. */
  deleteSecret(
    environmentId: string,
    key: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<void>;
}

/**
 * What runs in an environment, read through the environments backend with
 * the same permission as the environment itself: its pods, their logs and
 * the events of its namespace. Apart from {@link EnvironmentsApi} because
 * only the portal reads them; the other callers of the API change
 * environments.
 *
 * @public
 */
export interface EnvironmentObservabilityApi {
  /** The pods running in the environment: its workload's and its databases'. */
  listPods(
    id: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<EnvironmentPodList>;

  /** Every Kubernetes event of the environment's namespace, with hints for common failures. */
  listEvents(
    id: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<EnvironmentEventList>;

  /**
   * Opens the log of a container of one of the environment's pods: UTF-8
   * text, one log line per line, as the backend streams it. With `follow`
   * it stays open until `options.signal` aborts it. Throws before anything is
   * read when the backend refuses (unknown pod: 404, unknown container: 400).
   */
  openLogs(
    id: string,
    query: EnvironmentLogsQuery,
    options?: EnvironmentsStreamOptions,
  ): Promise<ReadableStream<Uint8Array>>;
}

/**
 * The zod schema of {@link ListPolicyDecisionsQuery}.
 *
 * @public
 */
export const listPolicyDecisionsQuerySchema = z.object({
  /** At most this many, newest first; the backend's default is 50. */
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  /** Only the decisions on this environment. */
  environmentId: z.string().min(1, 'must not be empty').optional(),
});

/**
 * Which of the policies' newest decisions to list.
 *
 * @public
 */
export type ListPolicyDecisionsQuery = z.infer<
  typeof listPolicyDecisionsQuerySchema
>;

/**
 * The platform's policies, as the environments backend applies them: a dry
 * run of what a change would be told, the active rules and the newest
 * decisions. Apart from {@link EnvironmentsApi} because only the portal and
 * the CLI ask; the changes themselves answer with their own decision
 * (`policy` on the environment or deployment, or a 403 `PolicyDeniedError`
 * that {@link policyDenialOf} reads).
 *
 * @public
 */
export interface EnvironmentPolicyApi {
  /**
   * What the policies would decide on an action sent with `request.request`
   * as its body: after the action's own validation (400 naming the fields)
   * and permission checks (403, 404). Nothing is stored.
   */
  evaluatePolicy(
    request: PolicyEvaluationRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<PolicyEvaluation>;

  /** The rules of the bundle that decides now, with its revision. */
  listPolicyRules(
    options?: EnvironmentsRequestOptions,
  ): Promise<PolicyRuleList>;

  /**
   * The newest decisions, newest first: every one for the platform's admins,
   * one environment's for whoever may read it, else the caller's own.
   */
  listPolicyDecisions(
    query?: ListPolicyDecisionsQuery,
    options?: EnvironmentsRequestOptions,
  ): Promise<PolicyDecisionList>;
}
