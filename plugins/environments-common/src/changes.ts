import { z } from 'zod';
import {
  deploymentSchema,
  deploymentStateSchema,
} from './deployments/deployment';
import { environmentSchema, environmentStatusSchema } from './types';

/**
 * The events topic on which the environments backend reports every change of
 * an environment; the catalog module turns each into a delta mutation.
 *
 * @public
 */
export const ENVIRONMENT_CHANGED_TOPIC = 'environments.changed';

/**
 * The signals channel on which the environments backend tells the portal
 * that an environment changed, with an {@link EnvironmentSignal}.
 *
 * @public
 */
export const ENVIRONMENT_SIGNAL_CHANNEL = 'environments';

/**
 * The zod schema of {@link EnvironmentChangedEvent}.
 *
 * @public
 */
export const environmentChangedEventSchema = z.object({
  environment: environmentSchema,
});

/**
 * The payload of `environments.changed` events: the whole environment, for
 * other backend plugins and modules (the catalog module). Never sent to
 * browsers; they get an {@link EnvironmentSignal}.
 *
 * @public
 */
export type EnvironmentChangedEvent = z.infer<
  typeof environmentChangedEventSchema
>;

/**
 * The payload of `environments.changed` events; another name of
 * {@link EnvironmentChangedEvent}.
 *
 * @public
 */
export type EnvironmentChangedPayload = EnvironmentChangedEvent;

/**
 * The events topic on which the environments backend reports every change of
 * a deployment (created, approved, rolled out, failed, superseded).
 *
 * @public
 */
export const DEPLOYMENT_CHANGED_TOPIC = 'environments.deployment-changed';

/**
 * The zod schema of {@link DeploymentChangedEvent}.
 *
 * @public
 */
export const deploymentChangedEventSchema = z.object({
  deployment: deploymentSchema,
});

/**
 * The payload of `environments.deployment-changed` events, for other backend
 * plugins; browsers get an {@link EnvironmentSignal} with its `deployment`.
 *
 * @public
 */
export type DeploymentChangedEvent = z.infer<
  typeof deploymentChangedEventSchema
>;

/**
 * The zod schema of {@link EnvironmentSignal}.
 *
 * @public
 */
export const environmentSignalSchema = z.object({
  id: z.string().min(1, 'must not be empty'),
  status: environmentStatusSchema,
  /** Set when what changed is one of the environment's deployments. */
  deployment: z
    .object({ id: z.string().min(1), state: deploymentStateSchema })
    .optional(),
});

/**
 * The only thing published on the `environments` signals channel: which
 * environment changed and its new status, which every subscriber may see.
 * Subscribers refetch the environment through the permission-checked API.
 *
 * @public
 */
export type EnvironmentSignal = z.infer<typeof environmentSignalSchema>;

/**
 * The label the environments backend puts on every Kubernetes object of an
 * environment, with the environment's id: it finds everything of one
 * environment, for the backend and for Backstage's Kubernetes plugin.
 *
 * @public
 */
export const ENVIRONMENT_ID_LABEL = 'environments.idp.dev/id';

/**
 * The label with the environment type's name, on every Kubernetes object of
 * an environment and on its catalog entity, whose filters select by it.
 *
 * @public
 */
export const ENVIRONMENT_TYPE_LABEL = 'environments.idp.dev/type';

/**
 * The annotations the catalog module writes on an environment's catalog
 * entity (kind Resource, type environment), which the portal reads.
 *
 * @public
 */
export const ENVIRONMENT_ID_ANNOTATION = 'environments.idp.dev/id';
/** @public */
export const ENVIRONMENT_TYPE_ANNOTATION = 'environments.idp.dev/type';
/** @public */
export const ENVIRONMENT_STATUS_ANNOTATION = 'environments.idp.dev/status';
/** @public */
export const ENVIRONMENT_STATUS_REASON_ANNOTATION =
  'environments.idp.dev/status-reason';
/** @public */
export const ENVIRONMENT_EXPIRES_AT_ANNOTATION =
  'environments.idp.dev/expires-at';
