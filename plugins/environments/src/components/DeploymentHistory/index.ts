export { DeploymentHistory } from './DeploymentHistory';
export { DeploymentStateBadge } from './DeploymentStateBadge';
export { DEPLOYMENT_HISTORY_TAB, deploymentHistoryHref } from './historyTab';
