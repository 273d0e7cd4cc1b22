import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GeneratedFile } from './scaffolderDryRun';

/** Writes the generated files into a new temporary folder. */
export async function writeProject(files: GeneratedFile[]): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'golden-path-'));
  for (const file of files) {
    const target = path.join(dir, file.path);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, file.content);
  }
  return dir;
}

export interface CommandResult {
  exitCode: number | null;
  output: string;
}

/**
 * Runs a command in `cwd` with nothing but the tools on this machine: no
 * package installs, no network.
 */
export function runCommand(
  command: string,
  args: string[],
  cwd: string,
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    // Jest's own Node options (e.g. its transforms) are not the project's.
    delete env.NODE_OPTIONS;
    const child = spawn(command, args, { cwd, env });
    let output = '';
    child.stdout.on('data', chunk => (output += chunk));
    child.stderr.on('data', chunk => (output += chunk));
    child.on('error', reject);
    child.on('close', exitCode => resolve({ exitCode, output }));
  });
}
