import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgreementRecord } from '../shared/schema/record.js';
import { sampleTreeMemory } from '../test/support/process-tree.js';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface CliRun {
  code: number | null;
  records: AgreementRecord[];
  stderr: string;
  seconds: number;
  /** Highest resident memory of the CLI and its reader processes together. */
  peakMiB: number;
  /** Most processes the CLI ran at once, itself included. */
  processes: number;
}

/**
 * The built CLI (`dist/`, as users run it; build first) on the given arguments with `--json`, its wall
 * time and the peak of its whole process tree's resident memory, sampled every 10 ms.
 */
export function measureCli(args: readonly string[]): Promise<CliRun> {
  const started = process.hrtime.bigint();
  const run = execFile(process.execPath, [join(root, 'dist', 'cli', 'agreements.js'), ...args, '--json'], { maxBuffer: 256 * 1024 * 1024 });
  const memory = sampleTreeMemory(run.pid!);
  let stdout = '';
  let stderr = '';
  run.stdout!.on('data', (chunk: string) => (stdout += chunk));
  run.stderr!.on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => {
    run.on('exit', (code) => {
      const { peakBytes, peakProcesses } = memory.stop();
      resolve({
        code,
        records: stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as AgreementRecord),
        stderr,
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        peakMiB: Math.round(peakBytes / 1024 / 1024),
        processes: peakProcesses,
      });
    });
  });
}

/** How many records have each status and first issue code, as `rejected limit.time`. */
export function outcomes(records: readonly AgreementRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const record of records) {
    const key = record.status === 'valid' ? 'valid' : `${record.status} ${record.issues[0]?.code ?? ''}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
}
