import { ResourceCondition } from '@internal/backstage-plugin-environments-common';
import { V1Deployment, V1Pod, V1StatefulSet } from '@kubernetes/client-node';

/** The state of one workload; the store adds when it last changed. */
export type WorkloadCondition = Omit<ResourceCondition, 'lastTransitionTime'>;

/**
 * Container states that do not resolve by waiting: the workload needs a
 * different image, configuration or code. Other waiting reasons, such as
 * ContainerCreating, are part of starting.
 */
const FAILING_CONTAINER_REASONS = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

function selects(
  matchLabels: Record<string, string> | undefined,
  pod: V1Pod,
): boolean {
  if (!matchLabels || Object.keys(matchLabels).length === 0) {
    return false;
  }
  const labels = pod.metadata?.labels ?? {};
  return Object.entries(matchLabels).every(
    ([key, value]) => labels[key] === value,
  );
}

/** Why a workload's pod does not run, when the pod says so. */
function podProblem(
  pods: V1Pod[],
): Pick<WorkloadCondition, 'status' | 'reason' | 'message'> | undefined {
  for (const pod of pods) {
    const podName = pod.metadata?.name;
    for (const container of [
      ...(pod.status?.initContainerStatuses ?? []),
      ...(pod.status?.containerStatuses ?? []),
    ]) {
      const waiting = container.state?.waiting;
      if (waiting?.reason && FAILING_CONTAINER_REASONS.has(waiting.reason)) {
        return {
          status: 'failed',
          reason: waiting.reason,
          message: `Pod ${podName}, container ${container.name}: ${
            waiting.message ?? waiting.reason
          }`,
        };
      }
    }
  }
  for (const pod of pods) {
    const unscheduled = pod.status?.conditions?.find(
      c => c.type === 'PodScheduled' && c.status === 'False',
    );
    if (unscheduled) {
      return {
        status: 'pending',
        reason: unscheduled.reason ?? 'Unschedulable',
        message: `Pod ${pod.metadata?.name}: ${
          unscheduled.message ?? 'not scheduled'
        }`,
      };
    }
  }
  return undefined;
}

function replicaCondition(
  kind: string,
  object: V1Deployment | V1StatefulSet,
  available: number,
  pods: V1Pod[],
): WorkloadCondition {
  const name = object.metadata?.name ?? '';
  const desired = object.spec?.replicas ?? 1;
  const updated = object.status?.updatedReplicas ?? 0;
  const observed = object.status?.observedGeneration ?? 0;
  if (
    observed >= (object.metadata?.generation ?? 0) &&
    updated >= desired &&
    available >= desired
  ) {
    return {
      kind,
      name,
      status: 'ready',
      reason: 'ReplicasAvailable',
      message: `${available} of ${desired} replicas available`,
    };
  }
  const problem = podProblem(
    pods.filter(pod => selects(object.spec?.selector?.matchLabels, pod)),
  );
  if (problem) {
    return { kind, name, ...problem };
  }
  return {
    kind,
    name,
    status: 'pending',
    reason: 'ReplicasUnavailable',
    message: `${available} of ${desired} replicas available, ${updated} up to date`,
  };
}

function deploymentCondition(
  deployment: V1Deployment,
  pods: V1Pod[],
): WorkloadCondition {
  const failure = deployment.status?.conditions?.find(
    c =>
      (c.type === 'Progressing' && c.status === 'False') ||
      (c.type === 'ReplicaFailure' && c.status === 'True'),
  );
  if (failure) {
    return {
      kind: 'Deployment',
      name: deployment.metadata?.name ?? '',
      status: 'failed',
      reason: failure.reason ?? failure.type,
      message: failure.message,
    };
  }
  return replicaCondition(
    'Deployment',
    deployment,
    deployment.status?.availableReplicas ?? 0,
    pods,
  );
}

function statefulSetCondition(
  statefulSet: V1StatefulSet,
  pods: V1Pod[],
): WorkloadCondition {
  return replicaCondition(
    'StatefulSet',
    statefulSet,
    statefulSet.status?.availableReplicas ??
      statefulSet.status?.readyReplicas ??
      0,
    pods,
  );
}

/**
 * One condition per Deployment and StatefulSet: ready once every replica is
 * available at the current generation; otherwise pending, or failed when the
 * Deployment gave up or a pod's container cannot start (the pod says why).
 */
export function workloadConditions({
  deployments,
  statefulSets,
  pods = [],
}: {
  deployments: V1Deployment[];
  statefulSets: V1StatefulSet[];
  pods?: V1Pod[];
}): WorkloadCondition[] {
  return [
    ...deployments.map(d => deploymentCondition(d, pods)),
    ...statefulSets.map(s => statefulSetCondition(s, pods)),
  ];
}
