import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  CustomErrorBase,
  ForwardedError,
} from '@backstage/errors';
import {
  AppsV1Api,
  AuthenticationV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  V1Deployment,
  V1Namespace,
  V1Pod,
  V1Secret,
} from '@kubernetes/client-node';
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  makeApiClient,
  makeObjectApiClient,
} from './apiClients';
import { objectDrift } from './liveDrift';
import { createHash, randomBytes } from 'node:crypto';
import { canonicalJson } from '../model';
import {
  ObservedKind,
  resourceCredentialsSecretName,
  workloadConditions,
} from '@internal/backstage-plugin-environments-node';
import {
  ENVIRONMENT_ID_LABEL,
  environmentSelector,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  SPEC_HASH_ANNOTATION,
} from './labels';
import {
  isEnvironmentNamespace,
  ORCHESTRATOR_NAMESPACE_ROLE,
  orchestratorBinding,
} from './namespaceAccess';
import { ResourceDrivers } from './ResourceDrivers';
import { observeRolloutOf, RolloutObservation } from './rollout';
import { WorkloadCache } from './WorkloadCache';
import {
  assertSecretKey,
  SECRET_UPDATED_AT_ANNOTATION,
  secretKeys,
  secretUpdateTimes,
  WORKLOAD_SECRET_NAME,
  WorkloadSecretKey,
  withoutValue,
} from './secrets';
import { workloadName, workloadSelector } from './desiredObjects';

export const FIELD_MANAGER = 'idp-environments';

/** What `apply` did to one object. */
export type AppliedObject = {
  kind: string;
  name: string;
  namespace?: string;
  /** `updated` also when the object was changed by hand and is repaired; `deleted` when pruned. */
  action: 'created' | 'updated' | 'unchanged' | 'deleted';
};

export type ApplyOutcome = {
  results: AppliedObject[];
  /** API requests that changed something; 0 when everything was up to date. */
  writes: number;
};

export type ApplyOptions = {
  /**
   * Also delete the objects of the environment (by its label, in the
   * namespaces applied to) that are no longer among `objects`, e.g. the
   * StatefulSet, Service and Secret of a resource removed from the spec.
   */
  prune?: boolean;
  /** Checked before each write: a job that lost its lease stops writing. */
  signal?: AbortSignal;
};

/**
 * The kinds an environment's spec change can remove, so the kinds `prune`
 * looks for. The namespace's baseline (quota, limits, network policy, the
 * team's RoleBinding) is always desired; the orchestrator's own RoleBinding
 * is never pruned.
 */
export const PRUNED_KINDS: ReadonlyArray<{ apiVersion: string; kind: string }> =
  [
    { apiVersion: 'apps/v1', kind: 'Deployment' },
    { apiVersion: 'apps/v1', kind: 'StatefulSet' },
    { apiVersion: 'v1', kind: 'Service' },
    { apiVersion: 'v1', kind: 'Secret' },
    { apiVersion: 'v1', kind: 'ConfigMap' },
    { apiVersion: 'v1', kind: 'ServiceAccount' },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  ];

/** The state of one workload; the store adds when it last changed. */
export type WorkloadCondition = ReturnType<typeof workloadConditions>[number];

export type EnvironmentWorkloadStatus = {
  /** Every Deployment and StatefulSet has all its replicas available. */
  ready: boolean;
  conditions: WorkloadCondition[];
};

/** What the provisioner needs to know of an environment to find its objects. */
export type EnvironmentLocation = { id: string; namespace: string };

const DEFAULT_TEARDOWN_TIMEOUT_MS = 120_000;
const TEARDOWN_POLL_INTERVAL_MS = 500;
/** RBAC picks up a new binding within milliseconds; this long means it never will. */
const ACCESS_TIMEOUT_MS = 10_000;
const ACCESS_POLL_INTERVAL_MS = 50;
/** Writes of the workload Secret that lose a race before one gives up. */
const SECRET_WRITE_ATTEMPTS = 5;
/** 32 characters of base64url: 192 random bits, and safe in a URL. */
const PASSWORD_BYTES = 24;

function isNotFound(error: unknown): boolean {
  return (error as { code?: number })?.code === 404;
}

