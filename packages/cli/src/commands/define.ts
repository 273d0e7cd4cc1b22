import { Command } from 'commander';
import { CliContext } from '../context';

/** What each group of commands gets: a way to make the context of a run. */
export type Runtime = {
  context(command: Command): CliContext;
};

/** Adds an Examples section to a command's --help. */
export function withExamples(command: Command, examples: string[]): Command {
  return command.addHelpText(
    'after',
    `\nExamples:\n${examples.map(example => `  $ ${example}`).join('\n')}\n`,
  );
}

/** The --wait and --timeout flags of a command that starts something. */
export function addWaitOptions(command: Command, what: string): Command {
  return command
    .option('--wait', `wait until ${what}, with a progress line on stderr`)
    .option(
      '--timeout <duration>',
      'how long --wait waits, such as 90s, 10m or 1h (exit code 6 when it runs out)',
      '10m',
    );
}
