import { useApiHolder } from '@backstage/frontend-plugin-api';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  ENVIRONMENT_SIGNAL_CHANNEL,
  EnvironmentSignal,
  environmentSignalSchema,
} from '@internal/backstage-plugin-environments-common';
import { useEffect, useRef } from 'react';

/**
 * Calls `onSignal` with every signal of the `environments` channel: which
 * environment changed and its new status, nothing more, since signals go to
 * everyone. Read the environment itself through the environments API, which
 * checks that the user may see it. Messages that do not match the shared
 * schema are ignored.
 *
 * This subscribes to the signal API itself rather than through `useSignal`:
 * `useSignal` keeps only the last message in state, so two messages that
 * arrive before React renders (two environments changing at once, or a
 * condition and the status right after it) would lose the first.
 *
 * @returns whether signals are available; without them nothing is pushed.
 */
export function useEnvironmentSignal(
  onSignal: (signal: EnvironmentSignal) => void,
): { isLive: boolean } {
  const signalApi = useApiHolder().get(signalApiRef);
  const callback = useRef(onSignal);
  callback.current = onSignal;

  useEffect(() => {
    if (!signalApi) {
      return undefined;
    }
    const subscription = signalApi.subscribe(
      ENVIRONMENT_SIGNAL_CHANNEL,
      message => {
        const parsed = environmentSignalSchema.safeParse(message);
        if (parsed.success) {
          callback.current(parsed.data);
        }
      },
    );
    return () => subscription.unsubscribe();
  }, [signalApi]);

  return { isLive: Boolean(signalApi) };
}