function isForbidden(error: unknown): boolean {
  return (error as { code?: number })?.code === 403;
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

function describe(object: KubernetesObject): string {
  const { kind, metadata } = object;
  return metadata?.namespace
    ? `${kind} ${metadata.name} in namespace ${metadata.namespace}`
    : `${kind} ${metadata?.name}`;
}

/** The object as applied: with the hash of what we set, to tell later whether it changed. */
function withSpecHash(object: KubernetesObject) {
  const hash = specHash(object);
  const withHash: KubernetesObject = {
    ...object,
    metadata: {
      ...object.metadata,
      annotations: {
        ...object.metadata?.annotations,
        [SPEC_HASH_ANNOTATION]: hash,
      },
    },
  };
  return { hash, withHash };
}

/**
 * Kubernetes refused an object in a server-side dry run (an admission
 * webhook, a ValidatingAdmissionPolicy, a quota, validation): nothing of the
 * change was applied. The message is the API server's, which names the
 * webhook and carries its reason.
 */
export class AdmissionRefusedError extends CustomErrorBase {
  name = 'AdmissionRefusedError' as const;
}

/** The API server's own message of a failed request, from its Status body. */
function statusMessage(error: unknown): string | undefined {
  const body = (error as { body?: unknown })?.body;
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as { message?: unknown };
      if (typeof parsed.message === 'string') return parsed.message;
    } catch {
      return body || undefined;
    }
  }
  if (body && typeof (body as { message?: unknown }).message === 'string') {
    return (body as { message: string }).message;
  }
  return undefined;
}

/** A 403 of RBAC (we may not write there), not of admission. */
function isRbacRefusal(error: unknown): boolean {
  return (
    isForbidden(error) &&
    /\bcannot (patch|create|get|update)\b/.test(statusMessage(error) ?? '')
  );
}

function admissionRefusal(object: KubernetesObject, error: unknown): Error {
  const code = (error as { code?: unknown })?.code;
  // A refusal is the API server's answer; anything else (a timeout, a lost
  // connection) is a failure to ask, retried like any failed apply.
  if (typeof code === 'number' && code >= 400 && code < 500) {
    return new AdmissionRefusedError(
      `Kubernetes refused ${describe(
        object,
      )} in a server-side dry run, so nothing of this change was applied: ${
        statusMessage(error) ?? `HTTP ${code}`
      }`,
    );
  }
  return new ForwardedError(`Failed to dry-run ${describe(object)}`, error);
}

/** A hash of everything we set on an object, to tell whether it changed. */
export function specHash(object: KubernetesObject): string {
  return createHash('sha256').update(canonicalJson(object)).digest('hex');
}

/**
 * Writes an environment's objects to its cluster and reads them back:
 * server-side apply with the `idp-environments` field manager, and nothing
 * written when the cluster already holds what is desired.
 */
export class KubernetesProvisioner {
  static create(options: {
    kubeConfig: KubeConfig;
    logger: LoggerService;
    /** Whose objects `status` reads readiness from. */
    drivers: ResourceDrivers;
    /** How long one API request may take; 10 s when not given. */
    requestTimeoutMs?: number;
    /** How long `teardown` waits for the namespace to go; 120 s when not given. */
    teardownTimeoutMs?: number;
    /**
     * The cluster's watched objects, which `observeRollout` and
     * `status(…, { cached: true })` read while the watch is live.
     */
    cache?: WorkloadCache;
  }): KubernetesProvisioner {
    return new KubernetesProvisioner(
      options.kubeConfig,
      options.logger,
      options.drivers,
      options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      options.teardownTimeoutMs ?? DEFAULT_TEARDOWN_TIMEOUT_MS,
      options.cache,
    );
  }

  private readonly objects: KubernetesObjectApi;
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly authentication: AuthenticationV1Api;
  private readonly authorization: AuthorizationV1Api;
  /** Namespaces in which this provisioner's RoleBinding is known to be in place. */
  private readonly accessibleNamespaces = new Set<string>();
  private username?: Promise<string>;

  private constructor(
    kubeConfig: KubeConfig,
    private readonly logger: LoggerService,
    private readonly drivers: ResourceDrivers,
    requestTimeoutMs: number,
    private readonly teardownTimeoutMs: number,
    private readonly cache?: WorkloadCache,
  ) {
    this.objects = makeObjectApiClient(kubeConfig, requestTimeoutMs);
    this.core = makeApiClient(kubeConfig, CoreV1Api, requestTimeoutMs);
    this.apps = makeApiClient(kubeConfig, AppsV1Api, requestTimeoutMs);
    this.authentication = makeApiClient(
      kubeConfig,
      AuthenticationV1Api,
      requestTimeoutMs,
    );
    this.authorization = makeApiClient(
      kubeConfig,
      AuthorizationV1Api,
      requestTimeoutMs,
    );
  }

