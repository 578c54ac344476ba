import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { resolveDeployment } from '../cli/deployment.js';
import { DEFAULT_UPLOAD_CONCURRENCY } from '../cli/upload/defaults.js';
import { bulkAgreements } from '../fixtures/generator/bulk.js';
import { deployLocalPipeline } from '../scripts/local-emulator.js';
import { documentIdOf } from '../shared/extract/rejected.js';
import { incomingKey } from '../shared/keys.js';
import { mergeBenchResults } from './results.js';

/**
 * `npm run bench:upload`: 210 agreement PDFs (about 14 MB: 196 small digital ones and the 7 scanned and
 * mixed fixtures twice, 0.4–1.4 MB each) sent to the local pipeline as a user sends them, each tool as a
 * whole process:
 *  - `agreements upload FOLDER` (the built CLI: hashing, manifest, checksums, resume);
 *  - `aws s3 sync FOLDER s3://…/incoming/<prefix>/` (the AWS CLI from PyPI with its default of 10
 *    concurrent requests, installed by scripts/install-aws-cli.sh), the tool users compare it with;
 * alternating, RUNS times each (median reported), so that both compete with a busy pipeline for the same
 * cores: every run's digital files carry bytes the pipeline has not seen and are extracted, the scans
 * keep theirs and are recognised, so that the OCR backlog does not grow with every run. Beside them, once: a sequential PutObject loop in
 * this process (the floor), and `agreements upload` at several concurrencies, which chose the default.
 * Last, once the pipeline has caught up, one more upload and the time from its end to the batch's report.
 * `--json` writes the `upload` section of bench-results.json.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const SCAN_COPIES = 2;
const scans = ['scanned', 'mixed'].flatMap((folder) => readdirSync(join(root, 'fixtures/pdf', folder)).map((name) => join(root, 'fixtures/pdf', folder, name)));
const DIGITAL = Number(process.env.BENCH_DIGITAL_FILES ?? 196);
const FILES = DIGITAL + scans.length * SCAN_COPIES;
const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 5));
const CONCURRENCIES = [4, 8, 10, 16];
const run = promisify(execFile);
const stamp = Date.now().toString(36);
const seconds = (start: number) => (performance.now() - start) / 1000;
const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
execFileSync('bash', ['scripts/install-aws-cli.sh'], { cwd: root, stdio: 'inherit' });
const aws = join(root, '.venv-awscli/bin/aws');
const emulator = await deployLocalPipeline();
const deployment = resolveDeployment({}, { cwd: root });
const s3 = deployment.s3();
const bucket = deployment.bucket();
const stores = await deployment.stores();
const records = stores.records();

// New bytes for every run's digital files (a comment after the end of file), so that the pipeline reads every one.
const agreements = await bulkAgreements(DIGITAL, { prefix: 'upload-bench' });
const scanFiles = Array.from({ length: SCAN_COPIES }, (_, copy) => scans.map((path) => ({ fileName: `copy-${copy + 1}-${basename(path)}`, bytes: readFileSync(path) }))).flat();
const megabytes = [...agreements, ...scanFiles].reduce((sum, file) => sum + file.bytes.length, 0) / 1e6;
const sent = new Set<string>();
const workspace = mkdtempSync(join(tmpdir(), 'bench-upload-'));
function variant(label: string): { folder: string; files: { fileName: string; bytes: Buffer }[] } {
  const folder = join(workspace, label);
  mkdirSync(folder);
  const files = [...agreements.map((agreement) => ({ fileName: agreement.fileName, bytes: Buffer.concat([agreement.bytes, Buffer.from(`\n% ${stamp} ${label}\n`)]) })), ...scanFiles];
  for (const file of files) {
    writeFileSync(join(folder, file.fileName), file.bytes);
    sent.add(documentIdOf(file.bytes));
  }
  return { folder, files };
}

async function agreementsUpload(label: string, concurrency = DEFAULT_UPLOAD_CONCURRENCY): Promise<{ seconds: number; batch: string }> {
  const { folder } = variant(label);
  const batch = `bench-${stamp}-${label}`;
  const start = performance.now();
  const { stdout } = await run(process.execPath, [join(root, 'dist/cli/agreements.js'), 'upload', folder, '--batch', batch, '--concurrency', String(concurrency), '--json'], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  });
  const elapsed = seconds(start);
  const result = JSON.parse(stdout) as { uploaded: unknown[] };
  if (result.uploaded.length !== FILES) throw new Error(`agreements upload sent ${result.uploaded.length} of ${FILES} files`);
  return { seconds: elapsed, batch };
}

async function awsS3Sync(label: string): Promise<number> {
  const { folder } = variant(label);
  const start = performance.now();
  await run(aws, ['s3', 'sync', folder, `s3://${bucket}/${incomingKey(`bench-${stamp}-${label}`, '')}`, '--endpoint-url', emulator.endpoint, '--only-show-errors'], { cwd: root });
  return seconds(start);
}

// The floor: one PutObject after the other, in this process.
const { files: sequentialFiles } = variant('sequential');
let start = performance.now();
for (const file of sequentialFiles) {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: incomingKey(`bench-${stamp}-sequential`, file.fileName), Body: file.bytes }));
}
const sequentialSeconds = seconds(start);

// Alternating, so that a pipeline growing busier over the runs weighs on both alike.
const uploadSeconds: number[] = [];
const syncSeconds: number[] = [];
for (let index = 0; index < RUNS; index++) {
  const first = index % 2 === 0;
  if (first) uploadSeconds.push((await agreementsUpload(`upload-${index}`)).seconds);
  syncSeconds.push(await awsS3Sync(`sync-${index}`));
  if (!first) uploadSeconds.push((await agreementsUpload(`upload-${index}`)).seconds);
}

// Up the list of concurrencies and back down, so that a pipeline whose backlog changes over the runs
// weighs on each alike (one pass in order measured whichever came last at the quietest time).
const byConcurrencyRuns = new Map<number, number[]>(CONCURRENCIES.map((concurrency) => [concurrency, []]));
for (const [pass, concurrency] of [...CONCURRENCIES, ...[...CONCURRENCIES].reverse()].entries()) {
  byConcurrencyRuns.get(concurrency)!.push((await agreementsUpload(`c${concurrency}-${pass}`, concurrency)).seconds);
}
const byConcurrency = Object.fromEntries([...byConcurrencyRuns].map(([concurrency, runs]) => [concurrency, median(runs)]));

// The report latency, measured once the pipeline has read everything sent so far.
const caughtUpStart = performance.now();
const pending = new Set(sent);
while (pending.size > 0) {
  if (seconds(caughtUpStart) > 3600) throw new Error(`the pipeline has not read ${pending.size} documents after an hour`);
  for (const stored of await records.getMany([...pending])) if (stored.record) pending.delete(stored.documentId);
  if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 1000));
}
const catchUpSeconds = seconds(caughtUpStart);
const last = await agreementsUpload('report');
const uploadedAt = performance.now();
const batches = stores.batches();
while (!(await batches.get(last.batch))?.reportedAt) {
  if (seconds(uploadedAt) > 1800) throw new Error('no report after 30 minutes');
  await new Promise((resolve) => setTimeout(resolve, 250));
}
const reportSeconds = seconds(uploadedAt);
rmSync(workspace, { recursive: true, force: true });

const rate = (time: number) => ({ seconds: time, filesPerSecond: FILES / time, megabytesPerSecond: megabytes / time });
const results = {
  files: FILES,
  megabytes,
  runs: RUNS,
  defaultConcurrency: DEFAULT_UPLOAD_CONCURRENCY,
  agreementsUpload: { ...rate(median(uploadSeconds)), runs: uploadSeconds },
  awsS3Sync: { ...rate(median(syncSeconds)), runs: syncSeconds, tool: 'aws-cli 1.46.3, default max_concurrent_requests 10' },
  sequentialPutObject: rate(sequentialSeconds),
  /** aws s3 sync's median time over ours: at least 1 means `agreements upload` is at least as fast. */
  speedVsAwsS3Sync: median(syncSeconds) / median(uploadSeconds),
  speedVsSequentialPut: sequentialSeconds / median(uploadSeconds),
  /** `agreements upload` by --concurrency: the mean of two runs, one on the way up the list, one on the way down. */
  secondsByConcurrency: byConcurrency,
  pipelineCatchUpSeconds: catchUpSeconds,
  lastUploadToReportSeconds: reportSeconds,
};
const round = (value: number) => Math.round(value * 100) / 100;
console.log(`${FILES} PDFs, ${round(megabytes)} MB; medians of ${RUNS} alternating runs, whole processes, with the pipeline busy`);
console.log(`agreements upload (concurrency ${DEFAULT_UPLOAD_CONCURRENCY}): ${round(median(uploadSeconds))} s (${round(FILES / median(uploadSeconds))} files/s, ${round(megabytes / median(uploadSeconds))} MB/s)  runs ${uploadSeconds.map(round).join(', ')}`);
console.log(`aws s3 sync (10 concurrent requests):     ${round(median(syncSeconds))} s (${round(FILES / median(syncSeconds))} files/s)  runs ${syncSeconds.map(round).join(', ')}`);
console.log(`→ agreements upload is ${round(results.speedVsAwsS3Sync)}× as fast as aws s3 sync (≥ 1: at least as fast)`);
console.log(`sequential PutObject in-process: ${round(sequentialSeconds)} s → agreements upload ${round(results.speedVsSequentialPut)}× as fast`);
console.log(`agreements upload by --concurrency: ${Object.entries(byConcurrency).map(([concurrency, time]) => `${concurrency}: ${round(time)} s`).join(', ')}`);
console.log(`pipeline caught up ${round(catchUpSeconds)} s after the last run; then last upload to finished report: ${round(reportSeconds)} s`);
if (process.argv.includes('--json')) mergeBenchResults('upload', results);
