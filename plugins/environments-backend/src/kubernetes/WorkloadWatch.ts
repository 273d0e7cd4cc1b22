import { LoggerService } from '@backstage/backend-plugin-api';
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  Watch,
} from '@kubernetes/client-node';
import { ObservedKind } from '@internal/backstage-plugin-environments-node';
import { makeApiClient, makeObjectApiClient } from './apiClients';
import { ENVIRONMENT_ID_LABEL, MANAGED_BY, MANAGED_BY_LABEL } from './labels';
import { errorMessage } from '../model';
import { WorkloadCache } from './WorkloadCache';

/**
 * What the watch follows, by kind name: the workloads whose readiness an
 * environment's status is made of, and their pods, which say why one does
 * not start, and whatever else the resource drivers observe.
 */
export type WatchedKind = string;

const BUILT_IN_KINDS: ObservedKind[] = [
  { apiVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet', plural: 'statefulsets' },
  { apiVersion: 'v1', kind: 'Pod', plural: 'pods' },
];

export const WATCHED_KINDS: WatchedKind[] = BUILT_IN_KINDS.map(k => k.kind);

/** The path that lists and watches a kind in all namespaces. */
function watchPath({ apiVersion, plural }: ObservedKind): string {
  return apiVersion === 'v1'
    ? `/api/v1/${plural}`
    : `/apis/${apiVersion}/${plural}`;
}

/** Only what the environments plugin manages: never an unfiltered list. */
export const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY}`;

export type WorkloadList = {
  items: KubernetesObject[];
  resourceVersion: string;
};

/** Lists every object of a kind, in all namespaces, that has the labels. */
export type WorkloadLister = (
  kind: WatchedKind,
  labelSelector: string,
) => Promise<WorkloadList>;

export type WorkloadWatchOptions = {
  kubeConfig: KubeConfig;
  logger: LoggerService;
  /**
   * Called with an environment's id whenever one of its workloads or pods
   * changed, and, after every (re)list, for every environment that has one or
   * had one before. Called often: the caller coalesces.
   */
  onChange: (environmentId: string) => void;
  /** Server-side end of each watch request, after which it is resumed; 5 minutes when not given. */
  watchTimeoutSeconds?: number;
  /** The first delay before a watch is restarted after an error; doubles up to `maxBackoffMs`. 1 s when not given. */
  initialBackoffMs?: number;
  /** 60 s when not given. */
  maxBackoffMs?: number;
  /** For tests: replace the API server. */
  watch?: Pick<Watch, 'watch'>;
  list?: WorkloadLister;
  /**
   * The kinds the resource drivers observe, followed besides Deployments,
   * StatefulSets and Pods.
   */
  observedKinds?: ObservedKind[];
  /**
   * Kept up to date with every object the watch lists and receives, before
   * `onChange` is called, so that whoever reacts to a change can read it
   * from here instead of the API server.
   */
  cache?: WorkloadCache;
};

const DEFAULT_WATCH_TIMEOUT_SECONDS = 300;
const DEFAULT_INITIAL_BACKOFF_MS = 1_000;
const DEFAULT_MAX_BACKOFF_MS = 60_000;
/** A watch that ends sooner than this, having delivered nothing, counts as a failure. */
const MIN_HEALTHY_WATCH_MS = 1_000;
const LIST_PAGE_SIZE = 500;

/** The watch's resource version is too old for the API server: list again. */
class WatchExpiredError extends Error {
  readonly statusCode = 410;
}

function statusCode(error: unknown): number | undefined {
  const e = error as { statusCode?: number; code?: number } | undefined;
  return e?.statusCode ?? (typeof e?.code === 'number' ? e.code : undefined);
}

function defaultLister(
  kubeConfig: KubeConfig,
  kinds: ObservedKind[],
): WorkloadLister {
  // A list that hangs would hold the watch; the watchdog covers only watches.
  const apps = makeApiClient(kubeConfig, AppsV1Api);
  const core = makeApiClient(kubeConfig, CoreV1Api);
  const objects = makeObjectApiClient(kubeConfig);
  const listPage = (
    { apiVersion, kind }: ObservedKind,
    request: { labelSelector: string; limit: number; _continue?: string },
  ) => {
    switch (`${apiVersion}/${kind}`) {
      case 'apps/v1/Deployment':
        return apps.listDeploymentForAllNamespaces(request);
      case 'apps/v1/StatefulSet':
        return apps.listStatefulSetForAllNamespaces(request);
      case 'v1/Pod':
        return core.listPodForAllNamespaces(request);
      default:
        // A kind a resource driver observes, in all namespaces.
        return objects.list(
          apiVersion,
          kind,
          undefined,
          undefined,
          undefined,
          undefined,
          undefined,
          request.labelSelector,
          request.limit,
          request._continue,
        );
    }
  };
  return async (kind, labelSelector) => {
    const observed = kinds.find(k => k.kind === kind);
    if (!observed) {
      throw new Error(`${kind} is not a kind this watch follows`);
    }
    const items: KubernetesObject[] = [];
    let resourceVersion = '';
    let next: string | undefined;
    do {
      const page = await listPage(observed, {
        labelSelector,
        limit: LIST_PAGE_SIZE,
        _continue: next,
      });
      items.push(...page.items);
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
      next = page.metadata?._continue || undefined;
    } while (next);
    return { items, resourceVersion };
  };
}

/**
 * Follows the Deployments, StatefulSets and Pods of every environment in one
 * cluster, with one list-and-watch per kind across namespaces, filtered by
 * the `app.kubernetes.io/managed-by=idp-environments` label, and says which
 * environment changed.
 *
 * A watch that the API server ends resumes where it left off. One that fails
 * or expires (410 Gone: its resource version is no longer kept) is restarted
 * after a growing backoff with a new list, whose objects all count as changed,
 * as do those that disappeared meanwhile: no change is lost, only coalesced.
 */
export class WorkloadWatch {
  private readonly watch: Pick<Watch, 'watch'>;
  private readonly list: WorkloadLister;
  private readonly logger: LoggerService;
  private readonly onChange: (environmentId: string) => void;
  private readonly cache?: WorkloadCache;
  private readonly watchTimeoutSeconds: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly kinds: ObservedKind[];
  private readonly requests = new Set<AbortController>();
  /** Backoff sleeps, each with its timer, which `stop` cuts short. */
  private readonly sleepers = new Map<() => void, NodeJS.Timeout>();
  private loops: Promise<void>[] = [];
  private stopped = true;

  constructor(options: WorkloadWatchOptions) {
    const byPath = new Map(
      [...BUILT_IN_KINDS, ...(options.observedKinds ?? [])].map(kind => [
        watchPath(kind),
        kind,
      ]),
    );
    this.kinds = [...byPath.values()];
    this.watch = options.watch ?? new Watch(options.kubeConfig);
    this.list = options.list ?? defaultLister(options.kubeConfig, this.kinds);
    this.logger = options.logger;
    this.onChange = options.onChange;
    this.cache = options.cache;
    this.watchTimeoutSeconds =
      options.watchTimeoutSeconds ?? DEFAULT_WATCH_TIMEOUT_SECONDS;
    this.initialBackoffMs =
      options.initialBackoffMs ?? DEFAULT_INITIAL_BACKOFF_MS;
    this.maxBackoffMs = options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
  }

  /** Lists and starts watching; does nothing if it runs already. */
  start(): void {
    if (!this.stopped) {
      return;
    }
    this.stopped = false;
    this.loops = this.kinds.map(kind => this.run(kind));
  }

  /** Ends every watch request and resolves once the loops have ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const request of this.requests) {
      request.abort();
    }
    for (const wake of [...this.sleepers.keys()]) {
      wake();
    }
    await Promise.all(this.loops);
    this.loops = [];
  }

  private async run(observed: ObservedKind) {
    const { kind } = observed;
    const logger = this.logger.child({ watch: kind });
    /** Environment id by object (namespace/name), as last seen. */
    let known = new Map<string, string>();
    let resourceVersion: string | undefined;
    let failures = 0;
    while (!this.stopped) {
      try {
        if (!resourceVersion) {
          const listed = await this.list(kind, MANAGED_SELECTOR);
          this.cache?.replace(kind, listed.items);
          known = this.resync(listed.items, known);
          resourceVersion = listed.resourceVersion;
          logger.debug('Listed environment workloads', {
            objects: listed.items.length,
            resourceVersion,
          });
        }
        const ended = await this.watchOnce(observed, resourceVersion, known);
        resourceVersion = ended.resourceVersion;
        if (ended.healthy) {
          failures = 0;
          continue;
        }
        throw new Error('the watch ended at once, without an event');
      } catch (error) {
        // Events may be missed until the next list.
        this.cache?.invalidate(kind);
        if (this.stopped) {
          break;
        }
        failures += 1;
        // List again: events may have been missed while the watch was down.
        resourceVersion = undefined;
        const delay = Math.min(
          this.initialBackoffMs * 2 ** (failures - 1),
          this.maxBackoffMs,
        );
        const expired =
          error instanceof WatchExpiredError || statusCode(error) === 410;
        logger.warn(
          expired
            ? `Watch of ${kind} objects expired; listing again in ${delay} ms`
            : `Watch of ${kind} objects failed; listing again in ${delay} ms`,
          { error: errorMessage(error), failures },
        );
        await this.sleep(delay);
      }
    }
    this.cache?.invalidate(kind);
  }

  /**
   * Replaces what is known with a new list, and reports every environment
   * with an object in it, or with an object that is gone since.
   */
  private resync(items: KubernetesObject[], before: Map<string, string>) {
    const after = new Map<string, string>();
    for (const item of items) {
      const id = item.metadata?.labels?.[ENVIRONMENT_ID_LABEL];
      if (id) {
        after.set(`${item.metadata?.namespace}/${item.metadata?.name}`, id);
      }
    }
    const changed = new Set(after.values());
    for (const [key, id] of before) {
      if (!after.has(key)) {
        changed.add(id);
      }
    }
    for (const id of changed) {
      this.onChange(id);
    }
    return after;
  }

  /**
   * One watch request, from `resourceVersion` until the API server ends it.
   * Resolves with the last resource version seen, and whether the watch was
   * healthy (it delivered something or lasted); rejects when it failed or
   * expired.
   */
  private watchOnce(
    observed: ObservedKind,
    resourceVersion: string,
    known: Map<string, string>,
  ): Promise<{ resourceVersion: string; healthy: boolean }> {
    const started = Date.now();
    let last = resourceVersion;
    let received = false;
    let expired = false;
    return new Promise((resolve, reject) => {
      const current: {
        request?: AbortController;
        watchdog?: NodeJS.Timeout;
        settled?: boolean;
      } = {};
      const finish = (error: unknown) => {
        if (current.settled) {
          return;
        }
        current.settled = true;
        clearTimeout(current.watchdog);
        if (current.request) {
          this.requests.delete(current.request);
          current.request.abort();
        }
        if (error) {
          reject(error);
        } else if (expired) {
          reject(new WatchExpiredError('410 Gone'));
        } else {
          resolve({
            resourceVersion: last,
            healthy: received || Date.now() - started >= MIN_HEALTHY_WATCH_MS,
          });
        }
      };
      // The API server ends the request after timeoutSeconds; a connection
      // that silently died would not, so give up on it a little later.
      current.watchdog = setTimeout(() => {
        finish(
          new Error(`no end of the watch after ${this.watchTimeoutSeconds} s`),
        );
      }, (this.watchTimeoutSeconds + 30) * 1000);
      const onEvent = (type: string, object: KubernetesObject) => {
        received = true;
        if (type === 'ERROR') {
          // A Status object; 410 means our resource version is too old.
          const status = object as { code?: number; message?: string };
          if (status.code === 410) {
            expired = true;
          } else {
            finish(
              new Error(
                `watch error ${status.code ?? ''}: ${
                  status.message ?? 'unknown'
                }`,
              ),
            );
          }
          return;
        }
        last = object.metadata?.resourceVersion ?? last;
        if (type === 'BOOKMARK') {
          return;
        }
        this.cache?.update(observed.kind, type, object);
        const key = `${object.metadata?.namespace}/${object.metadata?.name}`;
        const id =
          object.metadata?.labels?.[ENVIRONMENT_ID_LABEL] ?? known.get(key);
        if (type === 'DELETED') {
          known.delete(key);
        } else if (id) {
          known.set(key, id);
        }
        if (id) {
          this.onChange(id);
        }
      };
      this.watch
        .watch(
          watchPath(observed),
          {
            labelSelector: MANAGED_SELECTOR,
            resourceVersion,
            allowWatchBookmarks: true,
            timeoutSeconds: this.watchTimeoutSeconds,
          },
          onEvent,
          finish,
        )
        .then(controller => {
          current.request = controller;
          if (current.settled || this.stopped) {
            controller.abort();
          } else {
            this.requests.add(controller);
          }
        }, finish);
    });
  }

  private sleep(ms: number) {
    return new Promise<void>(resolve => {
      const wake = () => {
        clearTimeout(this.sleepers.get(wake));
        this.sleepers.delete(wake);
        resolve();
      };
      this.sleepers.set(wake, setTimeout(wake, ms));
    });
  }
}
