import { z } from 'zod';

// What the portal shows of an environment's running workloads: its pods, the
// Kubernetes events of its namespace, and (as plain text, not typed here) the
// logs of a container. As in types.ts, dates are ISO 8601 strings.

/**
 * The zod schema of {@link EnvironmentPodContainer}.
 *
 * @public
 */
export const environmentPodContainerSchema = z.object({
  name: z.string(),
  image: z.string(),
  ready: z.boolean(),
  restartCount: z.number().int(),
  state: z.enum(['running', 'waiting', 'terminated']),
  /** Why it is waiting or terminated, for example `CrashLoopBackOff` or `Completed`. */
  reason: z.string().optional(),
  /** Why the previous container ended, for example `OOMKilled` or `Error`. */
  lastTerminationReason: z.string().optional(),
});

/**
 * One container of a pod, from its spec and its status.
 *
 * @public
 */
export type EnvironmentPodContainer = z.infer<
  typeof environmentPodContainerSchema
>;

/**
 * The zod schema of {@link EnvironmentPod}.
 *
 * @public
 */
export const environmentPodSchema = z.object({
  name: z.string(),
  /** `Pending`, `Running`, `Succeeded`, `Failed` or `Unknown`. */
  phase: z.string(),
  /** Whether its `Ready` condition is true. */
  ready: z.boolean(),
  /** Restarts of all its containers together. */
  restarts: z.number().int(),
  createdAt: z.string(),
  /** The node it is scheduled to, once it is. */
  nodeName: z.string().optional(),
  containers: z.array(environmentPodContainerSchema),
});

/**
 * A pod of an environment: one replica of its workload or of a database.
 *
 * @public
 */
export type EnvironmentPod = z.infer<typeof environmentPodSchema>;

/**
 * The zod schema of {@link EnvironmentEvent}.
 *
 * @public
 */
export const environmentEventSchema = z.object({
  type: z.enum(['Normal', 'Warning']),
  /** For example `Scheduled`, `BackOff` or `FailedCreate`. */
  reason: z.string(),
  message: z.string(),
  /** What the event is about, for example `{ kind: 'Pod', name: 'web-7d9f-x2' }`. */
  object: z.object({ kind: z.string(), name: z.string() }),
  /** How often it happened between `firstSeen` and `lastSeen`. */
  count: z.number().int(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  /** What the failure means and how to fix it, for the failures we recognize. */
  hint: z.string().optional(),
});

/**
 * A Kubernetes event in an environment's namespace, with a plain-language
 * explanation of common failures.
 *
 * @public
 */
export type EnvironmentEvent = z.infer<typeof environmentEventSchema>;
