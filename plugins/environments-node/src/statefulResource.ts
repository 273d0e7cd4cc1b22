import {
  KubernetesObject,
  V1EnvVar,
  V1Secret,
  V1Service,
  V1StatefulSet,
} from '@kubernetes/client-node';
import {
  ObservedObjects,
  resourceCredentialsSecretName,
  ResourceReadiness,
  ResourceRenderContext,
  ResourceRequest,
} from './driver';
import { base64, objectMetadata, statefulSetReadiness } from './objects';
import {
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from './podSecurity';

const APP_NAME_LABEL = 'app.kubernetes.io/name';

/**
 * What a single-replica stateful resource (a database, a cache) differs in
 * from another: its software, its port, where it keeps its data and how it
 * is reached.
 *
 * @public
 */
export type StatefulResourceSpec = {
  /**
   * The software, for example `postgresql`: the `app.kubernetes.io/name`
   * label, and the name of the container and of its port.
   */
  app: string;
  image: string;
  port: number;
  /** Where the container mounts its data volume. */
  dataPath: string;
  /** The size of the data volume, for example `1Gi`. */
  storage: string;
  /**
   * The connection to the resource at `host`, in plain text: the keys of its
   * credentials Secret.
   */
  connection: (host: string) => Record<string, string>;
  args?: string[];
  /**
   * The numeric user the image runs its server as (999 in the official
   * `postgres` and `redis` images): the pod runs as that user from the start,
   * as the `restricted` Pod Security level demands, and owns its volume.
   */
  runAsUser: number;
  /**
   * The container's environment; {@link credentialsSecretEnv} takes a value
   * from the credentials Secret.
   */
  env: V1EnvVar[];
};

/**
 * The resource's password, which the orchestrator passes to drivers that ask
 * for one (`credentials: 'password'`); a driver never makes one up.
 *
 * @public
 */
export function requiredPassword(
  context: Pick<
    ResourceRenderContext<ResourceRequest>,
    'resource' | 'credentials'
  >,
  title: string,
): string {
  const password = context.credentials?.password;
  if (!password) {
    throw new Error(
      `No credentials for ${title} resource "${context.resource.name}"`,
    );
  }
  return password;
}

/**
 * An environment variable of a resource's container taken from `key` of the
 * resource's credentials Secret, so that the value is never in the spec.
 *
 * @public
 */
export function credentialsSecretEnv(
  resourceName: string,
  name: string,
  key: string,
): V1EnvVar {
  return {
    name,
    valueFrom: {
      secretKeyRef: { name: resourceCredentialsSecretName(resourceName), key },
    },
  };
}

/**
 * A stateful resource as a single-replica StatefulSet with its data volume,
 * a headless Service (the pod's stable DNS name) and the Secret holding the
 * connection, every object labelled for the environment. Its pod meets the
 * `restricted` Pod Security Standard.
 *
 * @public
 */
export function statefulResourceObjects(
  context: Pick<
    ResourceRenderContext<ResourceRequest>,
    'namespace' | 'labels' | 'resource'
  >,
  spec: StatefulResourceSpec,
): KubernetesObject[] {
  const { name } = context.resource;
  const selector = {
    [APP_NAME_LABEL]: spec.app,
    'app.kubernetes.io/instance': name,
  };
  // A new object each time: the orchestrator may add to one's metadata.
  const metadata = () => objectMetadata(context, name, selector);
  const host = `${name}.${context.namespace}.svc.cluster.local`;

  const secret: V1Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: objectMetadata(
      context,
      resourceCredentialsSecretName(name),
      selector,
    ),
    type: 'Opaque',
    data: Object.fromEntries(
      Object.entries(spec.connection(host)).map(([key, value]) => [
        key,
        base64(value),
      ]),
    ),
  };

  const service: V1Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(),
    spec: {
      clusterIP: 'None',
      selector,
      ports: [{ name: spec.app, port: spec.port }],
    },
  };

  const statefulSet: V1StatefulSet = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: metadata(),
    spec: {
      serviceName: name,
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: metadata().labels },
        spec: {
          securityContext: restrictedPodSecurityContext(spec.runAsUser),
          containers: [
            {
              name: spec.app,
              image: spec.image,
              securityContext: restrictedContainerSecurityContext(),
              ...(spec.args && { args: spec.args }),
              ports: [{ name: spec.app, containerPort: spec.port }],
              env: spec.env,
              volumeMounts: [{ name: 'data', mountPath: spec.dataPath }],
            },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data', labels: metadata().labels },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: spec.storage } },
          },
        },
      ],
    },
  };

  return [secret, service, statefulSet];
}

/**
 * The readiness of the StatefulSets that {@link statefulResourceObjects}
 * rendered for `app`.
 *
 * @public
 */
export function statefulResourceReadiness(
  observed: ObservedObjects,
  app: string,
): ResourceReadiness[] {
  return statefulSetReadiness(observed, { [APP_NAME_LABEL]: app });
}
