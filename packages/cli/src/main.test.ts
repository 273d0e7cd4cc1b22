import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { buildProgram } from './main';
import { runCli } from './testUtils/runCli';

function leaves(command: Command, parents: string[] = []): string[][] {
  const here = [...parents, command.name()];
  return command.commands.length === 0
    ? [here.slice(1)]
    : command.commands
        .filter(sub => sub.name() !== 'help')
        .flatMap(sub => leaves(sub, here));
}

describe('idp', () => {
  it('has --help with examples on every command, and the exit codes on the top one', async () => {
    const commands = leaves(
      buildProgram({
        stdout: { write: () => {} },
        stderr: { write: () => {} },
        env: {},
      }),
    );
    expect(commands.length).toBeGreaterThanOrEqual(20);
    for (const command of commands) {
      const help = await runCli([...command, '--help']);
      expect({ command, code: help.code }).toEqual({ command, code: 0 });
      expect(help.stdout).toContain('\nExamples:\n  $ ');
    }
    const top = await runCli(['--help']);
    expect(top.stdout).toContain('Exit codes:\n  0  success');
    expect(top.stdout).toContain('7  backend unreachable');
  });

  it('exits 2 on an unknown command or no command, and 0 on --version', async () => {
    const unknown = await runCli(['deplyo']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'deplyo'");
    expect(unknown.stderr).toContain('(Did you mean deploy?)');
    expect((await runCli([])).code).toBe(2);
    const version = await runCli(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: '0.1.0\n' });
  });

  // Spawns Node with Backstage's transform: seconds on a busy machine.
  jest.setTimeout(60_000);

  it('runs as the idp binary, with its exit codes', async () => {
    const bin = path.resolve(__dirname, '../bin/idp');
    const run = promisify(execFile);
    await expect(
      run(process.execPath, [bin, '--version']),
    ).resolves.toMatchObject({ stdout: '0.1.0\n' });
    await expect(
      run(process.execPath, [bin, 'env', 'ls'], {
        env: {
          ...process.env,
          IDP_BACKEND_URL: 'http://127.0.0.1:9',
          XDG_CONFIG_HOME: '/nonexistent',
        },
      }),
    ).rejects.toMatchObject({
      code: 7,
      stderr: expect.stringContaining(
        'Cannot reach the backend at http://127.0.0.1:9',
      ),
    });
  });
});
