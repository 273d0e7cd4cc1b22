import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { EventsService, eventsServiceRef } from '@backstage/plugin-events-node';
import {
  Environment,
  ENVIRONMENT_CHANGED_TOPIC,
  EnvironmentChangedEvent,
} from '@internal/backstage-plugin-environments-common';
import { FakeEnvironmentsApi } from '@internal/backstage-plugin-environments-common/testUtils';
import express from 'express';

/**
 * A stand-in for the environments backend, for tests: the plugin id
 * `environments`, `GET /environments` answered by the shared in-memory
 * environments API (only service callers, deleted environments left out, as
 * the real one does), and an `environments.changed` event for each change.
 */
export function fakeEnvironmentsBackend(initial: Environment[] = []) {
  const environments = new FakeEnvironmentsApi();
  initial.forEach(environment => environments.add(environment));
  /** The subject of each caller of `GET /environments`, in order. */
  const listCallers: string[] = [];
  let events: EventsService | undefined;

  const plugin = createBackendPlugin({
    pluginId: 'environments',
    register(env) {
      env.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
          events: eventsServiceRef,
        },
        async init({ httpRouter, httpAuth, events: pluginEvents }) {
          events = pluginEvents;
          const router = express.Router();
          router.get('/environments', async (req, res) => {
            const credentials = await httpAuth.credentials(req, {
              allow: ['service'],
            });
            listCallers.push(credentials.principal.subject);
            res.json(await environments.listEnvironments());
          });
          httpRouter.use(router);
        },
      });
    },
  });

  return {
    plugin,
    listCallers,
    /** Stores a change and publishes it, as the real backend does. */
    async change(environment: Environment): Promise<void> {
      environments.add(environment);
      if (!events) {
        throw new Error('The fake environments backend has not started');
      }
      const eventPayload: EnvironmentChangedEvent = { environment };
      await events.publish({ topic: ENVIRONMENT_CHANGED_TOPIC, eventPayload });
    },
    /** Stores a change without telling anyone, like a lost event. */
    changeSilently(environment: Environment): void {
      environments.add(environment);
    },
  };
}
