/**
 * The Secret in each environment's namespace that holds the values of the
 * environment's secrets; configurations reference its keys only.
 */
export const WORKLOAD_SECRET_NAME = 'workload-secrets';

/** One key of the workload Secret, never its value. */
export type WorkloadSecretKey = { key: string; updatedAt: string };
