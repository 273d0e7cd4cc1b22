import {
  AuthService,
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import { ForwardedError } from '@backstage/errors';
import {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { EventParams, EventsService } from '@backstage/plugin-events-node';
import {
  Environment,
  ENVIRONMENT_CHANGED_TOPIC,
  EnvironmentsApi,
} from '@internal/backstage-plugin-environments-common';
import { readEnvironmentChangedPayload } from './environmentChangedEvent';
import { environmentEntityRef, environmentToEntity } from './environmentEntity';

const PROVIDER_NAME = 'environments';

/** An environment as an `environments.changed` event brought it. */
type ReceivedEnvironment = { environment: Environment; receivedAt: number };

function isNewer(candidate: Environment, than: Environment): boolean {
  return Date.parse(candidate.updatedAt) > Date.parse(than.updatedAt);
}

/**
 * Keeps one catalog Resource entity per live environment: a full sync of
 * every environment on a schedule (the first one at start), and a delta
 * mutation for each `environments.changed` event, so that a status change
 * shows in the catalog within seconds.
 */
export class EnvironmentEntityProvider implements EntityProvider {
  readonly #environments: Pick<EnvironmentsApi, 'listEnvironments'>;
  readonly #auth: AuthService;
  readonly #events: EventsService;
  readonly #taskRunner: SchedulerServiceTaskRunner;
  readonly #backendStarted: Promise<void>;
  readonly #logger: LoggerService;
  readonly #appBaseUrl: string;

  #connection?: EntityProviderConnection;
  /** Mutations run one at a time, so that an older one never lands last. */
  #mutations: Promise<void> = Promise.resolve();
  /** What events brought since the last full sync started, by id. */
  #received = new Map<string, ReceivedEnvironment>();

  constructor(options: {
    /** Only listing is needed: changes arrive as events. */
    environments: Pick<EnvironmentsApi, 'listEnvironments'>;
    auth: AuthService;
    events: EventsService;
    taskRunner: SchedulerServiceTaskRunner;
    /**
     * Settles once every plugin of the backend serves requests; full syncs
     * wait for it, as the environments backend may start after the catalog.
     */
    backendStarted: Promise<void>;
    logger: LoggerService;
    /** The portal's base URL, `app.baseUrl`, for links to environment pages. */
    appBaseUrl: string;
  }) {
    this.#environments = options.environments;
    this.#auth = options.auth;
    this.#events = options.events;
    this.#taskRunner = options.taskRunner;
    this.#backendStarted = options.backendStarted;
    this.#logger = options.logger;
    this.#appBaseUrl = options.appBaseUrl;
  }

  getProviderName(): string {
    return PROVIDER_NAME;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.#connection = connection;
    await this.#events.subscribe({
      id: 'environment-entity-provider',
      topics: [ENVIRONMENT_CHANGED_TOPIC],
      onEvent: params => this.#onEnvironmentChanged(params),
    });
    // The scheduler starts the first run right away, and it waits until the
    // environments backend serves.
    await this.#taskRunner.run({
      id: `${PROVIDER_NAME}:full-sync`,
      fn: async () => {
        await this.#backendStarted;
        await this.fullSync();
      },
    });
  }

  /** Replaces every entity of this provider with the live environments. */
  async fullSync(): Promise<void> {
    const connection = this.#requireConnection();
    const startedAt = Date.now();
    let listed: Environment[];
    try {
      const { token } = await this.#auth.getPluginRequestToken({
        onBehalfOf: await this.#auth.getOwnServiceCredentials(),
        targetPluginId: 'environments',
      });
      ({ items: listed } = await this.#environments.listEnvironments(
        {},
        { token },
      ));
    } catch (error) {
      throw new ForwardedError(
        'Failed to list environments for the catalog',
        error,
      );
    }

    await this.#serially(async () => {
      // An event received while the list was on its way may be newer than
      // the list: keep it, or the full mutation would undo its delta.
      const byId = new Map(listed.map(e => [e.id, e]));
      for (const [id, { environment, receivedAt }] of this.#received) {
        const fromList = byId.get(id);
        if (
          receivedAt >= startedAt &&
          (!fromList || !isNewer(fromList, environment))
        ) {
          byId.set(id, environment);
        }
      }
      const live = [...byId.values()].filter(e => e.status !== 'deleted');
      await connection.applyMutation({
        type: 'full',
        entities: live.map(e => this.#toDeferredEntity(e)),
      });
      for (const [id, { receivedAt }] of this.#received) {
        if (receivedAt < startedAt) {
          this.#received.delete(id);
        }
      }
      this.#logger.info('Synced environments to the catalog', {
        environments: live.length,
      });
    });
  }

  async #onEnvironmentChanged(params: EventParams): Promise<void> {
    const connection = this.#connection;
    if (!connection) {
      return; // Not connected yet; the first full sync will catch up.
    }
    const payload = readEnvironmentChangedPayload(params.eventPayload);
    if ('problems' in payload) {
      this.#logger.warn(
        `Ignored an ${ENVIRONMENT_CHANGED_TOPIC} event with an invalid payload`,
        { problems: payload.problems.join('; ') },
      );
      return;
    }
    const { environment } = payload;

    await this.#serially(async () => {
      const known = this.#received.get(environment.id)?.environment;
      if (known && isNewer(known, environment)) {
        return; // An older change that arrived late.
      }
      this.#received.set(environment.id, {
        environment,
        receivedAt: Date.now(),
      });
      if (environment.status === 'deleted') {
        await connection.applyMutation({
          type: 'delta',
          added: [],
          removed: [
            {
              entityRef: environmentEntityRef(environment),
              locationKey: PROVIDER_NAME,
            },
          ],
        });
      } else {
        await connection.applyMutation({
          type: 'delta',
          added: [this.#toDeferredEntity(environment)],
          removed: [],
        });
      }
      this.#logger.debug('Applied an environment change to the catalog', {
        environment: environment.id,
        status: environment.status,
      });
    });
  }

  #toDeferredEntity(environment: Environment): DeferredEntity {
    return {
      entity: environmentToEntity(environment, {
        appBaseUrl: this.#appBaseUrl,
      }),
      locationKey: PROVIDER_NAME,
    };
  }

  #serially(work: () => Promise<void>): Promise<void> {
    const done = this.#mutations.then(work);
    this.#mutations = done.catch(() => {});
    return done;
  }

  #requireConnection(): EntityProviderConnection {
    if (!this.#connection) {
      throw new Error(`The ${PROVIDER_NAME} entity provider is not connected`);
    }
    return this.#connection;
  }
}
