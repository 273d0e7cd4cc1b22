import { useRef, useState } from 'react';

/**
 * Runs `refetch(id)` for each id it is asked about, one request at a time
 * per id: asking again while one runs makes one more run once it is done,
 * however often it was asked meanwhile. A burst of signals about one
 * environment thus costs two requests, and the last one is sent after the
 * last signal, so it sees the last change.
 *
 * `refetch` handles its own failures; a rejection only ends that run.
 */
export function useCoalescedRefetch(
  refetch: (id: string) => Promise<void>,
): (id: string) => void {
  const latest = useRef(refetch);
  latest.current = refetch;
  const [request] = useState(() => {
    // For each id with a run on its way: whether it was asked again since.
    const running = new Map<string, boolean>();
    const run = (id: string) => {
      running.set(id, false);
      latest
        .current(id)
        .catch(() => undefined)
        .then(() => {
          if (running.get(id)) {
            run(id);
          } else {
            running.delete(id);
          }
        });
    };
    return (id: string) => {
      if (running.has(id)) {
        running.set(id, true);
      } else {
        run(id);
      }
    };
  });
  return request;
}
