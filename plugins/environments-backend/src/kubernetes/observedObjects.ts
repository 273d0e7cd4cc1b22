import { CoreV1Event, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import {
  EnvironmentEvent,
  EnvironmentPod,
  EnvironmentPodContainer,
} from '@internal/backstage-plugin-environments-common';
import { eventHint } from './eventHints';

// The API server sends an unset time as null (an events.k8s.io event's
// firstTimestamp), which new Date() would read as 1970.
const iso = (date: Date | string | null | undefined) =>
  date === undefined || date === null
    ? undefined
    : new Date(date).toISOString();

function containerState(
  status: V1ContainerStatus | undefined,
): Pick<EnvironmentPodContainer, 'state' | 'reason'> {
  const { running, terminated, waiting } = status?.state ?? {};
  if (running) {
    return { state: 'running' };
  }
  // No status yet (the pod is not scheduled) counts as waiting.
  const reason = terminated ? terminated.reason : waiting?.reason;
  return {
    state: terminated ? 'terminated' : 'waiting',
    ...(reason && { reason }),
  };
}

/** A pod as the portal shows it: its phase, readiness and containers. */
export function toEnvironmentPod(pod: V1Pod): EnvironmentPod {
  const statuses = new Map(
    (pod.status?.containerStatuses ?? []).map(s => [s.name, s]),
  );
  const containers = (pod.spec?.containers ?? []).map(
    (container): EnvironmentPodContainer => {
      const status = statuses.get(container.name);
      const lastTerminationReason = status?.lastState?.terminated?.reason;
      return {
        name: container.name,
        image: status?.image ?? container.image ?? '',
        ready: status?.ready ?? false,
        restartCount: status?.restartCount ?? 0,
        ...containerState(status),
        ...(lastTerminationReason && { lastTerminationReason }),
      };
    },
  );
  return {
    name: pod.metadata?.name ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    ready:
      pod.status?.conditions?.some(
        c => c.type === 'Ready' && c.status === 'True',
      ) ?? false,
    restarts: containers.reduce((sum, c) => sum + c.restartCount, 0),
    createdAt: iso(pod.metadata?.creationTimestamp) ?? '',
    ...(pod.spec?.nodeName && { nodeName: pod.spec.nodeName }),
    containers,
  };
}

/**
 * An event as the portal shows it. Events come in two shapes: the older one
 * counts repeats in `count` between `firstTimestamp` and `lastTimestamp`,
 * the newer one (events.k8s.io, as the scheduler writes them) has an
 * `eventTime` and, once repeated, a `series`; both are read as kubectl does.
 */
export function toEnvironmentEvent(event: CoreV1Event): EnvironmentEvent {
  const firstSeen =
    iso(event.firstTimestamp) ??
    iso(event.eventTime) ??
    iso(event.metadata?.creationTimestamp) ??
    '';
  const lastSeen =
    iso(event.series?.lastObservedTime) ??
    iso(event.lastTimestamp) ??
    iso(event.eventTime) ??
    firstSeen;
  const summary = {
    type: event.type === 'Warning' ? ('Warning' as const) : ('Normal' as const),
    reason: event.reason ?? '',
    message: event.message ?? '',
  };
  const hint = eventHint(summary);
  return {
    ...summary,
    object: {
      kind: event.involvedObject?.kind ?? '',
      name: event.involvedObject?.name ?? '',
    },
    count: event.series?.count ?? event.count ?? 1,
    firstSeen,
    lastSeen,
    ...(hint && { hint }),
  };
}

/** Newest first: what happened last is what the portal shows on top. */
export function newestFirst(a: EnvironmentEvent, b: EnvironmentEvent): number {
  return b.lastSeen.localeCompare(a.lastSeen);
}