  /**
   * Applies the objects in order. Each is compared with the live object: one
   * that holds every field we set (its spec-hash annotation included) is left
   * alone, so that an idle reconcile writes nothing (and does not wake up
   * controllers); one changed by hand is applied again, with force, which
   * takes the fields we own back from whoever changed them.
   *
   * Before the first object in a namespace, the provisioner binds itself its
   * namespace role there (see `namespaceAccess.ts`); that RoleBinding is part
   * of the outcome like any other object.
   *
   * @throws ConflictError when an object exists but belongs to another
   * environment (namespaces of different pairs can share a name).
   */
  async apply(
    objects: KubernetesObject[],
    options: ApplyOptions = {},
  ): Promise<ApplyOutcome> {
    const { signal } = options;
    const results: AppliedObject[] = [];
    // Once the orchestrator may read every namespace involved (a converged
    // environment, as for every deployment), the live objects are all asked
    // for at once: one round trip instead of one per object. The writes stay
    // in order, namespace first, each as soon as its own object is read: a
    // deployment's Deployment, which comes first, does not wait for the rest.
    const prefetched = objects.every(object => {
      const namespace = object.metadata?.namespace;
      return !namespace || this.accessibleNamespaces.has(namespace);
    })
      ? objects.map(object => {
          const read = this.read(object);
          // Awaited in order below, or not at all once a write failed.
          read.catch(() => undefined);
          return read;
        })
      : undefined;
    const lives: Array<Promise<KubernetesObject | undefined> | undefined> =
      objects.map((_, index) => prefetched?.[index]);
    await this.dryRunChanges(objects, lives, signal);
    for (const [index, object] of objects.entries()) {
      const namespace = object.metadata?.namespace;
      if (namespace && !this.accessibleNamespaces.has(namespace)) {
        results.push(
          await this.bindNamespaceRole(
            namespace,
            object.metadata?.labels,
            signal,
          ),
        );
      }
      try {
        results.push(
          await this.applyObject(
            object,
            signal,
            lives[index] && { live: await lives[index] },
          ),
        );
      } catch (error) {
        if (namespace && isForbidden((error as ForwardedError).cause)) {
          // The binding was removed behind our back: bind again next time.
          this.accessibleNamespaces.delete(namespace);
        }
        throw error;
      }
    }
    if (options.prune) {
      results.push(...(await this.prune(objects, signal)));
    }
    return {
      results,
      writes: results.filter(r => r.action !== 'unchanged').length,
    };
  }

  /**
   * Sends every object that is about to change as a server-side dry run
   * first, all at once, so that an admission webhook, a policy or a quota
   * that refuses one refuses it before anything of the change is written:
   * the environment is never left half-applied, and the refusal's message
   * becomes the job's failure (the environment's reason and timeline).
   * Objects that are up to date cost nothing; objects in a namespace that
   * does not exist yet (a new environment's) cannot be dry-run and are
   * checked by the real apply, after their Namespace's dry run.
   */
  private async dryRunChanges(
    objects: KubernetesObject[],
    lives: Array<Promise<KubernetesObject | undefined> | undefined>,
    signal?: AbortSignal,
  ) {
    const changing: KubernetesObject[] = [];
    for (const [index, object] of objects.entries()) {
      const namespace = object.metadata?.namespace;
      if (namespace && !this.accessibleNamespaces.has(namespace)) continue;
      if (!lives[index]) {
        const read = this.read(object);
        read.catch(() => undefined);
        lives[index] = read;
      }
    }
    for (const [index, object] of objects.entries()) {
      const read = lives[index];
      if (!read) continue;
      const live = await read;
      const { withHash } = withSpecHash(object);
      if (!live || objectDrift(withHash, live).length > 0) {
        changing.push(withHash);
      }
    }
    if (changing.length === 0) return;
    signal?.throwIfAborted();
    await Promise.all(
      changing.map(async object => {
        try {
          await this.objects.patch(
            object,
            undefined,
            'All',
            FIELD_MANAGER,
            true,
            PatchStrategy.ServerSideApply,
          );
        } catch (error) {
          const namespace = object.metadata?.namespace;
          if (namespace && isRbacRefusal(error)) {
            // Our own binding was removed behind our back: bind again next time.
            this.accessibleNamespaces.delete(namespace);
            throw new ForwardedError(
              `Failed to dry-run ${describe(object)}`,
              error,
            );
          }
          throw admissionRefusal(object, error);
        }
      }),
    );
  }

