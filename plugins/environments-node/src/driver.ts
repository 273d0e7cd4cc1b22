import { EnvironmentType } from '@internal/backstage-plugin-environments-common';
import {
  KubernetesObject,
  V1EnvFromSource,
  V1Pod,
} from '@kubernetes/client-node';
import { z } from 'zod';
import { WorkloadCondition } from './workloadConditions';

/** What every resource of a request has, whatever its type. */
export type ResourceRequest = { type: string; name: string };

/**
 * The state of one object a driver reads its readiness from, as the
 * orchestrator records it (it adds when the state last changed).
 */
export type ResourceReadiness = WorkloadCondition;

/** A kind of Kubernetes object whose changes are a resource's readiness. */
export type ObservedKind = {
  /** For example `apps/v1`, or `v1` for the core group. */
  apiVersion: string;
  /** For example `StatefulSet`. */
  kind: string;
  /** The kind's resource name in the API, for example `statefulsets`: the path its watch takes. */
  plural: string;
};

/** The environment a resource is rendered for. */
export type ResourceEnvironment = {
  id: string;
  name: string;
  namespace: string;
  componentRef: string;
  ownerRef: string;
  /** The environment type's name. */
  type: string;
};

/** What a driver renders one resource from. */
export type ResourceRenderContext<TResource extends ResourceRequest> = {
  environment: ResourceEnvironment;
  /** The environment's configured type. */
  environmentType: EnvironmentType;
  /** The namespace every object goes to: the environment's. */
  namespace: string;
  /**
   * The labels every rendered object must carry, so that the orchestrator
   * finds, watches and removes it with the environment.
   */
  labels: Record<string, string>;
  /** The resource, as validated by the driver's `schema`. */
  resource: TResource;
  /**
   * The resource's generated password, for drivers that ask for one
   * (`credentials: 'password'`): the same on every reconcile.
   */
  credentials?: { password: string };
};

/** What a driver reads readiness from. */
export type ObservedObjects = {
  /**
   * The environment's objects of the kinds the driver observes (every
   * driver's, the driver picks its own, for example by label).
   */
  objects: KubernetesObject[];
  /** The environment's pods, which say why a workload does not start. */
  pods: V1Pod[];
};

/**
 * Connects one type of external resource (a database, a cache, a queue) to
 * the environments orchestrator: how a request for it is validated, what it
 * becomes in the cluster, and how its readiness is read back. A platform team
 * swaps the driver of a type (a StatefulSet today, a Crossplane claim
 * tomorrow) by installing another module, without a change to the
 * orchestrator.
 *
 * Drivers are added through {@link environmentResourceDriversExtensionPoint}.
 *
 * @public
 */
export interface EnvironmentResourceDriver<
  TResource extends ResourceRequest = ResourceRequest,
> {
  /** The `type` of the resources this driver provisions, e.g. `postgresql`. */
  readonly type: string;
  /** How people call it in messages, e.g. `PostgreSQL`. */
  readonly title: string;
  /**
   * The schema one resource of a request must satisfy, `type` included.
   * Rejections name the field and the rule, as `resources.N.<field>`.
   */
  readonly schema: z.ZodType<TResource>;
  /**
   * Upper bounds on what a request may ask for, checked with the schema;
   * `storage` as a Kubernetes quantity, e.g. `10Gi`.
   */
  readonly bounds?: { storage?: string };
  /**
   * `password`: the orchestrator generates a password for each resource and
   * keeps it across reconciles in the Secret named
   * {@link resourceCredentialsSecretName} (key `password`), which the driver
   * must render; it comes in as `credentials`.
   */
  readonly credentials?: 'password';
  /**
   * The objects to server-side apply for one resource, in order. Pure: the
   * same context gives the same objects, so that an idle reconcile writes
   * nothing.
   */
  render(context: ResourceRenderContext<TResource>): KubernetesObject[];
  /**
   * What the component's containers get from the resource (for example a
   * connection URL from its Secret), added to their `envFrom`.
   */
  workloadEnv?(resource: TResource): V1EnvFromSource[];
  /** The kinds whose objects `readiness` reads; the orchestrator lists and watches them. */
  readonly observes: ObservedKind[];
  /**
   * The state of this driver's objects among the environment's observed
   * ones: pending, ready, or failed with a reason and a message. The
   * environment is ready once every state of every driver is.
   */
  readiness(observed: ObservedObjects): ResourceReadiness[];
}

/**
 * The Secret in which the orchestrator keeps a resource's generated
 * password across reconciles, see {@link EnvironmentResourceDriver.credentials}.
 *
 * @public
 */
export function resourceCredentialsSecretName(resourceName: string): string {
  return `${resourceName}-credentials`;
}
