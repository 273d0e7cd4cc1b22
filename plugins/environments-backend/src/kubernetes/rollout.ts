/**
 * Where the rollout of an environment's component stands, as its Deployment
 * and pods show it. `deploymentId` is the live pod template's
 * `DEPLOYMENT_ID_ANNOTATION`: callers record an outcome only when it is the
 * deployment they follow.
 */
export type RolloutObservation =
  /** The component's Deployment does not exist. */
  | { phase: 'absent' }
  /** For example "1 of 2 replicas updated, 0 available". */
  | { phase: 'progressing'; deploymentId?: string; message: string }
  | { phase: 'complete'; deploymentId?: string }
  | { phase: 'failed'; deploymentId?: string; reason: string; message: string };