  private async applyObject(
    object: KubernetesObject,
    signal?: AbortSignal,
    prefetched?: { live: KubernetesObject | undefined },
  ): Promise<AppliedObject> {
    const { hash, withHash } = withSpecHash(object);
    const live = prefetched ? prefetched.live : await this.read(object);
    const base = {
      kind: object.kind!,
      name: object.metadata!.name!,
      ...(object.metadata?.namespace && {
        namespace: object.metadata.namespace,
      }),
    };
    if (live) {
      this.assertSameEnvironment(object, live);
      const drift = objectDrift(withHash, live);
      if (drift.length === 0) {
        return { ...base, action: 'unchanged' };
      }
      if (live.metadata?.annotations?.[SPEC_HASH_ANNOTATION] === hash) {
        // What we last applied is what we want: someone changed it since.
        this.logger.warn(`Repairing ${describe(object)}, changed by hand`, {
          kind: base.kind,
          name: base.name,
          namespace: base.namespace,
          fields: drift.slice(0, 10).join(', '),
        });
      }
    }
    signal?.throwIfAborted();
    try {
      await this.objects.patch(
        withHash,
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      );
    } catch (error) {
      throw new ForwardedError(`Failed to apply ${describe(object)}`, error);
    }
    const action = live ? 'updated' : 'created';
    this.logger.info(`Applied ${describe(object)}`, {
      kind: base.kind,
      name: base.name,
      namespace: base.namespace,
      action,
    });
    return { ...base, action };
  }

  /**
   * Deletes the objects of each environment among `objects` (by its label,
   * in its namespace) that we applied once and that `objects` no longer
   * holds. Objects we did not apply (no spec-hash annotation) are left alone.
   */
  private async prune(
    objects: KubernetesObject[],
    signal?: AbortSignal,
  ): Promise<AppliedObject[]> {
    const key = (kind: string, namespace: string, name: string) =>
      `${kind}/${namespace}/${name}`;
    const desired = new Set(
      objects.map(o =>
        key(o.kind!, o.metadata?.namespace ?? '', o.metadata?.name ?? ''),
      ),
    );
    const environments = new Map<string, string>();
    for (const object of objects) {
      const namespace = object.metadata?.namespace;
      const id = object.metadata?.labels?.[ENVIRONMENT_ID_LABEL];
      if (namespace && id) {
        environments.set(namespace, id);
      }
    }
    const pruned: AppliedObject[] = [];
    for (const [namespace, environmentId] of environments) {
      const labelSelector = `${environmentSelector(
        environmentId,
      )},${MANAGED_BY_LABEL}=${MANAGED_BY}`;
      // Every kind is listed at once; the deletions follow one by one.
      const listed = await Promise.all(
        PRUNED_KINDS.map(async ({ apiVersion, kind }) => {
          try {
            const items = await this.listLabelled(
              { apiVersion, kind },
              namespace,
              labelSelector,
            );
            return { apiVersion, kind, items };
          } catch (error) {
            throw new ForwardedError(
              `Failed to list the ${kind} objects in namespace ${namespace}`,
              error,
            );
          }
        }),
      );
      for (const { apiVersion, kind, items } of listed) {
        for (const item of items) {
          const name = item.metadata?.name;
          // The workload Secret is never desired (writeSecret writes it, and
          // gives it no spec hash): said twice, since pruning it would delete
          // every secret of the environment.
          if (
            !name ||
            desired.has(key(kind, namespace, name)) ||
            !item.metadata?.annotations?.[SPEC_HASH_ANNOTATION] ||
            (kind === 'Secret' && name === WORKLOAD_SECRET_NAME)
          ) {
            continue;
          }
          signal?.throwIfAborted();
          try {
            await this.objects.delete(
              { apiVersion, kind, metadata: { name, namespace } },
              undefined,
              undefined,
              undefined,
              undefined,
              'Background',
            );
          } catch (error) {
            if (!isNotFound(error)) {
              throw new ForwardedError(
                `Failed to delete ${kind} ${name} in namespace ${namespace}`,
                error,
              );
            }
          }
          this.logger.info(
            `Pruned ${kind} ${name} in namespace ${namespace}, no longer desired`,
            { kind, name, namespace, action: 'deleted' },
          );
          pruned.push({ kind, name, namespace, action: 'deleted' });
        }
      }
    }
    return pruned;
  }

