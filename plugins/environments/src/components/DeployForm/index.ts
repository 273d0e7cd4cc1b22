export { DeployAction } from './DeployAction';
export { DeployForm } from './DeployForm';
export type { DeployFormProps } from './DeployForm';
export { DeploymentProgress } from './DeploymentProgress';
export { DeployPage } from './DeployPage';
