export { DeploymentDiffView } from './DeploymentDiffView';
export { DeploymentDiffPanel } from './DeploymentDiffPanel';