  /**
   * Binds this provisioner's identity to its namespace role in `namespace`,
   * and waits until RBAC grants what the role holds: the orchestrator's
   * ServiceAccount holds no access to namespaced objects cluster-wide.
   */
  private async bindNamespaceRole(
    namespace: string,
    environmentLabels: Record<string, string> | undefined,
    signal?: AbortSignal,
  ): Promise<AppliedObject> {
    const binding = orchestratorBinding(
      namespace,
      await this.whoAmI(),
      environmentLabels,
    );
    const applied = await this.applyObject(binding, signal);
    if (applied.action !== 'unchanged') {
      await this.waitForNamespaceAccess(namespace);
    }
    this.accessibleNamespaces.add(namespace);
    return applied;
  }

  private async waitForNamespaceAccess(namespace: string) {
    const deadline = Date.now() + ACCESS_TIMEOUT_MS;
    for (;;) {
      const review = await this.authorization
        .createSelfSubjectAccessReview({
          body: {
            spec: {
              resourceAttributes: {
                namespace,
                verb: 'get',
                resource: 'secrets',
              },
            },
          },
        })
        .catch(error => {
          throw new ForwardedError(
            `Failed to check access to namespace ${namespace}`,
            error,
          );
        });
      if (review.status?.allowed) {
        return;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `Bound ClusterRole ${ORCHESTRATOR_NAMESPACE_ROLE} in namespace ${namespace}, but RBAC still denies access after ${
            ACCESS_TIMEOUT_MS / 1000
          } s: does the ClusterRole exist? (cluster-tools connect creates it)`,
        );
      }
      await sleep(ACCESS_POLL_INTERVAL_MS);
    }
  }

  /** The user the API server authenticates this provisioner as. */
  private whoAmI(): Promise<string> {
    if (!this.username) {
      this.username = this.authentication
        .createSelfSubjectReview({ body: {} })
        .then(review => {
          const username = review.status?.userInfo?.username;
          if (!username) {
            throw new Error('the API server did not say who this is');
          }
          return username;
        })
        .catch(error => {
          this.username = undefined;
          throw new ForwardedError(
            'Failed to find out which user the cluster authenticates the orchestrator as',
            error,
          );
        });
    }
    return this.username;
  }

  /**
   * The password of a resource whose driver asks for one: the one in its
   * credentials Secret when there is one, so that it stays the same on every
   * reconcile, otherwise a new random one (which the next `apply` stores).
   */
  async readOrCreateCredentials(
    namespace: string,
    resourceName: string,
  ): Promise<{ password: string }> {
    const name = resourceCredentialsSecretName(resourceName);
    // No environment namespace, no credentials of ours in it: a namespace of
    // someone else's is refused by `apply`, with the reason.
    const liveNamespace = await this.readNamespace(namespace);
    if (isEnvironmentNamespace(liveNamespace)) {
      if (!this.accessibleNamespaces.has(namespace)) {
        await this.bindNamespaceRole(
          namespace,
          liveNamespace!.metadata?.labels,
        );
      }
      try {
        const secret = await this.core.readNamespacedSecret({
          name,
          namespace,
        });
        const stored = secret.data?.password;
        if (stored) {
          return { password: Buffer.from(stored, 'base64').toString('utf8') };
        }
      } catch (error) {
        if (isForbidden(error)) {
          // The binding was removed behind our back: bind again next time.
          this.accessibleNamespaces.delete(namespace);
        }
        if (!isNotFound(error)) {
          throw new ForwardedError(
            `Failed to read Secret ${name} in namespace ${namespace}`,
            error,
          );
        }
      }
    }
    return { password: randomBytes(PASSWORD_BYTES).toString('base64url') };
  }

  /**
   * Deletes the environment's namespace, and with it everything in it, and
   * resolves once it is gone. Environments own no cluster-scoped objects
   * besides their namespace.
   *
   * @throws ConflictError when the namespace belongs to another environment.
   */
  async teardown(
    environment: EnvironmentLocation,
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<void> {
    const { namespace } = environment;
    const { signal } = options;
    const timeoutMs = options.timeoutMs ?? this.teardownTimeoutMs;
    const live = await this.readNamespace(namespace);
    if (!live) {
      return;
    }
    const owner = live.metadata?.labels?.[ENVIRONMENT_ID_LABEL];
    if (owner !== environment.id) {
      throw new ConflictError(
        `Namespace ${namespace} does not belong to environment ${
          environment.id
        } (${
          owner ? `it belongs to ${owner}` : 'it has no environment label'
        }); not deleting it`,
      );
    }
    signal?.throwIfAborted();
    try {
      await this.core.deleteNamespace({ name: namespace });
    } catch (error) {
      if (!isNotFound(error)) {
        throw new ForwardedError(
          `Failed to delete namespace ${namespace}`,
          error,
        );
      }
    }
    this.logger.info('Deleting namespace', {
      namespace,
      environment: environment.id,
    });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const remaining = await this.readNamespace(namespace);
      if (!remaining) {
        break;
      }
      signal?.throwIfAborted();
      if (Date.now() > deadline) {
        // Say what holds it up, from the namespace's own conditions.
        const waitingFor = ((remaining as V1Namespace).status?.conditions ?? [])
          .filter(c => c.status === 'True' && c.message)
          .map(c => c.message)
          .join('; ');
        throw new Error(
          `Namespace ${namespace} of environment ${
            environment.id
          } was not deleted within ${timeoutMs / 1000} s${
            waitingFor ? `: ${waitingFor}` : ''
          }`,
        );
      }
      await sleep(TEARDOWN_POLL_INTERVAL_MS);
    }
    this.accessibleNamespaces.delete(namespace);
    this.logger.info('Deleted namespace', {
      namespace,
      environment: environment.id,
    });
  }

  /** The objects of one kind in a namespace that match a label selector. */
  private async listLabelled(
    { apiVersion, kind }: { apiVersion: string; kind: string },
    namespace: string,
    labelSelector: string,
  ): Promise<KubernetesObject[]> {
    const list = await this.objects.list(
      apiVersion,
      kind,
      namespace,
      undefined,
      undefined,
      undefined,
      undefined,
      labelSelector,
    );
    // Items of a list do not say their kind.
    return list.items.map(item => ({ ...item, apiVersion, kind }));
  }

  /**
   * The state of the environment's Deployments and of its resources, as
   * their drivers read it from the kinds they observe, with the reason from
   * their pods when one cannot start.
   *
   * `cached`: read from the watch's copy when it is live (the caller reacts
   * to a change the watch reported, so the copy holds it); the API server
   * otherwise, and always when not given (right after a write, the watch may
   * not have seen it yet).
   */
  async status(
    environment: EnvironmentLocation,
    options: { cached?: boolean } = {},
  ): Promise<EnvironmentWorkloadStatus> {
    const { namespace } = environment;
    const labelSelector = environmentSelector(environment.id);
    const listObserved = (observedKind: ObservedKind) =>
      this.listLabelled(observedKind, namespace, labelSelector);
    let deployments: V1Deployment[];
    let pods: V1Pod[];
    let observed: KubernetesObject[][];
    const cached = options.cached
      ? this.cached(
          [
            'Deployment',
            'Pod',
            ...this.drivers.observedKinds().map(k => k.kind),
          ],
          namespace,
          { [ENVIRONMENT_ID_LABEL]: environment.id },
        )
      : undefined;
    if (cached) {
      const [cachedDeployments, cachedPods, ...cachedObserved] = cached;
      return this.statusOf(
        cachedDeployments as V1Deployment[],
        cachedPods as V1Pod[],
        cachedObserved,
      );
    }
    try {
      [deployments, pods, observed] = await Promise.all([
        this.apps
          .listNamespacedDeployment({ namespace, labelSelector })
          .then(list => list.items),
        this.core
          .listNamespacedPod({ namespace, labelSelector })
          .then(list => list.items),
        Promise.all(this.drivers.observedKinds().map(listObserved)),
      ]);
    } catch (error) {
      throw new ForwardedError(
        `Failed to read the workloads in namespace ${namespace}`,
        error,
      );
    }
    return this.statusOf(deployments, pods, observed);
  }

  private statusOf(
    deployments: V1Deployment[],
    pods: V1Pod[],
    observed: KubernetesObject[][],
  ): EnvironmentWorkloadStatus {
    const conditions = [
      ...workloadConditions({ deployments, statefulSets: [], pods }),
      ...this.drivers.readiness({ objects: observed.flat(), pods }),
    ];
    return {
      ready:
        conditions.length > 0 && conditions.every(c => c.status === 'ready'),
      conditions,
    };
  }

  /**
   * The watch's copy of each kind's objects in `namespace` with `labels`,
   * or undefined unless every kind's watch is live.
   */
  private cached(
    kinds: string[],
    namespace: string,
    labels: Record<string, string>,
  ): KubernetesObject[][] | undefined {
    const lists = kinds.map(kind => this.cache?.list(kind, namespace, labels));
    return lists.every(list => list !== undefined)
      ? (lists as KubernetesObject[][])
      : undefined;
  }

  /**
   * Where the rollout of the environment's component stands: from the
   * watch's copy while it is live (the tracker looks when the watch reported
   * a change, and often); otherwise one read of its Deployment and one
   * labelled list of its pods, at once, each bounded by the request timeout.
   */
  async observeRollout(
    environment: EnvironmentLocation & { componentRef: string },
  ): Promise<RolloutObservation> {
    const { namespace } = environment;
    const name = workloadName(environment.componentRef);
    const podLabels = {
      [ENVIRONMENT_ID_LABEL]: environment.id,
      ...workloadSelector(environment.componentRef),
    };
    const cachedDeployments = this.cache?.list('Deployment', namespace, {
      [ENVIRONMENT_ID_LABEL]: environment.id,
    });
    const cachedPods = this.cache?.list('Pod', namespace, podLabels);
    if (cachedDeployments && cachedPods) {
      return observeRolloutOf(
        cachedDeployments.find(d => d.metadata?.name === name) as
          | V1Deployment
          | undefined,
        cachedPods as V1Pod[],
      );
    }
    const labelSelector = Object.entries(podLabels)
      .map(([key, value]) => `${key}=${value}`)
      .join(',');
    try {
      // A list by name rather than a get: the orchestrator may list
      // Deployments and pods everywhere (its status watch does), so this
      // works before its RoleBinding is in the namespace, too.
      const [deployment, pods] = await Promise.all([
        this.apps
          .listNamespacedDeployment({
            namespace,
            fieldSelector: `metadata.name=${name}`,
          })
          .then(list => list.items[0]),
        this.core
          .listNamespacedPod({ namespace, labelSelector })
          .then(list => list.items),
      ]);
      return observeRolloutOf(deployment, pods);
    } catch (error) {
      throw new ForwardedError(
        `Failed to read the rollout of Deployment ${name} in namespace ${namespace}`,
        error,
      );
    }
  }

  /**
   * Sets one key of the environment's workload Secret, creating the Secret
   * on first write. The value is never logged, and no error says it.
   *
   * @throws InputError when `key` cannot be a Secret key.
   * @throws ConflictError when the namespace does not exist or is not the
   * environment's.
   */
  async writeSecret(
    environment: EnvironmentLocation,
    key: string,
    value: string,
  ): Promise<void> {
    assertSecretKey(key);
    await this.changeWorkloadSecret(
      environment,
      key,
      'set',
      secret => {
        const updatedAt = secretUpdateTimes(secret);
        updatedAt[key] = new Date().toISOString();
        return {
          data: { [key]: Buffer.from(value, 'utf8').toString('base64') },
          updatedAt,
        };
      },
      value,
    );
    this.logger.info(`Set secret ${key} of environment ${environment.id}`, {
      environment: environment.id,
      namespace: environment.namespace,
      key,
    });
  }

  /** Removes one key of the environment's workload Secret; nothing when it has none. */
  async deleteSecret(
    environment: EnvironmentLocation,
    key: string,
  ): Promise<void> {
    assertSecretKey(key);
    const deleted = await this.changeWorkloadSecret(
      environment,
      key,
      'delete',
      secret => {
        if (!secret || secret.data?.[key] === undefined) {
          return undefined;
        }
        const updatedAt = secretUpdateTimes(secret);
        delete updatedAt[key];
        return { data: { [key]: null }, updatedAt };
      },
    );
    if (deleted) {
      this.logger.info(
        `Deleted secret ${key} of environment ${environment.id}`,
        {
          environment: environment.id,
          namespace: environment.namespace,
          key,
        },
      );
    }
  }

  /** The keys of the environment's workload Secret and when each was set, never the values. */
  async listSecrets(
    environment: EnvironmentLocation,
  ): Promise<WorkloadSecretKey[]> {
    const secret = await this.readWorkloadSecret(environment);
    return secret ? secretKeys(secret) : [];
  }

  /**
   * Reads the workload Secret (undefined when there is none), after making
   * sure that the namespace is the environment's and that our RoleBinding
   * is in it.
   */
  private async readWorkloadSecret(
    environment: EnvironmentLocation,
  ): Promise<V1Secret | undefined> {
    const { namespace } = environment;
    await this.assertEnvironmentNamespace(environment);
    try {
      return await this.core.readNamespacedSecret({
        name: WORKLOAD_SECRET_NAME,
        namespace,
      });
    } catch (error) {
      if (isNotFound(error)) {
        return undefined;
      }
      if (isForbidden(error)) {
        this.accessibleNamespaces.delete(namespace);
      }
      throw new ForwardedError(
        `Failed to read Secret ${WORKLOAD_SECRET_NAME} in namespace ${namespace}`,
        error,
      );
    }
  }

  /**
   * Read, change, write: a merge patch that carries the resourceVersion it
   * read, so that two changes at once (to different keys) do not lose one
   * another's update time; on a conflict, read again and retry. Resolves to
   * whether anything was written.
   */
  private async changeWorkloadSecret(
    environment: EnvironmentLocation,
    key: string,
    action: 'set' | 'delete',
    change: (secret: V1Secret | undefined) =>
      | {
          data: Record<string, string | null>;
          updatedAt: Record<string, string>;
        }
      | undefined,
    value?: string,
  ): Promise<boolean> {
    const { namespace } = environment;
    for (let attempt = 1; ; attempt++) {
      const live = await this.readWorkloadSecret(environment);
      const next = change(live);
      if (!next) {
        return false;
      }
      const annotations = {
        [SECRET_UPDATED_AT_ANNOTATION]: canonicalJson(next.updatedAt),
      };
      try {
        if (!live) {
          await this.core.createNamespacedSecret({
            namespace,
            body: {
              apiVersion: 'v1',
              kind: 'Secret',
              type: 'Opaque',
              metadata: {
                name: WORKLOAD_SECRET_NAME,
                namespace,
                // The environment's labels, so that it is found with the
                // rest; no spec-hash annotation, so that prune keeps it.
                labels: {
                  [ENVIRONMENT_ID_LABEL]: environment.id,
                  [MANAGED_BY_LABEL]: MANAGED_BY,
                },
                annotations,
              },
              data: next.data as Record<string, string>,
            },
          });
        } else {
          await this.objects.patch(
            {
              apiVersion: 'v1',
              kind: 'Secret',
              metadata: {
                name: WORKLOAD_SECRET_NAME,
                namespace,
                resourceVersion: live.metadata?.resourceVersion,
                annotations,
              },
              data: next.data,
            } as KubernetesObject,
            undefined,
            undefined,
            FIELD_MANAGER,
            undefined,
            PatchStrategy.MergePatch,
          );
        }
        return true;
      } catch (error) {
        const conflict =
          (error as { code?: number })?.code === 409 &&
          attempt < SECRET_WRITE_ATTEMPTS;
        if (!conflict) {
          throw new ForwardedError(
            `Failed to ${action} secret ${key} in Secret ${WORKLOAD_SECRET_NAME} of namespace ${namespace}`,
            withoutValue(error, value),
          );
        }
      }
    }
  }

  /** @throws ConflictError when the namespace is not there or is not the environment's. */
  private async assertEnvironmentNamespace(environment: EnvironmentLocation) {
    const { namespace } = environment;
    const live = await this.readNamespace(namespace);
    if (!live) {
      throw new ConflictError(
        `Namespace ${namespace} of environment ${environment.id} does not exist (yet): its secrets are set once it is provisioned`,
      );
    }
    const owner = live.metadata?.labels?.[ENVIRONMENT_ID_LABEL];
    if (!isEnvironmentNamespace(live) || owner !== environment.id) {
      throw new ConflictError(
        `Namespace ${namespace} does not belong to environment ${
          environment.id
        } (${
          owner ? `it belongs to ${owner}` : 'it has no environment label'
        })`,
      );
    }
    if (!this.accessibleNamespaces.has(namespace)) {
      await this.bindNamespaceRole(namespace, live.metadata?.labels);
    }
  }

  private async read(
    object: KubernetesObject,
  ): Promise<KubernetesObject | undefined> {
    try {
      return await this.objects.read({
        apiVersion: object.apiVersion!,
        kind: object.kind!,
        metadata: {
          name: object.metadata!.name!,
          namespace: object.metadata?.namespace,
        },
      });
    } catch (error) {
      if (isNotFound(error)) {
        return undefined;
      }
      throw new ForwardedError(`Failed to read ${describe(object)}`, error);
    }
  }

  private async readNamespace(name: string) {
    return this.read({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    });
  }

  private assertSameEnvironment(
    desired: KubernetesObject,
    live: KubernetesObject,
  ) {
    const wanted = desired.metadata?.labels?.[ENVIRONMENT_ID_LABEL];
    const actual = live.metadata?.labels?.[ENVIRONMENT_ID_LABEL];
    if (wanted !== actual) {
      throw new ConflictError(
        `${describe(
          desired,
        )} already exists and does not belong to environment ${wanted} (${
          actual ? `it belongs to ${actual}` : 'it has no environment label'
        })`,
      );
    }
  }
}
