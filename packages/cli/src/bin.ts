import { spawn } from 'node:child_process';
import { main } from './main';

// The idp binary: process streams and environment, Ctrl-C ends a followed
// log or a wait (a second Ctrl-C exits at once).

function openBrowser(url: string) {
  const openers: Record<string, [string, string[]]> = {
    darwin: ['open', [url]],
    win32: ['cmd', ['/c', 'start', '', url]],
  };
  const [command, args] = openers[process.platform] ?? ['xdg-open', [url]];
  const child = spawn(command, args, { detached: true, stdio: 'ignore' });
  child.on('error', () => {
    process.stderr.write(
      `Could not open a browser; open the URL above yourself.\n`,
    );
  });
  child.unref();
}

// `idp ... | head` closes the pipe early: that ends the output, not in a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', error => {
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') process.exit(0);
    throw error;
  });
}

const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(130);
  controller.abort();
});

main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
  openBrowser,
}).then(
  code => {
    process.exitCode = code;
  },
  error => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exitCode = 1;
  },
);
