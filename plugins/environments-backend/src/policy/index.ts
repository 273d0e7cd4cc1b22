export { createPolicyEvaluator, createPolicyGate } from './createPolicyGate';
export { OpaServerEvaluator } from './OpaServerEvaluator';
export { PolicyDeniedError } from './PolicyDeniedError';
export type {
  ActivePolicyRules,
  PolicyDecision,
  PolicyEvaluator,
} from './PolicyEvaluator';
export { EVALUATION_FAILED_RULE, PolicyGate } from './PolicyGate';
export type { PolicyCheck } from './PolicyGate';
export { localClock, PolicyInputBuilder } from './PolicyInputBuilder';
export type { PolicyRequest } from './PolicyInputBuilder';
export { WasmPolicyEvaluator, POLICY_ENTRYPOINT } from './WasmPolicyEvaluator';
export { readPolicyBundle } from './bundle';
