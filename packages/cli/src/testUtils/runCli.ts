import { main } from '../main';
import { CliIo } from '../io';

/** Runs idp in-process as a test would at a terminal or in a pipe, and returns what it wrote. */
export async function runCli(
  argv: string[],
  options: {
    env?: Record<string, string | undefined>;
    tty?: boolean;
    columns?: number;
    signal?: AbortSignal;
    openBrowser?: (url: string) => void;
    callbackPort?: number;
    onStdout?: (chunk: string) => void;
    onStderr?: (chunk: string) => void;
  } = {},
) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: {
      write: chunk => {
        stdout += chunk;
        options.onStdout?.(chunk);
      },
      isTTY: options.tty,
      columns: options.columns,
    },
    stderr: {
      write: chunk => {
        stderr += chunk;
        options.onStderr?.(chunk);
      },
      isTTY: options.tty,
    },
    env: options.env ?? {},
    signal: options.signal,
    pollIntervalMs: 5,
    openBrowser: options.openBrowser,
    callbackPort: options.callbackPort ?? 0,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
