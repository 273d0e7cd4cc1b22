import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, ForwardedError } from '@backstage/errors';
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
  V1Pod,
} from '@kubernetes/client-node';
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
  SPEC_HASH_ANNOTATION,
} from './labels';
import {
  isEnvironmentNamespace,
  ORCHESTRATOR_NAMESPACE_ROLE,
  orchestratorBinding,
} from './namespaceAccess';
import { ResourceDrivers } from './ResourceDrivers';

export const FIELD_MANAGER = 'idp-environments';

/** What `apply` did to one object. */
export type AppliedObject = {
  kind: string;
  name: string;
  namespace?: string;
  action: 'created' | 'updated' | 'unchanged';
};

export type ApplyOutcome = {
  results: AppliedObject[];
  /** API requests that changed something; 0 when everything was up to date. */
  writes: number;
};

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
  }): KubernetesProvisioner {
    return new KubernetesProvisioner(
      options.kubeConfig,
      options.logger,
      options.drivers,
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
  ) {
    this.objects = KubernetesObjectApi.makeApiClient(kubeConfig);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.apps = kubeConfig.makeApiClient(AppsV1Api);
    this.authentication = kubeConfig.makeApiClient(AuthenticationV1Api);
    this.authorization = kubeConfig.makeApiClient(AuthorizationV1Api);
  }

  /**
   * Applies the objects in order. An object whose live spec-hash annotation
   * equals the hash of the desired object is left alone, so that an idle
   * reconcile writes nothing (and does not wake up controllers). The price:
   * a change made by hand behind our back is not undone until the desired
   * object itself changes.
   *
   * Before the first object in a namespace, the provisioner binds itself its
   * namespace role there (see `namespaceAccess.ts`); that RoleBinding is part
   * of the outcome like any other object.
   *
   * @throws ConflictError when an object exists but belongs to another
   * environment (namespaces of different pairs can share a name).
   */
  async apply(objects: KubernetesObject[]): Promise<ApplyOutcome> {
    const results: AppliedObject[] = [];
    for (const object of objects) {
      const namespace = object.metadata?.namespace;
      if (namespace && !this.accessibleNamespaces.has(namespace)) {
        results.push(
          await this.bindNamespaceRole(namespace, object.metadata?.labels),
        );
      }
      try {
        results.push(await this.applyObject(object));
      } catch (error) {
        if (namespace && isForbidden((error as ForwardedError).cause)) {
          // The binding was removed behind our back: bind again next time.
          this.accessibleNamespaces.delete(namespace);
        }
        throw error;
      }
    }
    return {
      results,
      writes: results.filter(r => r.action !== 'unchanged').length,
    };
  }

  private async applyObject(object: KubernetesObject): Promise<AppliedObject> {
    const hash = specHash(object);
    const live = await this.read(object);
    const base = {
      kind: object.kind!,
      name: object.metadata!.name!,
      ...(object.metadata?.namespace && {
        namespace: object.metadata.namespace,
      }),
    };
    if (live) {
      this.assertSameEnvironment(object, live);
      if (live.metadata?.annotations?.[SPEC_HASH_ANNOTATION] === hash) {
        return { ...base, action: 'unchanged' };
      }
    }
    const withHash = {
      ...object,
      metadata: {
        ...object.metadata,
        annotations: {
          ...object.metadata?.annotations,
          [SPEC_HASH_ANNOTATION]: hash,
        },
      },
    };
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
   * Binds this provisioner's identity to its namespace role in `namespace`,
   * and waits until RBAC grants what the role holds: the orchestrator's
   * ServiceAccount holds no access to namespaced objects cluster-wide.
   */
  private async bindNamespaceRole(
    namespace: string,
    environmentLabels: Record<string, string> | undefined,
  ): Promise<AppliedObject> {
    const binding = orchestratorBinding(
      namespace,
      await this.whoAmI(),
      environmentLabels,
    );
    const applied = await this.applyObject(binding);
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
    options: { timeoutMs?: number } = {},
  ): Promise<void> {
    const { namespace } = environment;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TEARDOWN_TIMEOUT_MS;
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
    while (await this.readNamespace(namespace)) {
      if (Date.now() > deadline) {
        throw new Error(
          `Namespace ${namespace} of environment ${
            environment.id
          } was not deleted within ${timeoutMs / 1000} s`,
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

  /**
   * The state of the environment's Deployments and of its resources, as
   * their drivers read it from the kinds they observe, with the reason from
   * their pods when one cannot start.
   */
  async status(
    environment: EnvironmentLocation,
  ): Promise<EnvironmentWorkloadStatus> {
    const { namespace } = environment;
    const labelSelector = environmentSelector(environment.id);
    const listObserved = ({ apiVersion, kind }: ObservedKind) =>
      this.objects
        .list(
          apiVersion,
          kind,
          namespace,
          undefined,
          undefined,
          undefined,
          undefined,
          labelSelector,
        )
        // Items of a list do not say their kind.
        .then(list => list.items.map(item => ({ ...item, apiVersion, kind })));
    let deployments: V1Deployment[];
    let pods: V1Pod[];
    let observed: KubernetesObject[][];
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
