import {
  KubernetesObject,
  V1RoleBinding,
  RbacV1Subject,
} from '@kubernetes/client-node';
import { ORCHESTRATOR_NAMESPACE_ROLE } from '@internal/backstage-plugin-environments-common';
import {
  COMPONENT_LABEL,
  ENVIRONMENT_ID_LABEL,
  ENVIRONMENT_TYPE_LABEL,
  MANAGED_BY,
  MANAGED_BY_LABEL,
} from './labels';

/**
 * The ClusterRole that holds what the orchestrator may do inside an
 * environment namespace. `cluster-tools connect` creates it; the orchestrator
 * binds it to itself in each namespace it creates, so that it never needs
 * these rights, secrets among them, cluster-wide.
 */
export { ORCHESTRATOR_NAMESPACE_ROLE };
export const ORCHESTRATOR_BINDING_NAME = 'idp-environments-orchestrator';

const SERVICE_ACCOUNT_USERNAME = /^system:serviceaccount:([^:]+):([^:]+)$/;

/** The RBAC subject that names the user the API server authenticated. */
export function subjectFor(username: string): RbacV1Subject {
  const serviceAccount = SERVICE_ACCOUNT_USERNAME.exec(username);
  return serviceAccount
    ? {
        kind: 'ServiceAccount',
        namespace: serviceAccount[1],
        name: serviceAccount[2],
      }
    : { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: username };
}

/** Whether the namespace's labels say that the environments plugin manages it. */
export function isEnvironmentNamespace(
  namespace: KubernetesObject | undefined,
): boolean {
  return namespace?.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY;
}

/**
 * The RoleBinding that gives the orchestrator (`username`) its namespace role
 * in `namespace`, labelled as the environment's other objects (taken from
 * `environmentLabels`) so that it is found and removed with them.
 */
export function orchestratorBinding(
  namespace: string,
  username: string,
  environmentLabels: Record<string, string> = {},
): KubernetesObject {
  const labels: Record<string, string> = { [MANAGED_BY_LABEL]: MANAGED_BY };
  for (const key of [
    ENVIRONMENT_ID_LABEL,
    COMPONENT_LABEL,
    ENVIRONMENT_TYPE_LABEL,
  ]) {
    if (environmentLabels[key]) {
      labels[key] = environmentLabels[key];
    }
  }
  const binding: V1RoleBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: ORCHESTRATOR_BINDING_NAME, namespace, labels },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: ORCHESTRATOR_NAMESPACE_ROLE,
    },
    subjects: [subjectFor(username)],
  };
  return binding as KubernetesObject;
}
