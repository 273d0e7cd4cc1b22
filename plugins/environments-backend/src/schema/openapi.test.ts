import {
  approvalDecisionRequestSchema,
  auditEventSchema,
  auditTrailSchema,
  ciDeployRequestSchema,
  policyDecisionListSchema,
  policyDecisionRecordSchema,
  policyEvaluationRequestSchema,
  policyEvaluationSchema,
  policyInputSchema,
  policyMessageSchema,
  policyResultSchema,
  policyRuleListSchema,
  policyRuleSchema,
  configChangeSchema,
  configLayersSchema,
  configLayerValuesSchema,
  containerResourcesSchema,
  deploymentApprovalSchema,
  deploymentCommitSchema,
  deploymentConfigSchema,
  deploymentDiffSchema,
  deploymentListSchema,
  deploymentSchema,
  deployRequestSchema,
  environmentDeploymentsSchema,
  environmentPinSchema,
  environmentSecretListSchema,
  environmentSecretSchema,
  promoteRequestSchema,
  resolvedConfigSchema,
  rollbackRequestSchema,
  secretValueRequestSchema,
  whatRunsWhereSchema,
  environmentEventListSchema,
  environmentEventSchema,
  environmentListSchema,
  environmentLogsQuerySchema,
  environmentPodContainerSchema,
  environmentPodListSchema,
  environmentPodSchema,
  environmentRequestSchema,
  environmentResourceSchema,
  environmentSchema,
  environmentSpecSchema,
  environmentTypeDescriptionSchema,
  environmentTypeListSchema,
  environmentUpdateSchema,
  extendEnvironmentRequestSchema,
  listEnvironmentsFilterSchema,
  postgresqlResourceSchema,
  redisResourceSchema,
  resourceConditionSchema,
  statusTransitionListSchema,
  statusTransitionSchema,
} from '@internal/backstage-plugin-environments-common';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { spec } from './openapi/generated/router';
import { JsonSchema, Shape, shapeOfJsonSchema, shapeOfZod } from './shapes';

// openapi.yaml is written by hand, for its descriptions; this test keeps it
// the contract's twin. Each component schema, each response and request body,
// and the query of GET /environments must have the same properties, required
// fields, types and enums as the zod schema in environments-common that the
// client, the catalog module and the portal parse with. Formats, patterns and
// cross-field rules are zod's alone: the router hands bodies to zod, which
// names the field and the rule.

function component(name: string): JsonSchema {
  return (spec.components.schemas as Record<string, JsonSchema>)[name];
}

function specShape(schema: JsonSchema): Shape {
  return shapeOfJsonSchema(schema, ref => {
    const name = ref.replace('#/components/schemas/', '');
    const target = component(name);
    if (!target) throw new Error(`openapi.yaml has no schema ${ref}`);
    return target;
  });
}

type Operation = {
  parameters?: ReadonlyArray<{
    name?: string;
    in?: string;
    required?: boolean;
    schema?: JsonSchema;
  }>;
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<
    string,
    { content?: Record<string, { schema: JsonSchema }> }
  >;
};

function operation(path: string, method: string): Operation {
  const item = (spec.paths as Record<string, Record<string, Operation>>)[path];
  const found = item?.[method];
  if (!found) throw new Error(`openapi.yaml has no ${method} ${path}`);
  return found;
}

function responseSchema(path: string, method: string): JsonSchema {
  const { responses } = operation(path, method);
  const success = Object.keys(responses).find(status => /^2/.test(status));
  return responses[success!].content!['application/json'].schema;
}

function requestBodySchema(path: string, method: string): JsonSchema {
  return operation(path, method).requestBody!.content['application/json']
    .schema;
}

/** The query parameters of an operation, as the object they describe. */
function querySchema(path: string, method: string): JsonSchema {
  const query = (operation(path, method).parameters ?? []).filter(
    parameter => parameter.in === 'query',
  );
  return {
    type: 'object',
    properties: Object.fromEntries(
      query.map(parameter => [parameter.name, parameter.schema]),
    ),
    required: query.filter(p => p.required).map(p => p.name),
  };
}

