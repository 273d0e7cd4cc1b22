export { ApprovalsPage } from './ApprovalsPage';
export { isWaitingForApproval, WaitingForApproval } from './WaitingForApproval';
