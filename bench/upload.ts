import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { resolveDeployment } from '../cli/deployment.js';
import { uploadBatch } from '../cli/upload/batch.js';
import { bulkAgreements } from '../fixtures/generator/bulk.js';
import { mergeBenchResults } from './results.js';
import { deployLocalPipeline } from '../scripts/local-emulator.js';
import { documentIdOf } from '../shared/extract/extract-document.js';

/**
 * `npm run bench:upload`: 200 agreement PDFs to the local pipeline with `agreements upload` (hashing,
 * manifest, checksums, four files at a time) against a plain sequential PutObject loop of 200 such files
 * in the same run; then the time from the last upload to the batch's finished report. `--json` writes
 * the `upload` section of bench-results.json.
 *
 * Both go under incoming/, where every object starts an extraction that competes for the same cores as
 * the upload, and each gets bytes the pipeline has not seen; the baseline's documents are processed
 * before the measured upload starts.
 */
const FILES = Number(process.env.BENCH_FILES ?? 200);
const root = fileURLToPath(new URL('..', import.meta.url));
const run = Date.now().toString(36);

// New bytes in every run and for each side (a comment after the end of file), so that the pipeline reads every one.
const agreements = await bulkAgreements(FILES, { prefix: 'upload-bench' });
const variant = (side: string) => agreements.map((agreement) => ({ fileName: agreement.fileName, bytes: Buffer.concat([agreement.bytes, Buffer.from(`\n% ${run} ${side}\n`)]) }));
const baselineFiles = variant('baseline');
const folder = mkdtempSync(join(tmpdir(), 'bench-upload-'));
for (const file of variant('upload')) writeFileSync(join(folder, file.fileName), file.bytes);
const totalBytes = baselineFiles.reduce((sum, file) => sum + file.bytes.length, 0);

deployLocalPipeline();
const deployment = resolveDeployment({}, { cwd: root });
const s3 = deployment.s3();
const bucket = deployment.bucket();
const seconds = (start: number) => (performance.now() - start) / 1000;

// The baseline: one PutObject after the other.
let start = performance.now();
for (const file of baselineFiles) {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `incoming/bench-baseline-${run}/${file.fileName}`, Body: file.bytes }));
}
const baselineSeconds = seconds(start);
const records = deployment.records();
const pending = new Set(baselineFiles.map((file) => documentIdOf(file.bytes)));
while (pending.size > 0) {
  for (const stored of await records.getMany([...pending])) if (stored.record) pending.delete(stored.documentId);
  await new Promise((resolve) => setTimeout(resolve, 250));
}

const batch = `bench-upload-${run}`;
start = performance.now();
const result = await uploadBatch({ s3, bucket, paths: [folder], batch });
const uploadSeconds = seconds(start);
if (result.uploaded.length !== FILES) throw new Error(`uploaded ${result.uploaded.length} of ${FILES} files: ${JSON.stringify(result.failed.slice(0, 3))}`);

const uploadedAt = performance.now();
const batches = deployment.batches();
while (!(await batches.get(batch))?.reportedAt) {
  if (seconds(uploadedAt) > 1800) throw new Error('no report after 30 minutes');
  await new Promise((resolve) => setTimeout(resolve, 250));
}
const reportSeconds = seconds(uploadedAt);
rmSync(folder, { recursive: true, force: true });

const megabytes = totalBytes / 1e6;
const results = {
  files: FILES,
  megabytes,
  baseline: { seconds: baselineSeconds, filesPerSecond: FILES / baselineSeconds, megabytesPerSecond: megabytes / baselineSeconds },
  upload: { seconds: uploadSeconds, filesPerSecond: FILES / uploadSeconds, megabytesPerSecond: megabytes / uploadSeconds },
  /** Our throughput divided by the baseline's: above 1 is faster. */
  speedupOverSequentialPut: baselineSeconds / uploadSeconds,
  lastUploadToReportSeconds: reportSeconds,
};
const round = (value: number) => Math.round(value * 100) / 100;
console.log(`${FILES} PDFs, ${round(megabytes)} MB`);
console.log(`sequential PutObject: ${round(baselineSeconds)} s (${round(results.baseline.filesPerSecond)} files/s, ${round(results.baseline.megabytesPerSecond)} MB/s)`);
console.log(`agreements upload:    ${round(uploadSeconds)} s (${round(results.upload.filesPerSecond)} files/s, ${round(results.upload.megabytesPerSecond)} MB/s) — ${round(results.speedupOverSequentialPut)}× the baseline's throughput`);
console.log(`last upload to finished report: ${round(reportSeconds)} s`);
if (process.argv.includes('--json')) mergeBenchResults('upload', results);
