import { ResponseError } from '@backstage/errors';
import { z } from 'zod';
import {
  ApprovalDecisionRequest,
  CiDeployRequest,
  Deployment,
  DeploymentDiff,
  deploymentDiffSchema,
  deploymentSchema,
  DeployRequest,
  PromoteRequest,
  ResolvedConfig,
  resolvedConfigSchema,
  RollbackRequest,
  WhatRunsWhere,
  whatRunsWhereSchema,
} from '../deployments';
import {
  PolicyDecisionList,
  policyDecisionListSchema,
  PolicyEvaluation,
  PolicyEvaluationRequest,
  policyEvaluationSchema,
  PolicyRuleList,
  policyRuleListSchema,
} from '../policy';
import { EnvironmentRequest, EnvironmentUpdate } from '../request';
import { Environment, environmentSchema } from '../types';
import { formatValidationIssues, parseWithIssues } from '../validation';
import {
  AuditTrail,
  auditTrailSchema,
  DeploymentList,
  deploymentListSchema,
  EnvironmentSecretList,
  environmentSecretListSchema,
  environmentEventListSchema,
  environmentListSchema,
  environmentPodListSchema,
  environmentTypeListSchema,
  statusTransitionListSchema,
  EnvironmentEventList,
  EnvironmentList,
  EnvironmentLogsQuery,
  EnvironmentObservabilityApi,
  EnvironmentPodList,
  EnvironmentPolicyApi,
  EnvironmentsApi,
  EnvironmentChangeOptions,
  EnvironmentsRequestOptions,
  EnvironmentsStreamOptions,
  EnvironmentTypeList,
  ExtendEnvironmentRequest,
  ListEnvironmentsFilter,
  ListPolicyDecisionsQuery,
  StatusTransitionList,
} from './types';

/**
 * Finds the base URL of a backend plugin; `discoveryApiRef` in the frontend,
 * `coreServices.discovery` in the backend.
 *
 * @public
 */
export type EnvironmentsDiscovery = {
  getBaseUrl(pluginId: string): Promise<string>;
};

/**
 * Sends requests; `fetchApiRef` in the frontend, which adds the user's token.
 *
 * @public
 */
export type EnvironmentsFetch = {
  fetch: typeof fetch;
};

type Query = Record<string, string | undefined>;

type SentRequest = {
  method: string;
  path: string;
  query?: Query;
  body?: unknown;
  /** The version the change is conditional on, sent as `If-Match`. */
  ifMatch?: number;
};

/**
 * A client for the environments backend's HTTP API, for the frontend and for
 * other backend plugins and modules.
 *
 * @public
 */
