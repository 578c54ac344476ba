import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

export interface CliResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs the `agreements` command as a user would, from the repository root, with this process's environment. */
export function agreements(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<CliResult> {
  return run(process.execPath, ['--import', 'tsx', 'cli/agreements.ts', ...args], { cwd: root, env, maxBuffer: 64 * 1024 * 1024 }).then(
    (result) => ({ ...result, code: 0 }),
    (error: { stdout: string; stderr: string; code: number }) => ({ stdout: error.stdout, stderr: error.stderr, code: error.code }),
  );
}
