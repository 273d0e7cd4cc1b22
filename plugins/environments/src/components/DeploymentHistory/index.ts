export { DeploymentHistory } from './DeploymentHistory';
export { DEPLOYMENT_HISTORY_TAB, deploymentHistoryHref } from './historyTab';
