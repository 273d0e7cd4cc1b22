export * from './types';
export * from './EnvironmentsStore';
export { canonicalJson } from './canonicalJson';
export { StaleVersionError } from './errors';
export {
  toApiAuditEvent,
  toApiEnvironment,
  toApiStatusTransition,
} from './toApi';