export class EnvironmentsClient
  implements EnvironmentsApi, EnvironmentObservabilityApi, EnvironmentPolicyApi
{
  readonly #discoveryApi: EnvironmentsDiscovery;
  readonly #fetchApi: EnvironmentsFetch;

  constructor(options: {
    discoveryApi: EnvironmentsDiscovery;
    /** Defaults to the global `fetch`, which sends no credentials of its own. */
    fetchApi?: EnvironmentsFetch;
  }) {
    this.#discoveryApi = options.discoveryApi;
    this.#fetchApi = options.fetchApi ?? { fetch: (...args) => fetch(...args) };
  }

  async listEnvironments(
    filter: ListEnvironmentsFilter = {},
    options?: EnvironmentsRequestOptions,
  ): Promise<EnvironmentList> {
    const page = (query: ListEnvironmentsFilter) =>
      this.#request(
        environmentListSchema,
        {
          method: 'GET',
          path: '/environments',
          query: { ...query, limit: query.limit?.toString() },
        },
        options,
      );
    if (filter.limit !== undefined || filter.pageToken !== undefined) {
      return page(filter);
    }
    return {
      items: await this.#everyPage(pageToken => page({ ...filter, pageToken })),
    };
  }

  async createEnvironment(
    request: EnvironmentRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<Environment> {
    return this.#request(
      environmentSchema,
      { method: 'POST', path: '/environments', body: request },
      options,
    );
  }

  async getEnvironment(
    id: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<Environment> {
    return this.#request(
      environmentSchema,
      { method: 'GET', path: `/environments/${encodeURIComponent(id)}` },
      options,
    );
  }

  async updateEnvironment(
    id: string,
    update: EnvironmentUpdate,
    options?: EnvironmentChangeOptions,
  ): Promise<Environment> {
    return this.#request(
      environmentSchema,
      {
        method: 'PATCH',
        path: `/environments/${encodeURIComponent(id)}`,
        body: update,
        ifMatch: options?.version,
      },
      options,
    );
  }

  async deleteEnvironment(
    id: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<Environment> {
    return this.#request(
      environmentSchema,
      { method: 'DELETE', path: `/environments/${encodeURIComponent(id)}` },
      options,
    );
  }

  async extendEnvironment(
    id: string,
    request: ExtendEnvironmentRequest,
    options?: EnvironmentChangeOptions,
  ): Promise<Environment> {
    return this.#request(
      environmentSchema,
      {
        method: 'POST',
        path: `/environments/${encodeURIComponent(id)}/extend`,
        body: request,
        ifMatch: options?.version,
      },
      options,
    );
  }

  async reconcileEnvironment(
    id: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<Environment> {
    return this.#request(
      environmentSchema,
      {
        method: 'POST',
        path: `/environments/${encodeURIComponent(id)}/reconcile`,
      },
      options,
    );
  }

  async getAuditTrail(
    id: string,
    options?: EnvironmentsRequestOptions & {
      page?: { limit?: number; pageToken?: string };
    },
  ): Promise<AuditTrail> {
    return this.#recordsOf(
      auditTrailSchema,
      `/environments/${encodeURIComponent(id)}/audit`,
      options,
    );
  }

  async getStatusHistory(
    id: string,
    options?: EnvironmentsRequestOptions & {
      page?: { limit?: number; pageToken?: string };
    },
  ): Promise<StatusTransitionList> {
    return this.#recordsOf(
      statusTransitionListSchema,
      `/environments/${encodeURIComponent(id)}/status-history`,
      options,
    );
  }

  /** One page of an environment's records when asked for one, else every page. */
  async #recordsOf<T>(
    schema: z.ZodType<{ items: T[]; nextPageToken?: string }>,
    path: string,
    options?: EnvironmentsRequestOptions & {
      page?: { limit?: number; pageToken?: string };
    },
  ): Promise<{ items: T[]; nextPageToken?: string }> {
    const page = (query: { limit?: number; pageToken?: string }) =>
      this.#request(
        schema,
        {
          method: 'GET',
          path,
          query: { limit: query.limit?.toString(), pageToken: query.pageToken },
        },
        options,
      );
    if (options?.page) {
      return page(options.page);
    }
    return {
      items: await this.#everyPage(pageToken => page({ pageToken })),
    };
  }

  async listTypes(
    options?: EnvironmentsRequestOptions,
  ): Promise<EnvironmentTypeList> {
    return this.#request(
      environmentTypeListSchema,
      { method: 'GET', path: '/types' },
      options,
    );
  }

  async approveEnvironment(
    id: string,
    decision: ApprovalDecisionRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<Environment> {
    return this.#request(
      environmentSchema,
      {
        method: 'POST',
        path: `/environments/${encodeURIComponent(id)}/approve`,
        body: decision,
      },
      options,
    );
  }

  async rejectEnvironment(
    id: string,
    decision: ApprovalDecisionRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<Environment> {
    return this.#request(
      environmentSchema,
      {
        method: 'POST',
        path: `/environments/${encodeURIComponent(id)}/reject`,
        body: decision,
      },
      options,
    );
  }

  async listEnvironmentApprovals(
    options?: EnvironmentsRequestOptions,
  ): Promise<EnvironmentList> {
    return this.#request(
      environmentListSchema,
      { method: 'GET', path: '/environment-approvals' },
      options,
    );
  }

  async getConfiguration(
    environmentId: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<ResolvedConfig> {
    return this.#request(
      resolvedConfigSchema,
      {
        method: 'GET',
        path: `/environments/${encodeURIComponent(
          environmentId,
        )}/configuration`,
      },
      options,
    );
  }

  async listDeployments(
    environmentId: string,
    page: { limit?: number; pageToken?: string } = {},
    options?: EnvironmentsRequestOptions,
  ): Promise<DeploymentList> {
    return this.#request(
      deploymentListSchema,
      {
        method: 'GET',
        path: `/environments/${encodeURIComponent(environmentId)}/deployments`,
        query: { limit: page.limit?.toString(), pageToken: page.pageToken },
      },
      options,
    );
  }

  async deploy(
    environmentId: string,
    request: DeployRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<Deployment> {
    return this.#request(
      deploymentSchema,
      {
        method: 'POST',
        path: `/environments/${encodeURIComponent(environmentId)}/deployments`,
        body: request,
      },
      options,
    );
  }

  async rollback(
    environmentId: string,
    request: RollbackRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<Deployment> {
    return this.#request(
      deploymentSchema,
      {
        method: 'POST',
        path: `/environments/${encodeURIComponent(environmentId)}/rollback`,
        body: request,
      },
      options,
    );
  }

  async promote(
    environmentId: string,
    request: PromoteRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<Deployment> {
    return this.#request(
      deploymentSchema,
      {
        method: 'POST',
        path: `/environments/${encodeURIComponent(environmentId)}/promote`,
        body: request,
      },
      options,
    );
  }

  async getDeployment(
    id: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<Deployment> {
    return this.#request(
      deploymentSchema,
      { method: 'GET', path: `/deployments/${encodeURIComponent(id)}` },
      options,
    );
  }

  async diffDeployments(
    fromId: string,
    toId: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<DeploymentDiff> {
    return this.#request(
      deploymentDiffSchema,
      {
        method: 'GET',
        path: `/deployments/${encodeURIComponent(fromId)}/diff`,
        query: { to: toId },
      },
      options,
    );
  }

  async approveDeployment(
    id: string,
    decision: ApprovalDecisionRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<Deployment> {
    return this.#decide(id, 'approve', decision, options);
  }

  async rejectDeployment(
    id: string,
    decision: ApprovalDecisionRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<Deployment> {
    return this.#decide(id, 'reject', decision, options);
  }

  async #decide(
    id: string,
    outcome: 'approve' | 'reject',
    decision: ApprovalDecisionRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<Deployment> {
    return this.#request(
      deploymentSchema,
      {
        method: 'POST',
        path: `/deployments/${encodeURIComponent(id)}/${outcome}`,
        body: decision,
      },
      options,
    );
  }

  async listPendingApprovals(
    options?: EnvironmentsRequestOptions,
  ): Promise<DeploymentList> {
    return this.#request(
      deploymentListSchema,
      { method: 'GET', path: '/approvals' },
      options,
    );
  }

  async getWhatRunsWhere(
    componentRef: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<WhatRunsWhere> {
    return this.#request(
      whatRunsWhereSchema,
      { method: 'GET', path: '/what-runs-where', query: { componentRef } },
      options,
    );
  }

  async ciDeploy(
    request: CiDeployRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<Deployment> {
    return this.#request(
      deploymentSchema,
      { method: 'POST', path: '/ci/deployments', body: request },
      options,
    );
  }

  async listSecrets(
    environmentId: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<EnvironmentSecretList> {
    return this.#request(
      environmentSecretListSchema,
      {
        method: 'GET',
        path: `/environments/${encodeURIComponent(environmentId)}/secrets`,
      },
      options,
    );
  }

  async setSecret(
    environmentId: string,
    key: string,
    value: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<void> {
    await this.#send(
      {
        method: 'PUT',
        path: `/environments/${encodeURIComponent(
          environmentId,
        )}/secrets/${encodeURIComponent(key)}`,
        body: { value },
      },
      options,
    );
  }

  async deleteSecret(
    environmentId: string,
    key: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<void> {
    await this.#send(
      {
        method: 'DELETE',
        path: `/environments/${encodeURIComponent(
          environmentId,
        )}/secrets/${encodeURIComponent(key)}`,
      },
      options,
    );
  }

  async listPods(
    id: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<EnvironmentPodList> {
    return this.#request(
      environmentPodListSchema,
      { method: 'GET', path: `/environments/${encodeURIComponent(id)}/pods` },
      options,
    );
  }

  async listEvents(
    id: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<EnvironmentEventList> {
    return this.#request(
      environmentEventListSchema,
      {
        method: 'GET',
        path: `/environments/${encodeURIComponent(id)}/events`,
      },
      options,
    );
  }

  async openLogs(
    id: string,
    query: EnvironmentLogsQuery,
    options?: EnvironmentsStreamOptions,
  ): Promise<ReadableStream<Uint8Array>> {
    const response = await this.#send(
      {
        method: 'GET',
        path: `/environments/${encodeURIComponent(id)}/logs`,
        query: {
          pod: query.pod,
          container: query.container,
          follow: query.follow?.toString(),
          previous: query.previous?.toString(),
          tailLines: query.tailLines?.toString(),
          sinceSeconds: query.sinceSeconds?.toString(),
          timestamps: query.timestamps?.toString(),
        },
      },
      options,
    );
    if (!response.body) {
      throw new Error(
        `The environments backend sent no log for pod ${query.pod}`,
      );
    }
    return response.body;
  }

  async evaluatePolicy(
    request: PolicyEvaluationRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<PolicyEvaluation> {
    return this.#request(
      policyEvaluationSchema,
      { method: 'POST', path: '/policy/evaluate', body: request },
      options,
    );
  }

  async listPolicyRules(
    options?: EnvironmentsRequestOptions,
  ): Promise<PolicyRuleList> {
    return this.#request(
      policyRuleListSchema,
      { method: 'GET', path: '/policy/rules' },
      options,
    );
  }

  async listPolicyDecisions(
    query: ListPolicyDecisionsQuery = {},
    options?: EnvironmentsRequestOptions,
  ): Promise<PolicyDecisionList> {
    return this.#request(
      policyDecisionListSchema,
      {
        method: 'GET',
        path: '/policy/decisions',
        query: {
          limit: query.limit?.toString(),
          environmentId: query.environmentId,
        },
      },
      options,
    );
  }

  /** The items of every page of a list, following `nextPageToken`. */
  async #everyPage<T>(
    page: (
      pageToken: string | undefined,
    ) => Promise<{ items: T[]; nextPageToken?: string }>,
  ): Promise<T[]> {
    const items: T[] = [];
    let pageToken: string | undefined;
    do {
      const next = await page(pageToken);
      items.push(...next.items);
      pageToken = next.nextPageToken;
    } while (pageToken);
    return items;
  }

  async #request<T extends z.ZodType>(
    schema: T,
    request: SentRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<z.output<T>> {
    const response = await this.#send(request, options);
    // A backend that answers outside the contract fails here, naming the
    // fields, rather than somewhere in the caller that trusted the types.
    const result = parseWithIssues(schema, await response.json());
    if (!result.success) {
      throw new Error(
        `The environments backend answered ${request.method} ${
          request.path
        } with a body that does not match its API:\n${formatValidationIssues(
          result.issues,
        )}`,
      );
    }
    return result.data;
  }

  /**
   * Sends one request to the environments backend and returns its successful
   * response. Callers encode the segments of `path` (`encodeURIComponent(id)`);
   * query parameters that are undefined are left out.
   */
  async #send(
    request: SentRequest,
    options?: EnvironmentsStreamOptions,
  ): Promise<Response> {
    const baseUrl = await this.#discoveryApi.getBaseUrl('environments');
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) {
        search.append(name, value);
      }
    }
    const query = search.toString();

    const headers: Record<string, string> = {};
    if (options?.token) {
      headers.Authorization = `Bearer ${options.token}`;
    }
    if (request.body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    if (request.ifMatch !== undefined) {
      headers['If-Match'] = `"${request.ifMatch}"`;
    }

    const response = await this.#fetchApi.fetch(
      `${baseUrl}${request.path}${query ? `?${query}` : ''}`,
      {
        method: request.method,
        headers,
        ...(request.body !== undefined && {
          body: JSON.stringify(request.body),
        }),
        ...(options?.signal && { signal: options.signal }),
      },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }
}