/**
 * The request to create an environment says nothing of required fields in
 * openapi.yaml: zod reports a missing `componentRef` or `type` along with
 * every other problem, each in `error.issues`, where the router's validator
 * would stop at the first. The zod schema, as the spec describes it.
 */
function leavesRequiredToZod(schema: z.ZodObject): z.ZodType {
  return schema.partial();
}

describe('openapi.yaml', () => {
  it('is what the generated router was generated from', async () => {
    const script = resolve(__dirname, '../../scripts/generate-openapi.mjs');

    await expect(
      promisify(execFile)(process.execPath, [script, '--check']),
    ).resolves.toMatchObject({ stderr: '' });
  });

  describe('component schemas match the contract', () => {
    // What the backend sends: fields with defaults are always there.
    it.each<[string, z.ZodType]>([
      ['Environment', environmentSchema],
      ['EnvironmentSpec', environmentSpecSchema],
      ['ResourceCondition', resourceConditionSchema],
      ['AuditEvent', auditEventSchema],
      ['StatusTransition', statusTransitionSchema],
      ['EnvironmentList', environmentListSchema],
      ['EnvironmentTypeDescription', environmentTypeDescriptionSchema],
      ['Pod', environmentPodSchema],
      ['PodContainer', environmentPodContainerSchema],
      ['KubernetesEvent', environmentEventSchema],
      ['DeploymentConfig', deploymentConfigSchema],
      ['ConfigLayers', configLayersSchema],
      ['ResolvedConfig', resolvedConfigSchema],
      ['DeploymentApproval', deploymentApprovalSchema],
      ['Deployment', deploymentSchema],
      ['DeploymentList', deploymentListSchema],
      ['ConfigChange', configChangeSchema],
      ['DeploymentDiff', deploymentDiffSchema],
      ['EnvironmentPin', environmentPinSchema],
      ['EnvironmentDeployments', environmentDeploymentsSchema],
      ['WhatRunsWhere', whatRunsWhereSchema],
      ['EnvironmentSecret', environmentSecretSchema],
      ['PolicyMessage', policyMessageSchema],
      ['PolicyResult', policyResultSchema],
      ['PolicyInput', policyInputSchema],
      ['PolicyEvaluation', policyEvaluationSchema],
      ['PolicyRule', policyRuleSchema],
      ['PolicyRuleList', policyRuleListSchema],
      ['PolicyDecisionRecord', policyDecisionRecordSchema],
      ['PolicyDecisionList', policyDecisionListSchema],
    ])('%s, as the backend answers it', (name, schema) => {
      expect(specShape(component(name))).toEqual(shapeOfZod(schema, 'output'));
    });

    // What clients send: fields with defaults may be left out.
    it.each<[string, z.ZodType]>([
      ['EnvironmentRequest', leavesRequiredToZod(environmentRequestSchema)],
      ['EnvironmentUpdate', environmentUpdateSchema],
      ['ExtendRequest', extendEnvironmentRequestSchema],
      ['Resource', environmentResourceSchema],
      ['PostgresqlResource', postgresqlResourceSchema],
      ['RedisResource', redisResourceSchema],
      ['ConfigLayerValues', configLayerValuesSchema],
      ['ContainerResources', containerResourcesSchema],
      ['DeploymentCommit', deploymentCommitSchema],
      ['DeployRequest', deployRequestSchema],
      ['RollbackRequest', leavesRequiredToZod(rollbackRequestSchema)],
      ['PromoteRequest', promoteRequestSchema],
      [
        'ApprovalDecisionRequest',
        leavesRequiredToZod(approvalDecisionRequestSchema),
      ],
      ['CiDeployRequest', leavesRequiredToZod(ciDeployRequestSchema)],
      ['SecretValueRequest', leavesRequiredToZod(secretValueRequestSchema)],
      ['PolicyEvaluationRequest', policyEvaluationRequestSchema],
    ])('%s, as a client sends it', (name, schema) => {
      expect(specShape(component(name))).toEqual(shapeOfZod(schema, 'input'));
    });
  });

  it.each<[string, string, z.ZodType]>([
    ['/types', 'get', environmentTypeListSchema],
    ['/environments', 'get', environmentListSchema],
    ['/environments', 'post', environmentSchema],
    ['/environments/{id}', 'get', environmentSchema],
    ['/environments/{id}', 'patch', environmentSchema],
    ['/environments/{id}', 'delete', environmentSchema],
    ['/environments/{id}/extend', 'post', environmentSchema],
    ['/environments/{id}/reconcile', 'post', environmentSchema],
    ['/environments/{id}/audit', 'get', auditTrailSchema],
    ['/environments/{id}/status-history', 'get', statusTransitionListSchema],
    ['/environments/{id}/pods', 'get', environmentPodListSchema],
    ['/environments/{id}/events', 'get', environmentEventListSchema],
    ['/environments/{id}/configuration', 'get', resolvedConfigSchema],
    ['/environments/{id}/deployments', 'get', deploymentListSchema],
    ['/environments/{id}/deployments', 'post', deploymentSchema],
    ['/environments/{id}/rollback', 'post', deploymentSchema],
    ['/environments/{id}/promote', 'post', deploymentSchema],
    ['/environments/{id}/secrets', 'get', environmentSecretListSchema],
    ['/deployments/{id}', 'get', deploymentSchema],
    ['/deployments/{id}/diff', 'get', deploymentDiffSchema],
    ['/deployments/{id}/approve', 'post', deploymentSchema],
    ['/deployments/{id}/reject', 'post', deploymentSchema],
    ['/approvals', 'get', deploymentListSchema],
    ['/environments/{id}/approve', 'post', environmentSchema],
    ['/environments/{id}/reject', 'post', environmentSchema],
    ['/environment-approvals', 'get', environmentListSchema],
    ['/what-runs-where', 'get', whatRunsWhereSchema],
    ['/ci/deployments', 'post', deploymentSchema],
    ['/policy/evaluate', 'post', policyEvaluationSchema],
    ['/policy/rules', 'get', policyRuleListSchema],
    ['/policy/decisions', 'get', policyDecisionListSchema],
  ])('answers %s %s as the contract says', (path, method, schema) => {
    expect(specShape(responseSchema(path, method))).toEqual(
      shapeOfZod(schema, 'output'),
    );
  });

  it.each<[string, string, z.ZodType]>([
    ['/environments', 'post', leavesRequiredToZod(environmentRequestSchema)],
    ['/environments/{id}', 'patch', environmentUpdateSchema],
    ['/environments/{id}/extend', 'post', extendEnvironmentRequestSchema],
    ['/environments/{id}/deployments', 'post', deployRequestSchema],
    [
      '/environments/{id}/rollback',
      'post',
      leavesRequiredToZod(rollbackRequestSchema),
    ],
    ['/environments/{id}/promote', 'post', promoteRequestSchema],
    [
      '/environments/{id}/secrets/{key}',
      'put',
      leavesRequiredToZod(secretValueRequestSchema),
    ],
    [
      '/deployments/{id}/approve',
      'post',
      leavesRequiredToZod(approvalDecisionRequestSchema),
    ],
    [
      '/deployments/{id}/reject',
      'post',
      leavesRequiredToZod(approvalDecisionRequestSchema),
    ],
    [
      '/environments/{id}/approve',
      'post',
      leavesRequiredToZod(approvalDecisionRequestSchema),
    ],
    [
      '/environments/{id}/reject',
      'post',
      leavesRequiredToZod(approvalDecisionRequestSchema),
    ],
    ['/ci/deployments', 'post', leavesRequiredToZod(ciDeployRequestSchema)],
    ['/policy/evaluate', 'post', policyEvaluationRequestSchema],
  ])('takes the body of %s %s as the contract says', (path, method, schema) => {
    expect(specShape(requestBodySchema(path, method))).toEqual(
      shapeOfZod(schema, 'input'),
    );
  });

  it.each<[string, z.ZodType]>([
    ['/environments', listEnvironmentsFilterSchema],
    ['/environments/{id}/logs', environmentLogsQuerySchema],
  ])('reads the query of GET %s as the contract says', (path, schema) => {
    expect(specShape(querySchema(path, 'get'))).toEqual(
      shapeOfZod(schema, 'input'),
    );
  });
});
