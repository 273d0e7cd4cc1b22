/**
 * Waits `ms`, or rejects as soon as `signal` aborts (the task was cancelled).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new Error('The task was cancelled'));
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('The task was cancelled'));
    };
    timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Calls `attempt` right away and then every `intervalMs` until it returns a
 * value, and throws what `onTimeout` builds once `timeoutMs` have passed
 * without one. Errors thrown by `attempt` end the polling.
 */
export async function pollUntil<T>(options: {
  attempt: () => Promise<T | undefined>;
  intervalMs: number;
  timeoutMs: number;
  onTimeout: () => Error;
  signal?: AbortSignal;
}): Promise<T> {
  const { attempt, intervalMs, timeoutMs, onTimeout, signal } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await attempt();
    if (result !== undefined) {
      return result;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw onTimeout();
    }
    await sleep(Math.min(intervalMs, remaining), signal);
  }
}
