import { ResponseError } from '@backstage/errors';
import { EnvironmentsPortalApi } from '../api';

const unexpected = (method: string) => async () => {
  throw new Error(`The test did not expect a call to ${method}`);
};

/**
 * The environments API with the methods a test gives it, usually `jest.fn`s;
 * any other method fails, naming itself, when a component calls it.
 */
export function mockEnvironmentsApi(
  methods: Partial<EnvironmentsPortalApi> = {},
): EnvironmentsPortalApi {
  return {
    listEnvironments: unexpected('listEnvironments'),
    createEnvironment: unexpected('createEnvironment'),
    getEnvironment: unexpected('getEnvironment'),
    updateEnvironment: unexpected('updateEnvironment'),
    deleteEnvironment: unexpected('deleteEnvironment'),
    extendEnvironment: unexpected('extendEnvironment'),
    reconcileEnvironment: unexpected('reconcileEnvironment'),
    getAuditTrail: unexpected('getAuditTrail'),
    getStatusHistory: unexpected('getStatusHistory'),
    listTypes: unexpected('listTypes'),
    listPods: unexpected('listPods'),
    listEvents: unexpected('listEvents'),
    openLogs: unexpected('openLogs'),
    approveEnvironment: unexpected('approveEnvironment'),
    rejectEnvironment: unexpected('rejectEnvironment'),
    listEnvironmentApprovals: unexpected('listEnvironmentApprovals'),
    getConfiguration: unexpected('getConfiguration'),
    listDeployments: unexpected('listDeployments'),
    deploy: unexpected('deploy'),
    rollback: unexpected('rollback'),
    promote: unexpected('promote'),
    getDeployment: unexpected('getDeployment'),
    diffDeployments: unexpected('diffDeployments'),
    approveDeployment: unexpected('approveDeployment'),
    rejectDeployment: unexpected('rejectDeployment'),
    listPendingApprovals: unexpected('listPendingApprovals'),
    getWhatRunsWhere: unexpected('getWhatRunsWhere'),
    ciDeploy: unexpected('ciDeploy'),
    listSecrets: unexpected('listSecrets'),
    setSecret: unexpected('setSecret'),
    deleteSecret: unexpected('deleteSecret'),
    evaluatePolicy: unexpected('evaluatePolicy'),
    listPolicyRules: unexpected('listPolicyRules'),
    listPolicyDecisions: unexpected('listPolicyDecisions'),
    ...methods,
  };
}

/** What `EnvironmentsClient` throws when the backend answers `status`. */
export function responseError(
  status: number,
  error: { name: string; message: string; [detail: string]: unknown },
): Promise<ResponseError> {
  const body = {
    error,
    request: { method: 'GET', url: '/api/environments/environments' },
    response: { statusCode: status },
  };
  return ResponseError.fromResponse({
    status,
    statusText: '',
    ok: false,
    redirected: false,
    type: 'basic',
    url: 'http://localhost:7007/api/environments/environments',
    headers: new Headers({ 'Content-Type': 'application/json' }),
    text: async () => JSON.stringify(body),
  });
}
