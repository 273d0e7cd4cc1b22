export { applyAll, FIELD_MANAGER } from './apply';
export { clusterAppConfig } from './backstageConfig';
export { loadKubeConfig } from './kubeconfig';
export type { ClusterTarget } from './kubeconfig';
export {
  ensureOrchestratorAccess,
  environmentOwnerRules,
  orchestratorAccessObjects,
  orchestratorClusterRules,
  orchestratorNamespaceRules,
} from './orchestratorAccess';
export { ensureReadOnlyAccess, readOnlyAccessObjects } from './readOnlyAccess';
export {
  ACCESS_NAMESPACE,
  kubeConfigForAccess,
  serviceAccountAccess,
} from './serviceAccountAccess';
export type { ClusterAccess } from './serviceAccountAccess';
export { readDeployableComponents, seedWorkloadObjects } from './seedWorkloads';
