export { MyApprovalsContent } from './MyApprovalsContent';
export { MyEnvironmentsContent } from './MyEnvironmentsContent';
export { RecentDeploymentsContent } from './RecentDeploymentsContent';
