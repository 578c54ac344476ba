import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bulkAgreements } from '../fixtures/generator/bulk.js';
import { forEachLimited } from '../shared/concurrency.js';
import { measureCli } from './cli-run.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * The least any reader built on pdf.js (which pdf-parse, the design's entry point, runs on) can take for
 * the folder: a Node.js process that loads pdf.js as the product does (dist/shared/pdf/pdfjs.js, with
 * the engine's own builtins put back) and only asks each page for its text items, with nothing done with
 * them: no isolation, no lines, no fields, no record.
 */
const PDFJS_TEXT_ONLY = `
const { readFile } = await import('node:fs/promises');
const { pdfjs } = await import(process.argv[1]);
for (const path of process.argv.slice(2)) {
  const document = await pdfjs.getDocument({ data: new Uint8Array(await readFile(path)), isEvalSupported: false }).promise;
  for (let number = 1; number <= document.numPages; number++) await (await document.getPage(number)).getTextContent();
  await document.destroy();
}`;
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
  /**
   * pdf.js asked only for each page's text items, the files split over one process per core: the floor
   * for any reader on pdf.js, and so for `ratio`.
   */
  pdfjsTextOnlyMedianSeconds: number;
  /** That floor divided by the baseline's time. */
  pdfjsTextOnlyRatio: number;
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
    const textOnly: number[] = [];
    const shares = Array.from({ length: cpus().length }, (_, share) => files.filter((_file, index) => index % cpus().length === share));
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
      const textOnlyStart = process.hrtime.bigint();
      await Promise.all(
        shares.map((share) => run(process.execPath, ['--input-type=module', '-e', PDFJS_TEXT_ONLY, join(root, 'dist', 'shared', 'pdf', 'pdfjs.js'), ...share], { maxBuffer: 16 * 1024 * 1024 })),
      );
      textOnly.push(Number(process.hrtime.bigint() - textOnlyStart) / 1e9);
    }
    const oursMedianSeconds = median(ours);
    const pdftotextMedianSeconds = median(baseline);
    const pdfjsTextOnlyMedianSeconds = median(textOnly);
    return {
      documents,
      runs,
      oursMedianSeconds,
      pdftotextMedianSeconds,
      ratio: oursMedianSeconds / pdftotextMedianSeconds,
      oursPeakMiB,
      pdfjsTextOnlyMedianSeconds,
      pdfjsTextOnlyRatio: pdfjsTextOnlyMedianSeconds / pdftotextMedianSeconds,
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
