import { useApi } from '@backstage/frontend-plugin-api';
import { useEffect, useRef, useState } from 'react';
import { environmentsApiRef } from '../../api';
import { appendLines, LogLine, parseLogLine, splitLines } from './logLines';

/** Which log to read. */
export type LogSource = {
  pod: string;
  container: string;
  /** The container that ran before the last restart. */
  previous: boolean;
};

export type LogStreamState = 'loading' | 'following' | 'stopped' | 'ended';

const TAIL_LINES = 500;

/**
 * The lines of one container's log, streamed from the environments backend
 * (`fetch` and the response body's reader): the last lines, then, while
 * `follow` is on, each new line as the container writes it.
 *
 * Stopping keeps the lines; resuming asks only for what was written since
 * the last line (`sinceSeconds`, and lines with a later timestamp), so that
 * nothing shows twice. Another source starts over.
 */
export function useLogStream(
  environmentId: string,
  source: LogSource | undefined,
  follow: boolean,
  /** Changing it reconnects, for example to resume after the stream ended. */
  attempt = 0,
) {
  const api = useApi(environmentsApiRef);
  const [lines, setLines] = useState<LogLine[]>([]);
  const [state, setState] = useState<LogStreamState>('loading');
  const [error, setError] = useState<Error>();
  const latestLines = useRef(lines);
  latestLines.current = lines;
  const shownSource = useRef<string>();

  const sourceKey = source
    ? JSON.stringify([
        environmentId,
        source.pod,
        source.container,
        source.previous,
      ])
    : undefined;

  useEffect(() => {
    if (!source || !sourceKey) {
      return undefined;
    }
    const sameSource = shownSource.current === sourceKey;
    if (sameSource && !follow) {
      setState(current => (current === 'ended' ? current : 'stopped'));
      return undefined;
    }
    const lastTime = sameSource
      ? [...latestLines.current].reverse().find(line => line.time)?.time
      : undefined;
    if (!sameSource) {
      shownSource.current = sourceKey;
      setLines([]);
    }
    const following = follow && !source.previous;
    const controller = new AbortController();
    setState(following ? 'following' : 'loading');
    setError(undefined);

    (async () => {
      try {
        const body = await api.openLogs(
          environmentId,
          {
            pod: source.pod,
            container: source.container,
            previous: source.previous,
            follow: following,
            timestamps: true,
            ...(lastTime
              ? {
                  sinceSeconds: Math.max(
                    1,
                    Math.ceil((Date.now() - Date.parse(lastTime)) / 1000) + 1,
                  ),
                }
              : { tailLines: TAIL_LINES }),
          },
          { signal: controller.signal },
        );
        const reader = body.getReader();
        const decoder = new TextDecoder();
        let rest = '';
        for (;;) {
          const { done, value } = await reader.read();
          if (done) {
            break;
          }
          const split = splitLines(
            rest,
            decoder.decode(value, { stream: true }),
          );
          rest = split.rest;
          if (split.lines.length > 0) {
            const parsed = split.lines.map(parseLogLine);
            setLines(current => appendLines(current, parsed, lastTime));
          }
        }
        const last = rest + decoder.decode();
        if (last) {
          setLines(current =>
            appendLines(current, [parseLogLine(last)], lastTime),
          );
        }
        setState('ended');
      } catch (e) {
        if (!controller.signal.aborted) {
          setError(e as Error);
          setState('ended');
        }
      }
    })();

    return () => controller.abort();
    // `source` is followed through its key.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, environmentId, sourceKey, follow, attempt]);

  return { lines, state, error };
}
