/**
 * Helpers for tests that run against a real cluster; imported as
 * `@internal/cluster-tools/testUtils`, by tests only.
 */
export {
  describeNeeding,
  describeWithCluster,
  eventually,
  testCluster,
} from './testCluster';
export { orchestratorKubeConfig } from './orchestrator';
export { startApplyCounter } from './applyCounter';
export type { ApiServer, AppliedContent, ApplyCounter } from './applyCounter';
