import {
  AuditorServiceEvent,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import {
  Environment,
  EnvironmentEvent,
  EnvironmentPod,
  EnvironmentLogsQuery,
  EnvironmentType,
} from '@internal/backstage-plugin-environments-common';
import { V1Pod } from '@kubernetes/client-node';
import { JsonObject } from '@backstage/types';
import { Readable } from 'node:stream';
import {
  ENVIRONMENT_ID_LABEL,
  environmentSelector,
  KubernetesObserver,
  newestFirst,
  toEnvironmentEvent,
  toEnvironmentPod,
} from '../kubernetes';
import { EnvironmentAuthorizer } from '../permissions/EnvironmentAuthorizer';
import { invalidInput } from './EnvironmentsService';

/** Lines of a container's log when the request does not say how many. */
export const DEFAULT_TAIL_LINES = 500;
/** Kubernetes chooses the container when a pod has one, or names its default. */
const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

export type EnvironmentObservabilityOptions = {
  /** Reads an environment if the caller may: the same permission as `GET /environments/{id}`. */
  environments: {
    get(
      id: string,
      options: { credentials: BackstageCredentials },
    ): Promise<Environment>;
  };
  types: Record<string, EnvironmentType>;
  /** Decides who may read an environment's logs (`environments.environment.logs.read`). */
  authorizer: Pick<EnvironmentAuthorizer, 'authorize'>;
  /** The observer of a cluster by name; throws for a cluster that is not configured. */
  observerFor(cluster: string): Observer;
};

/**
 * Starts the audit event of a read of sensitive logs; the caller knows who
 * reads (the request), the service what and whether it is sensitive.
 */
export type LogsReadAudit = (meta: JsonObject) => Promise<AuditorServiceEvent>;

type Observer = Pick<
  KubernetesObserver,
  'listPods' | 'readPod' | 'listEvents' | 'openLog'
>;

/**
 * What the portal's logs and events views show of an environment: its pods,
 * the logs of their containers and the events of its namespace, for whoever
 * may read the environment.
 */
export class EnvironmentObservability {
  private readonly environments: EnvironmentObservabilityOptions['environments'];
  private readonly types: Record<string, EnvironmentType>;
  private readonly authorizer: EnvironmentObservabilityOptions['authorizer'];
  private readonly observerFor: (cluster: string) => Observer;

  constructor(options: EnvironmentObservabilityOptions) {
    this.environments = options.environments;
    this.types = options.types;
    this.authorizer = options.authorizer;
    this.observerFor = options.observerFor;
  }

  /** The environment's pods (its workload's and its databases'), oldest first. */
  async pods(
    id: string,
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<EnvironmentPod[]> {
    const environment = await this.environments.get(id, { credentials });
    if (!hasNamespace(environment)) {
      return [];
    }
    const pods = await this.observer(environment).listPods(
      environment.namespace,
      environmentSelector(environment.id),
    );
    return pods
      .map(toEnvironmentPod)
      .sort(
        (a, b) =>
          a.createdAt.localeCompare(b.createdAt) ||
          a.name.localeCompare(b.name),
      );
  }

  /** Every event in the environment's namespace, newest first, with hints. */
  async events(
    id: string,
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<EnvironmentEvent[]> {
    const environment = await this.environments.get(id, { credentials });
    if (!hasNamespace(environment)) {
      return [];
    }
    const events = await this.observer(environment).listEvents(
      environment.namespace,
    );
    return events.map(toEnvironmentEvent).sort(newestFirst);
  }

  /**
   * Opens the log of a container of one of the environment's pods. The pod
   * must carry the environment's id label; the container defaults to the
   * pod's only (or default) container. Reading logs is a permission of its
   * own; each read of a type with `sensitiveLogs`, allowed or not, is an
   * audit event.
   *
   * @throws NotFoundError naming the pod when it is not the environment's
   * @throws InputError naming the field and the rule when the container is
   * not one of the pod's
   */
  async openLogs(
    id: string,
    query: EnvironmentLogsQuery,
    options: {
      credentials: BackstageCredentials;
      signal: AbortSignal;
      audit: LogsReadAudit;
    },
  ): Promise<Readable> {
    const environment = await this.environments.get(id, {
      credentials: options.credentials,
    });
    if (!this.types[environment.type]?.sensitiveLogs) {
      await this.authorizer.authorize(
        'readLogs',
        environment,
        options.credentials,
      );
      return this.openPodLog(environment, query, options.signal);
    }
    const event = await options.audit({
      environmentId: environment.id,
      type: environment.type,
      pod: query.pod,
      ...(query.container && { container: query.container }),
    });
    try {
      await this.authorizer.authorize(
        'readLogs',
        environment,
        options.credentials,
      );
      const logs = await this.openPodLog(environment, query, options.signal);
      await event.success();
      return logs;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  private async openPodLog(
    environment: Environment,
    query: EnvironmentLogsQuery,
    signal: AbortSignal,
  ): Promise<Readable> {
    const notFound = new NotFoundError(
      `Pod '${query.pod}' was not found in environment '${environment.name}' (namespace ${environment.namespace})`,
    );
    if (!hasNamespace(environment)) {
      throw notFound;
    }
    const observer = this.observer(environment);
    const pod = await observer.readPod(environment.namespace, query.pod);
    if (pod?.metadata?.labels?.[ENVIRONMENT_ID_LABEL] !== environment.id) {
      throw notFound;
    }
    return observer.openLog(
      environment.namespace,
      query.pod,
      {
        container: containerOf(pod, query.container),
        follow: query.follow,
        previous: query.previous,
        tailLines: query.tailLines ?? DEFAULT_TAIL_LINES,
        sinceSeconds: query.sinceSeconds,
        timestamps: query.timestamps,
      },
      signal,
    );
  }

  private observer(environment: Environment): Observer {
    const cluster = this.types[environment.type]?.cluster;
    if (!cluster) {
      throw new ServiceUnavailableError(
        `Environment type '${environment.type}' of environment '${environment.name}' is no longer configured`,
      );
    }
    try {
      return this.observerFor(cluster);
    } catch (error) {
      throw new ServiceUnavailableError(
        `The cluster of environment '${environment.name}' is not reachable: ${
          (error as Error).message
        }`,
      );
    }
  }
}

/**
 * Whether the environment's namespace may exist: not before it is first
 * provisioned, nor after it was torn down.
 */
function hasNamespace(environment: Environment): boolean {
  return environment.status !== 'requested' && environment.status !== 'deleted';
}

/** The container to read: the one asked for, which must be the pod's, or its default. */
function containerOf(pod: V1Pod, requested: string | undefined): string {
  const names = [
    ...(pod.spec?.containers ?? []),
    ...(pod.spec?.initContainers ?? []),
  ].map(c => c.name);
  const podName = pod.metadata?.name;
  if (requested !== undefined) {
    if (!names.includes(requested)) {
      throw invalidInput('logs request', [
        {
          field: 'container',
          rule: `must be a container of pod ${podName} (${names.join(
            ', ',
          )}); got "${requested}"`,
        },
      ]);
    }
    return requested;
  }
  const main = (pod.spec?.containers ?? []).map(c => c.name);
  const preferred = pod.metadata?.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  if (preferred && names.includes(preferred)) {
    return preferred;
  }
  if (main.length === 1) {
    return main[0];
  }
  throw invalidInput('logs request', [
    {
      field: 'container',
      rule: `is required: pod ${podName} has more than one container (${main.join(
        ', ',
      )})`,
    },
  ]);
}
