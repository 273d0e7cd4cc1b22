import { useApiHolder } from '@backstage/frontend-plugin-api';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  Environment,
  ENVIRONMENT_SIGNAL_CHANNEL,
} from '@internal/backstage-plugin-environments-common';
import { useEffect, useRef } from 'react';

function environmentOf(message: unknown): Environment | undefined {
  const environment = (message as { environment?: Partial<Environment> })
    ?.environment;
  return typeof environment?.id === 'string' &&
    typeof environment.status === 'string'
    ? (environment as Environment)
    : undefined;
}

/**
 * Calls `onEnvironment` with every environment the backend pushes on the
 * `environments` signal channel.
 *
 * This subscribes to the signal API itself rather than through `useSignal`:
 * `useSignal` keeps only the last message in state, so two messages that
 * arrive before React renders (two environments changing at once, or a
 * condition and the status right after it) would lose the first.
 *
 * @returns whether signals are available; without them nothing is pushed.
 */
export function useEnvironmentSignal(
  onEnvironment: (environment: Environment) => void,
): { isLive: boolean } {
  const signalApi = useApiHolder().get(signalApiRef);
  const callback = useRef(onEnvironment);
  callback.current = onEnvironment;

  useEffect(() => {
    if (!signalApi) {
      return undefined;
    }
    const subscription = signalApi.subscribe(
      ENVIRONMENT_SIGNAL_CHANNEL,
      message => {
        const environment = environmentOf(message);
        if (environment) {
          callback.current(environment);
        }
      },
    );
    return () => subscription.unsubscribe();
  }, [signalApi]);

  return { isLive: Boolean(signalApi) };
}
