import { LoggerService } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  ENVIRONMENT_CHANGED_TOPIC,
  ENVIRONMENT_SIGNAL_CHANNEL,
  EnvironmentChangedEvent,
  EnvironmentSignal,
} from '@internal/backstage-plugin-environments-common';
import { Environment, EnvironmentsStore, toApiEnvironment } from '../model';
import { PublishingEnvironmentsStore } from './PublishingEnvironmentsStore';

/**
 * Tells whoever must know that an environment changed: first this replica's
 * own listeners (the reconciler's worker), then the rest of the platform. The
 * `environments.changed` event carries the whole environment, for backend
 * plugins (the catalog module turns it into a delta mutation, and other
 * replicas' workers wake up); the signal to browsers carries only what every
 * subscriber may see, `{ id, status }`, and the portal refetches the rest
 * through the permission-checked API.
 *
 * Publishing never fails the change: the catalog's periodic full sync and
 * the worker's safety poll catch up on anything lost.
 */
export class EnvironmentChangePublisher {
  private readonly localListeners: Array<() => void> = [];

  static create(options: {
    events: EventsService;
    signals: SignalsService;
    logger: LoggerService;
  }): EnvironmentChangePublisher {
    return new EnvironmentChangePublisher(
      options.events,
      options.signals,
      options.logger,
    );
  }

  private constructor(
    private readonly events: EventsService,
    private readonly signals: SignalsService,
    private readonly logger: LoggerService,
  ) {}

  /** `store`, publishing every change it makes and telling of every job it queues. */
  publishing(store: EnvironmentsStore): EnvironmentsStore {
    return new PublishingEnvironmentsStore(store, this);
  }

  /**
   * Calls `listener` on every change, here or (through the events service)
   * on another replica, and whenever a job was queued here.
   */
  async onChange(listener: () => void): Promise<void> {
    this.localListeners.push(listener);
    await this.events.subscribe({
      id: 'environments-changes',
      topics: [ENVIRONMENT_CHANGED_TOPIC],
      onEvent: async () => listener(),
    });
  }

  /** Work was queued here without changing the environment, e.g. a reconcile on request. */
  jobQueued(): void {
    this.notifyLocalListeners();
  }

  /** Publishes the change of `environment`; resolves even when publishing fails. */
  async environmentChanged(environment: Environment): Promise<void> {
    this.notifyLocalListeners();
    const event: EnvironmentChangedEvent = {
      environment: toApiEnvironment(environment),
    };
    const signal: EnvironmentSignal = {
      id: environment.id,
      status: environment.status,
    };
    try {
      await Promise.all([
        this.events.publish({
          topic: ENVIRONMENT_CHANGED_TOPIC,
          eventPayload: event,
        }),
        this.signals.publish({
          recipients: { type: 'broadcast' },
          channel: ENVIRONMENT_SIGNAL_CHANNEL,
          message: signal,
        }),
      ]);
    } catch (error) {
      this.logger.warn('Failed to publish an environment change', {
        environment: environment.id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  private notifyLocalListeners() {
    for (const listener of this.localListeners) {
      try {
        listener();
      } catch (error) {
        this.logger.warn('An environment change listener failed', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }
}
