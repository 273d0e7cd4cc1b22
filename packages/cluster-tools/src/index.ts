export { applyAll, FIELD_MANAGER } from './apply';
export { kubernetesAppConfig } from './backstageConfig';
export { loadKubeConfig } from './kubeconfig';
export type { ClusterTarget } from './kubeconfig';
export { ensureReadOnlyAccess, readOnlyAccessObjects } from './readOnlyAccess';
export type { ClusterAccess } from './readOnlyAccess';
export { readDeployableComponents, seedWorkloadObjects } from './seedWorkloads';
