export { PolicyMessages } from './PolicyMessages';
export type { PolicyMessagesProps } from './PolicyMessages';
export { PolicyBlockedNote, PolicyFeedback } from './PolicyFeedback';
export type { PolicyDryRun } from './PolicyFeedback';
export { POLICY_DRY_RUN_DELAY_MS, usePolicyDryRun } from './usePolicyDryRun';
