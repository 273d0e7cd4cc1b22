import { Command, CommanderError, Option } from 'commander';
import { registerApprovalCommands } from './commands/approvals';
import { registerAuthCommands } from './commands/auth';
import { registerCompletionCommand } from './commands/completion';
import { registerDeployCommands } from './commands/deploy';
import { registerEnvCommands } from './commands/env';
import { registerObserveCommands } from './commands/observe';
import { registerPolicyCommands } from './commands/policy';
import { CliContext, GlobalOptions } from './context';
import { describeFailure, exitCodeOf } from './errors';
import { EXIT, EXIT_CODES_HELP } from './exitCodes';
import { CliIo } from './io';
import { colorsFor } from './output/color';
import { OUTPUT_FORMATS } from './output/format';

const ENVIRONMENT_HELP = `Environment variables:
  IDP_BACKEND_URL  the backend (default: the one last logged in to, else http://localhost:7007)
  IDP_TOKEN        a token to send instead of the stored login (for CI)
  NO_COLOR         no colours (neither are used when output is not a terminal)
  XDG_CONFIG_HOME  where idp/config.json and idp/credentials.json are kept (default ~/.config)`;

/** The whole command tree; `main` builds a new one for each run. */
export function buildProgram(io: CliIo, contexts: CliContext[] = []): Command {
  const program = new Command('idp')
    .description(
      "The Internal Developer Platform from a terminal: environments, deployments,\npromotions, rollbacks, approvals, logs and events, through the platform's API.",
    )
    .version('0.1.0', '-V, --version')
    .option('--backend-url <url>', 'the platform backend (env IDP_BACKEND_URL)')
    .option(
      '--token <token>',
      'a token to send instead of the stored login (env IDP_TOKEN)',
    )
    .addOption(
      new Option(
        '-o, --output <format>',
        'table for people, json or yaml for scripts',
      )
        .choices(OUTPUT_FORMATS)
        .default('table'),
    )
    .option(
      '--no-color',
      'no colours (also: NO_COLOR, or output that is not a terminal)',
    )
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: text => io.stdout.write(text),
      writeErr: text => io.stderr.write(text),
      outputError: (text, write) => write(text),
    })
    .addHelpText(
      'after',
      `\n${EXIT_CODES_HELP}\n\n${ENVIRONMENT_HELP}\n\nExamples:
  $ idp login
  $ idp env request --component orders-service --type development --wait
  $ idp deploy orders-service/development --tag 1.4.2 --wait
  $ idp promote orders-service/staging --wait
  $ idp rollback orders-service/staging --reason "checkout errors" --wait
  $ idp logs orders-service/development -f\n`,
    );

  const runtime = {
    context(command: Command) {
      const context = new CliContext(
        io,
        command.optsWithGlobals<GlobalOptions>(),
      );
      contexts.push(context);
      return context;
    },
  };
  registerAuthCommands(program, runtime);
  registerEnvCommands(program, runtime);
  registerDeployCommands(program, runtime);
  registerApprovalCommands(program, runtime);
  registerObserveCommands(program, runtime);
  registerPolicyCommands(program, runtime);
  registerCompletionCommand(program, runtime);
  return program;
}

/**
 * Runs `idp` with `argv` (the arguments after the program name) and returns
 * its exit code; the binary passes process.argv and exits with it, tests
 * pass their own streams and environment.
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const contexts: CliContext[] = [];
  const program = buildProgram(io, contexts);
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.invalid;
    }
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with exit code 0; a usage error has been printed.
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.help' ||
        error.code === 'commander.version'
      ) {
        return EXIT.ok;
      }
      return EXIT.invalid;
    }
    const context = contexts[contexts.length - 1];
    let backendUrl: string | undefined;
    try {
      backendUrl = await context?.backendUrl();
    } catch {
      backendUrl = undefined;
    }
    io.stderr.write(
      describeFailure(error, {
        backendUrl,
        colors: context?.errorColors ?? colorsFor(io.stderr, io.env),
      }),
    );
    return exitCodeOf(error);
  }
}
