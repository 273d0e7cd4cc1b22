/** One line of a container's log. */
export type LogLine = {
  /** When the container wrote it (RFC 3339), when the server said so. */
  time?: string;
  text: string;
};

const TIMESTAMPED =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) (.*)$/;

/** A line as the server sends it with `timestamps=true`: "<RFC 3339> <text>". */
export function parseLogLine(raw: string): LogLine {
  const match = TIMESTAMPED.exec(raw);
  return match ? { time: match[1], text: match[2] } : { text: raw };
}

/**
 * Splits a growing text into lines: returns the complete lines, and the
 * start of the next one to prepend to the following chunk.
 */
export function splitLines(
  pending: string,
  chunk: string,
): { lines: string[]; rest: string } {
  const parts = (pending + chunk).split('\n');
  const rest = parts.pop() ?? '';
  return { lines: parts.map(line => line.replace(/\r$/, '')), rest };
}

/**
 * Compares RFC 3339 times exactly, nanoseconds included; `Date` would cut
 * them to milliseconds and take two lines of the same millisecond as one.
 */
export function isAfter(time: string, than: string): boolean {
  const normalize = (t: string) => {
    const [seconds, fraction = ''] = t.replace(/Z$/, '').split('.');
    return `${seconds}.${fraction.padEnd(9, '0')}`;
  };
  return normalize(time) > normalize(than);
}

/** The most lines kept in the page; the oldest go first. */
export const MAX_LINES = 10_000;

export function appendLines(
  current: LogLine[],
  added: LogLine[],
  after?: string,
): LogLine[] {
  const fresh = after
    ? added.filter(line => !line.time || isAfter(line.time, after))
    : added;
  if (fresh.length === 0) {
    return current;
  }
  const all = current.concat(fresh);
  return all.length > MAX_LINES ? all.slice(all.length - MAX_LINES) : all;
}
