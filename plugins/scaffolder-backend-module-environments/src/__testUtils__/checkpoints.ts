import { JsonValue } from '@backstage/types';

/**
 * Checkpoints as the scaffolder keeps them for a task: a checkpoint that
 * succeeded returns its stored value on later runs instead of running again;
 * one that failed runs again. Pass `checkpoint` to several runs of an action
 * to play a task being retried.
 */
export function checkpointStore() {
  const state = new Map<string, JsonValue>();
  return {
    state,
    async checkpoint<T extends JsonValue | void>(options: {
      key: string;
      fn: () => Promise<T> | T;
    }): Promise<T> {
      if (state.has(options.key)) {
        return state.get(options.key) as T;
      }
      const value = await options.fn();
      state.set(options.key, (value ?? {}) as JsonValue);
      return value;
    },
  };
}
