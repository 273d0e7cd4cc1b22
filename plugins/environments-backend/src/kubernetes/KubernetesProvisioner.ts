import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, ForwardedError } from '@backstage/errors';
import { ResourceCondition } from '@internal/backstage-plugin-environments-common';
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  V1Deployment,
  V1StatefulSet,
} from '@kubernetes/client-node';
import { createHash, randomBytes } from 'node:crypto';
import { canonicalJson } from '../database/canonicalJson';
import { postgresCredentialsSecretName } from './desiredObjects';
import {
  ENVIRONMENT_ID_LABEL,
  environmentSelector,
  SPEC_HASH_ANNOTATION,
} from './labels';

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
export type WorkloadCondition = Omit<ResourceCondition, 'lastTransitionTime'>;

export type EnvironmentWorkloadStatus = {
  /** Every Deployment and StatefulSet has all its replicas available. */
  ready: boolean;
  conditions: WorkloadCondition[];
};

/** What the provisioner needs to know of an environment to find its objects. */
export type EnvironmentLocation = { id: string; namespace: string };

const DEFAULT_TEARDOWN_TIMEOUT_MS = 120_000;
const TEARDOWN_POLL_INTERVAL_MS = 500;
/** 32 characters of base64url: 192 random bits, and safe in a URL. */
const PASSWORD_BYTES = 24;

function isNotFound(error: unknown): boolean {
  return (error as { code?: number })?.code === 404;
}

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
  }): KubernetesProvisioner {
    return new KubernetesProvisioner(options.kubeConfig, options.logger);
  }

  private readonly objects: KubernetesObjectApi;
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;

  private constructor(
    kubeConfig: KubeConfig,
    private readonly logger: LoggerService,
  ) {
    this.objects = KubernetesObjectApi.makeApiClient(kubeConfig);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.apps = kubeConfig.makeApiClient(AppsV1Api);
  }

  /**
   * Applies the objects in order. An object whose live spec-hash annotation
   * equals the hash of the desired object is left alone, so that an idle
   * reconcile writes nothing (and does not wake up controllers). The price:
   * a change made by hand behind our back is not undone until the desired
   * object itself changes.
   *
   * @throws ConflictError when an object exists but belongs to another
   * environment (namespaces of different pairs can share a name).
   */
  async apply(objects: KubernetesObject[]): Promise<ApplyOutcome> {
    const results: AppliedObject[] = [];
    let writes = 0;
    for (const object of objects) {
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
          results.push({ ...base, action: 'unchanged' });
          continue;
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
        writes += 1;
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
      results.push({ ...base, action });
    }
    return { results, writes };
  }

  /**
   * The password of a PostgreSQL resource: the one in its Secret when there
   * is one, so that it stays the same on every reconcile, otherwise a new
   * random one (which the next `apply` stores).
   */
  async readOrCreateCredentials(
    namespace: string,
    resourceName: string,
  ): Promise<{ password: string }> {
    const name = postgresCredentialsSecretName(resourceName);
    try {
      const secret = await this.core.readNamespacedSecret({ name, namespace });
      const stored = secret.data?.password;
      if (stored) {
        return { password: Buffer.from(stored, 'base64').toString('utf8') };
      }
    } catch (error) {
      if (!isNotFound(error)) {
        throw new ForwardedError(
          `Failed to read Secret ${name} in namespace ${namespace}`,
          error,
        );
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
      await new Promise(resolve =>
        setTimeout(resolve, TEARDOWN_POLL_INTERVAL_MS),
      );
    }
    this.logger.info('Deleted namespace', {
      namespace,
      environment: environment.id,
    });
  }

  /** The state of the environment's Deployments and StatefulSets. */
  async status(
    environment: EnvironmentLocation,
  ): Promise<EnvironmentWorkloadStatus> {
    const { namespace } = environment;
    const labelSelector = environmentSelector(environment.id);
    let deployments: V1Deployment[];
    let statefulSets: V1StatefulSet[];
    try {
      [deployments, statefulSets] = await Promise.all([
        this.apps
          .listNamespacedDeployment({ namespace, labelSelector })
          .then(list => list.items),
        this.apps
          .listNamespacedStatefulSet({ namespace, labelSelector })
          .then(list => list.items),
      ]);
    } catch (error) {
      throw new ForwardedError(
        `Failed to read the workloads in namespace ${namespace}`,
        error,
      );
    }
    const conditions = [
      ...deployments.map(deploymentCondition),
      ...statefulSets.map(statefulSetCondition),
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

function replicaCondition(
  kind: string,
  object: V1Deployment | V1StatefulSet,
  available: number,
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
  return {
    kind,
    name,
    status: 'pending',
    reason: 'ReplicasUnavailable',
    message: `${available} of ${desired} replicas available, ${updated} up to date`,
  };
}

function deploymentCondition(deployment: V1Deployment): WorkloadCondition {
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
  );
}

function statefulSetCondition(statefulSet: V1StatefulSet): WorkloadCondition {
  return replicaCondition(
    'StatefulSet',
    statefulSet,
    statefulSet.status?.availableReplicas ??
      statefulSet.status?.readyReplicas ??
      0,
  );
}
