import { orchestratorBinding, subjectFor } from './namespaceAccess';

describe('orchestratorBinding', () => {
  it("binds the orchestrator's ServiceAccount its namespace role, labelled as the environment", () => {
    expect(
      orchestratorBinding(
        'orders-dev',
        'system:serviceaccount:idp-system:environments-orchestrator',
        {
          'environments.idp.dev/id': 'env-1',
          'environments.idp.dev/component': 'orders-service',
          'environments.idp.dev/type': 'development',
          'platform.example.com/tier': 'development',
        },
      ),
    ).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: {
        name: 'idp-environments-orchestrator',
        namespace: 'orders-dev',
        labels: {
          'app.kubernetes.io/managed-by': 'idp-environments',
          'environments.idp.dev/id': 'env-1',
          'environments.idp.dev/component': 'orders-service',
          'environments.idp.dev/type': 'development',
        },
      },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'idp-environments-orchestrator-namespace',
      },
      subjects: [
        {
          kind: 'ServiceAccount',
          namespace: 'idp-system',
          name: 'environments-orchestrator',
        },
      ],
    });
  });

  it('names a user that is not a ServiceAccount as a User', () => {
    expect(subjectFor('kubernetes-admin')).toEqual({
      kind: 'User',
      apiGroup: 'rbac.authorization.k8s.io',
      name: 'kubernetes-admin',
    });
  });
});
