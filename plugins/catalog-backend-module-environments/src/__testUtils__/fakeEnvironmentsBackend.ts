import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { EventsService, eventsServiceRef } from '@backstage/plugin-events-node';
import { Environment } from '@internal/backstage-plugin-environments-common';
import express from 'express';

/**
 * A stand-in for the environments backend, for tests: the plugin id
 * `environments`, `GET /environments` from an in-memory list (only service
 * callers, deleted environments left out, as the real one does), and an
 * `environments.changed` event for each change.
 */
export function fakeEnvironmentsBackend(initial: Environment[] = []) {
  const environments = new Map(initial.map(e => [e.id, e]));
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
            res.json({
              items: [...environments.values()].filter(
                e => e.status !== 'deleted',
              ),
            });
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
      environments.set(environment.id, environment);
      if (!events) {
        throw new Error('The fake environments backend has not started');
      }
      await events.publish({
        topic: 'environments.changed',
        eventPayload: { environment },
      });
    },
    /** Stores a change without telling anyone, like a lost event. */
    changeSilently(environment: Environment): void {
      environments.set(environment.id, environment);
    },
  };
}
