export * from './types';
export * from './EnvironmentsStore';
export { canonicalJson } from './canonicalJson';
export {
  toApiAuditEvent,
  toApiEnvironment,
  toApiStatusTransition,
} from './toApi';
