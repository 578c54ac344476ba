import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findPdfFiles } from '../cli/files.js';
import { measureCli, outcomes } from './cli-run.js';
import { mergeBenchResults } from './results.js';

/**
 * `npm run bench:corpus -- FOLDER [--json]`: the CLI over a folder of real-world PDFs of every kind
 * (a PDF renderer's regression files, say: exotic fonts, JBIG2, encryption, broken structure, bombs),
 * with `--ocr never`, as a user would run it over an archive. Reports whether every file got exactly one
 * record, the outcomes, the files stopped by a limit, the wall time and the peak memory of the CLI with
 * its readers. No such corpus is part of the project: bring your own (none is read when none is given).
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const folder = process.argv.slice(2).find((arg) => !arg.startsWith('--'));
if (!folder || !existsSync(folder)) {
  process.stderr.write('usage: npm run bench:corpus -- FOLDER [--json]\n');
  process.exit(2);
}

execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
const files = (await findPdfFiles([folder], { namedFiles: 'any' })).files;
const run = await measureCli(['extract', folder, '--ocr', 'never']);
const stopped = run.records.filter((record) => record.issues.some((issue) => issue.code.startsWith('limit.time') || issue.code.startsWith('limit.memory')));

const results = {
  folder,
  files: files.length,
  records: run.records.length,
  exitCode: run.code,
  outcomes: outcomes(run.records),
  stoppedByLimit: stopped.map((record) => ({ file: record.fileName, code: record.issues[0]?.code, message: record.issues[0]?.message })),
  seconds: Math.round(run.seconds * 10) / 10,
  peakMiB: run.peakMiB,
  processes: run.processes,
};
console.log(`corpus ${folder}: ${results.files} PDF files, ${results.records} records, exit code ${results.exitCode}`);
console.log(`  ${Object.entries(results.outcomes).map(([outcome, count]) => `${outcome}: ${count}`).join(', ')}`);
for (const entry of results.stoppedByLimit) console.log(`  stopped: ${entry.file} (${entry.code})`);
console.log(`  ${results.seconds} s, peak ${results.peakMiB} MiB resident for the CLI and its ${results.processes - 1} reader processes`);
if (process.argv.includes('--json')) mergeBenchResults('corpus', results);
