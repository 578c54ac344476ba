import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bulkAgreements } from '../fixtures/generator/bulk.js';
import { forEachLimited } from '../shared/concurrency.js';
import { measureCli } from './cli-run.js';

const run = promisify(execFile);
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export interface DigitalFolderSpeed {
  documents: number;
  runs: number;
  /** `agreements extract FOLDER --json`, default settings (readers on), whole process. */
  oursMedianSeconds: number;
  /** `pdftotext -layout` over the same files, one process per file, as many at once as there are cores. */
  pdftotextMedianSeconds: number;
  /** Ours divided by the baseline's. */
  ratio: number;
  oursPeakMiB: number;
}

/**
 * The speed a user sees on a folder of digital agreements: the built CLI with its default settings (each
 * document read in a reader process under its limits) over a folder, against poppler's `pdftotext` run
 * over the same files in its fastest honest setting here (one process per file, which is how it reads a
 * folder, one per core at a time). Both as whole processes, alternating, the median of `runs` of each.
 * The agreements are made from a seed no test uses.
 */
export async function digitalFolderSpeed({ documents = 100, runs = 5 } = {}): Promise<DigitalFolderSpeed> {
  const folder = mkdtempSync(join(tmpdir(), 'bench-digital-folder-'));
  try {
    const agreements = await bulkAgreements(documents, { seed: 1_129_2026, prefix: 'ordner' });
    const files = agreements.map(({ fileName, bytes }) => {
      const path = join(folder, fileName);
      writeFileSync(path, bytes);
      return path;
    });
    const ours: number[] = [];
    const baseline: number[] = [];
    let oursPeakMiB = 0;
    for (let round = 0; round < runs; round++) {
      const cli = await measureCli(['extract', folder]);
      if (cli.code !== 0 || cli.records.length !== documents || cli.records.some((record) => record.status !== 'valid')) {
        throw new Error(`agreements extract did not read the folder as expected (exit ${cli.code}, ${cli.records.length} records): ${cli.stderr.slice(-2000)}`);
      }
      ours.push(cli.seconds);
      oursPeakMiB = Math.max(oursPeakMiB, cli.peakMiB);
      const start = process.hrtime.bigint();
      await forEachLimited(files, cpus().length, async (file) => {
        await run('pdftotext', ['-layout', file, '-'], { maxBuffer: 16 * 1024 * 1024 });
      });
      baseline.push(Number(process.hrtime.bigint() - start) / 1e9);
    }
    const oursMedianSeconds = median(ours);
    const pdftotextMedianSeconds = median(baseline);
    return { documents, runs, oursMedianSeconds, pdftotextMedianSeconds, ratio: oursMedianSeconds / pdftotextMedianSeconds, oursPeakMiB };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
