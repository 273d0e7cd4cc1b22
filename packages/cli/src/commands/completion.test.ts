import { execFileSync } from 'node:child_process';
import { runCli } from '../testUtils/runCli';

describe('idp completion', () => {
  it('prints a bash script that bash accepts, with every command and the env subcommands', async () => {
    const result = await runCli(['completion', 'bash']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('complete -F _idp_completion idp');
    expect(result.stdout).toMatch(
      /"env"\) words="ls list get types request create wait extend rm delete /,
    );
    expect(result.stdout).toMatch(/"deploy"\) words=".*--tag/);
    execFileSync('bash', ['-n'], { input: result.stdout });

    // What bash completes after `idp env r`.
    const completions = execFileSync(
      'bash',
      [
        '-c',
        `${result.stdout}\nCOMP_WORDS=(idp env r); COMP_CWORD=2; _idp_completion; echo "\${COMPREPLY[@]}"`,
      ],
      { encoding: 'utf8' },
    );
    expect(completions.trim()).toBe('request rm');
  });

  it('prints a zsh script through bashcompinit, and refuses another shell', async () => {
    const zsh = await runCli(['completion', 'zsh']);
    expect(zsh.stdout).toMatch(/^#compdef idp\n/);
    expect(zsh.stdout).toContain('bashcompinit');
    const fish = await runCli(['completion', 'fish']);
    expect(fish.code).toBe(2);
    expect(fish.stderr).toBe(
      'error: shell must be one of: bash, zsh (got "fish")\n',
    );
  });
});
