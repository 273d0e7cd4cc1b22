import { DeploymentsStore, Environment } from '../model';
import { WorkloadSettings } from '../kubernetes';

/**
 * What an environment's component runs: its current deployment's resolved
 * configuration, once it has one (rolling out, succeeded, or failed: the
 * cluster keeps what was applied until the next deployment); before its
 * first deployment, `fallback` (the catalog's annotations). Read at every
 * reconcile, so that a new deployment is what the next apply writes.
 */
export function deploymentWorkload(options: {
  deployments?: Pick<DeploymentsStore, 'getTargets'>;
  fallback: (environment: Environment) => Promise<WorkloadSettings>;
}): (environment: Environment) => Promise<WorkloadSettings> {
  const { deployments, fallback } = options;
  if (!deployments) {
    return fallback;
  }
  return async environment => {
    const [target] = await deployments.getTargets([environment.id]);
    const current = target?.current;
    if (!current) {
      return fallback(environment);
    }
    const { image, port, replicas, env, secretRefs, resources } =
      current.resolved.config;
    return {
      image,
      port,
      replicas,
      env,
      secretRefs,
      resources,
      deploymentId: current.id,
    };
  };
}

/**
 * Fails the environment's rolling-out deployment when its reconcile gave
 * up: nothing applies it any more, so no rollout will end it, and without
 * this it would say `rolling-out` for ever. A deployment already past
 * rolling out (or superseded meanwhile) is left alone.
 */
export function failRolloutWhenReconcileGaveUp(
  deployments: Pick<DeploymentsStore, 'getTargets' | 'recordRolloutOutcome'>,
): (environmentId: string, reason: string) => Promise<void> {
  return async (environmentId, reason) => {
    const [target] = await deployments.getTargets([environmentId]);
    const current = target?.current;
    if (current?.state === 'rolling-out') {
      await deployments.recordRolloutOutcome({
        id: current.id,
        state: 'failed',
        reason,
      });
    }
  };
}
