import { LoggerService } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  DEPLOYMENT_CHANGED_TOPIC,
  DeploymentChangedEvent,
  ENVIRONMENT_SIGNAL_CHANNEL,
  EnvironmentSignal,
} from '@internal/backstage-plugin-environments-common';
import {
  Deployment,
  DeploymentsStore,
  EnvironmentsStore,
  errorMessage,
  toApiDeployment,
} from '../model';

/**
 * Tells the rest of the platform of every change of a deployment the store
 * committed: the `environments.deployment-changed` event carries the whole
 * deployment, for backend plugins; the signal to browsers carries only what
 * every subscriber may see (the environment's id and status, the
 * deployment's id and state), and the portal refetches the rest through the
 * permission-checked API.
 *
 * The changes of one environment are published in the order they were
 * committed, so that a subscriber keeping the latest never ends on an older
 * state. Publishing never fails the change; a failure is logged.
 */
export class DeploymentChangePublisher {
  /** The publication under way per environment; the next one waits for it. */
  private readonly pending = new Map<string, Promise<void>>();

  static create(options: {
    events: EventsService;
    signals: SignalsService;
    logger: LoggerService;
    /** Where the environment's status, for the signal, is read. */
    environments: Pick<EnvironmentsStore, 'getEnvironment'>;
  }): DeploymentChangePublisher {
    return new DeploymentChangePublisher(
      options.events,
      options.signals,
      options.logger,
      options.environments,
    );
  }

  private constructor(
    private readonly events: EventsService,
    private readonly signals: SignalsService,
    private readonly logger: LoggerService,
    private readonly environments: Pick<EnvironmentsStore, 'getEnvironment'>,
  ) {}

  /** Publishes every change `store` commits from now on. */
  subscribe(store: Pick<DeploymentsStore, 'onChange'>): void {
    store.onChange(deployment => {
      void this.deploymentChanged(deployment);
    });
  }

  /** Publishes the change of `deployment`; resolves even when publishing fails. */
  deploymentChanged(deployment: Deployment): Promise<void> {
    const { environmentId } = deployment;
    const previous = this.pending.get(environmentId) ?? Promise.resolve();
    const next = previous.then(() => this.publish(deployment));
    this.pending.set(environmentId, next);
    return next.finally(() => {
      if (this.pending.get(environmentId) === next) {
        this.pending.delete(environmentId);
      }
    });
  }

  private async publish(deployment: Deployment): Promise<void> {
    const event: DeploymentChangedEvent = {
      deployment: toApiDeployment(deployment),
    };
    await Promise.all([
      this.attempt(deployment, 'event', () =>
        this.events.publish({
          topic: DEPLOYMENT_CHANGED_TOPIC,
          eventPayload: event,
        }),
      ),
      // The signal carries the environment's status, read after the commit.
      this.attempt(deployment, 'signal', async () => {
        const environment = await this.environments.getEnvironment(
          deployment.environmentId,
        );
        const signal: EnvironmentSignal = {
          id: environment.id,
          status: environment.status,
          deployment: { id: deployment.id, state: deployment.state },
        };
        await this.signals.publish({
          recipients: { type: 'broadcast' },
          channel: ENVIRONMENT_SIGNAL_CHANNEL,
          message: signal,
        });
      }),
    ]);
  }

  private async attempt(
    deployment: Deployment,
    what: 'event' | 'signal',
    publish: () => Promise<void>,
  ): Promise<void> {
    try {
      await publish();
    } catch (error) {
      this.logger.warn(`Failed to publish the ${what} of a deployment change`, {
        environment: deployment.environmentId,
        deployment: deployment.id,
        error: errorMessage(error),
      });
    }
  }
}
