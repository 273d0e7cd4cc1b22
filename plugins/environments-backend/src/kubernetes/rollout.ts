import {
  V1ContainerStatus,
  V1Deployment,
  V1DeploymentCondition,
  V1Pod,
} from '@kubernetes/client-node';
import { eventHint } from './eventHints';
import { DEPLOYMENT_ID_ANNOTATION } from './labels';

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

/**
 * Why a container waits that no retry will fix on its own: the rollout has
 * failed, whatever the progress deadline says. (ContainerCreating and
 * PodInitializing are waits that end, and so may a first ErrImagePull: a
 * registry that hiccups once. The kubelet retries it, and reports
 * ImagePullBackOff once it backs off: that is when the pull has failed.)
 */
export const FAILED_CONTAINER_REASONS: ReadonlySet<string> = new Set([
  'ImagePullBackOff',
  'InvalidImageName',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
]);

function condition(
  deployment: V1Deployment,
  type: string,
): V1DeploymentCondition | undefined {
  return deployment.status?.conditions?.find(c => c.type === type);
}

/** Kubernetes' message, then what to do about it when we know. */
function withHint(reason: string, message: string): string {
  const hint = eventHint({ type: 'Warning', reason, message });
  return hint ? `${message}. ${hint}` : message;
}

/** The first container of the pod that waits for a reason that will not pass. */
function failedContainer(pod: V1Pod): V1ContainerStatus | undefined {
  return [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ].find(status =>
    FAILED_CONTAINER_REASONS.has(status.state?.waiting?.reason ?? ''),
  );
}

/**
 * The rollout of `deployment` (undefined: there is none), from its status
 * and from `pods`, the pods its selector matches: only those of the live
 * template's deployment id are looked at, so an old ReplicaSet's broken pod
 * does not fail the new deployment. Pure, for the fixtures of its tests.
 */
export function observeRolloutOf(
  deployment: V1Deployment | undefined,
  pods: V1Pod[],
): RolloutObservation {
  if (!deployment) {
    return { phase: 'absent' };
  }
  const deploymentId =
    deployment.spec?.template?.metadata?.annotations?.[
      DEPLOYMENT_ID_ANNOTATION
    ];
  const ids = deploymentId ? { deploymentId } : {};
  const generation = deployment.metadata?.generation ?? 0;
  const status = deployment.status ?? {};
  // Until the controller has seen this generation, its status and
  // conditions are the previous template's: a deadline the last deployment
  // exceeded is not this one's.
  if ((status.observedGeneration ?? 0) < generation) {
    return {
      phase: 'progressing',
      ...ids,
      message: `Waiting for the Deployment controller to observe generation ${generation}`,
    };
  }

  const progressing = condition(deployment, 'Progressing');
  const ownPods = pods.filter(
    pod =>
      pod.metadata?.annotations?.[DEPLOYMENT_ID_ANNOTATION] === deploymentId &&
      !pod.metadata?.deletionTimestamp,
  );
  for (const pod of ownPods) {
    const container = failedContainer(pod);
    if (container) {
      const reason = container.state!.waiting!.reason!;
      const message = container.state?.waiting?.message ?? '';
      return {
        phase: 'failed',
        ...ids,
        reason,
        message: withHint(
          reason,
          `Pod ${pod.metadata?.name}: container ${
            container.name
          } is waiting with ${reason}${message ? `: ${message}` : ''}`,
        ),
      };
    }
  }
  if (
    progressing?.status === 'False' &&
    progressing.reason === 'ProgressDeadlineExceeded'
  ) {
    return {
      phase: 'failed',
      ...ids,
      reason: 'ProgressDeadlineExceeded',
      message: `The rollout made no progress within its deadline (${
        deployment.spec?.progressDeadlineSeconds ?? 600
      } s): ${progressing.message ?? 'no message'}; ${replicaCounts(
        deployment,
      )}`,
    };
  }
  const replicaFailure = condition(deployment, 'ReplicaFailure');
  if (replicaFailure?.status === 'True') {
    const reason = replicaFailure.reason ?? 'ReplicaFailure';
    return {
      phase: 'failed',
      ...ids,
      reason,
      message: withHint(
        reason,
        `Kubernetes cannot create the pods: ${
          replicaFailure.message ?? reason
        }`,
      ),
    };
  }

  const desired = deployment.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const total = status.replicas ?? 0;
  if (updated === desired && available === desired && total === updated) {
    return { phase: 'complete', ...ids };
  }
  return { phase: 'progressing', ...ids, message: replicaCounts(deployment) };
}

function replicaCounts(deployment: V1Deployment): string {
  const desired = deployment.spec?.replicas ?? 1;
  const {
    updatedReplicas = 0,
    availableReplicas = 0,
    replicas = 0,
  } = deployment.status ?? {};
  const old = Math.max(replicas - updatedReplicas, 0);
  return `${updatedReplicas} of ${desired} replicas updated, ${availableReplicas} available${
    old ? `, ${old} old still running` : ''
  }`;
}
