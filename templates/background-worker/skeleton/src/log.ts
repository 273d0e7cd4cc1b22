export type LogLevel = 'info' | 'error';

export type Log = (
  message: string,
  fields?: Record<string, unknown>,
  level?: LogLevel,
) => void;

/** One JSON object per line, which the cluster's log collectors parse. */
export const log: Log = (message, fields = {}, level = 'info') => {
  const line = {
    time: new Date().toISOString(),
    level,
    service: '${{ values.name }}',
    message,
    ...fields,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
};
