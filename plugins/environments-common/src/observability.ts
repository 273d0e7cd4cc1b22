// What the portal shows of an environment's running workloads: its pods, the
// Kubernetes events of its namespace, and (as plain text, not typed here) the
// logs of a container. As in types.ts, dates are ISO 8601 strings.

/**
 * One container of a pod, from its spec and its status.
 *
 * @public
 */
export type EnvironmentPodContainer = {
  name: string;
  image: string;
  ready: boolean;
  restartCount: number;
  state: 'running' | 'waiting' | 'terminated';
  /** Why it is waiting or terminated, for example `CrashLoopBackOff` or `Completed`. */
  reason?: string;
  /** Why the previous container ended, for example `OOMKilled` or `Error`. */
  lastTerminationReason?: string;
};

/**
 * A pod of an environment: one replica of its workload or of a database.
 *
 * @public
 */
export type EnvironmentPod = {
  name: string;
  /** `Pending`, `Running`, `Succeeded`, `Failed` or `Unknown`. */
  phase: string;
  /** Whether its `Ready` condition is true. */
  ready: boolean;
  /** Restarts of all its containers together. */
  restarts: number;
  createdAt: string;
  /** The node it is scheduled to, once it is. */
  nodeName?: string;
  containers: EnvironmentPodContainer[];
};

/**
 * A Kubernetes event in an environment's namespace, with a plain-language
 * explanation of common failures.
 *
 * @public
 */
export type EnvironmentEvent = {
  type: 'Normal' | 'Warning';
  /** For example `Scheduled`, `BackOff` or `FailedCreate`. */
  reason: string;
  message: string;
  /** What the event is about, for example `{ kind: 'Pod', name: 'web-7d9f-x2' }`. */
  object: { kind: string; name: string };
  /** How often it happened between `firstSeen` and `lastSeen`. */
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** What the failure means and how to fix it, for the failures we recognize. */
  hint?: string;
};
