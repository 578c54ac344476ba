import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { resolveDeployment } from '../cli/deployment.js';
import { uploadBatch } from '../cli/upload/batch.js';
import { bulkAgreements } from '../fixtures/generator/bulk.js';
import { catalogue } from '../fixtures/generator/catalogue.js';
import { GEBIETSKOERPERSCHAFTEN } from '../shared/data/gebietskoerperschaften.js';
import { Random } from '../fixtures/generator/random.js';
import { renderAgreement } from '../fixtures/generator/render-digital.js';
import { imagePdf, scanPages } from '../fixtures/generator/scan.js';
import { deployLocalPipeline } from '../scripts/local-emulator.js';
import { forEachLimited } from '../shared/concurrency.js';
import { extractionConfigSchema } from '../shared/config.js';
import { extractDocument } from '../shared/extract-document.js';
import { germanWords } from '../shared/extract/german-lexicon.js';
import { documentIdOf } from '../shared/extract/rejected.js';
import { reportKey } from '../shared/keys.js';
import { TesseractOcrEngine } from '../shared/ocr/tesseract.js';
import type { Report } from '../shared/report/model.js';
import type { BatchMember } from '../shared/store/batches.js';
import { dynamoItemBytes } from '../shared/store/item-size.js';
import { FunctionMemorySampler } from './function-memory.js';
import { mergeBenchResults } from './results.js';

/**
 * `npm run bench:archive`: a ministry's whole archive as one batch through the local deployment. 2,500
 * agreements (BENCH_ARCHIVE_DOCUMENTS), digital ones generated from a seed no test uses plus a sample of
 * scans sized to the machine (BENCH_ARCHIVE_SCANS, default four per core), uploaded with `agreements upload`.
 * Measured: the time to the last record and to the batch's report, documents per minute, the ratio to the
 * in-process extraction of the same documents (as `agreements extract` reads them) in the same run, the
 * size of the batch's items, the peak memory and CPU time of each function and the emulator's own CPU
 * time (where the time went), and whether every document has its record and the report's totals equal
 * its rows. Writes the `archive` section of bench-results.json.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const DOCUMENTS = Number(process.env.BENCH_ARCHIVE_DOCUMENTS ?? 2500);
const SCANS = Number(process.env.BENCH_ARCHIVE_SCANS ?? 4 * availableParallelism());
const SEED = 8_675_309;
const run = Date.now().toString(36);
const batch = `archive-${run}`;
const seconds = (start: number) => (performance.now() - start) / 1000;
const round = (value: number) => Math.round(value * 100) / 100;

// The corpus. A comment after the end of file makes each run's bytes new to a table that has seen the same agreements.
const fresh = (bytes: Uint8Array) => Buffer.concat([bytes, Buffer.from(`\n% ${batch}\n`)]);
console.log(`generating ${DOCUMENTS - SCANS} digital agreements and ${SCANS} scans …`);
const digital = (await bulkAgreements(DOCUMENTS - SCANS, { seed: SEED, prefix: 'archiv' })).map((agreement) => ({ fileName: agreement.fileName, bytes: fresh(agreement.bytes) }));
const scans: { fileName: string; bytes: Buffer }[] = [];
const random = new Random(SEED);
const scanned = catalogue(SEED + 1);
for (let index = 0; index < SCANS; index++) {
  const recipient = GEBIETSKOERPERSCHAFTEN[(index * 7) % GEBIETSKOERPERSCHAFTEN.length]!;
  const spec = scanned.extra(`archiv-scan-${String(index).padStart(3, '0')}.pdf`, 2011 + (index % 16), recipient.name);
  const rendered = await renderAgreement(spec);
  const pages = Array.from({ length: rendered.pageCount }, (_, page) => page + 1);
  const images = await scanPages(rendered.bytes, pages, rendered.signatureMarks, { dpi: 300, maxRotation: 1, noise: 0.001, jpegQuality: 70, stampText: `Kreisausschuss ${spec.recipient.name}` }, random);
  scans.push({ fileName: spec.fileName, bytes: fresh(await imagePdf(images)) });
}
const documents = [...digital, ...scans];
const folder = mkdtempSync(join(tmpdir(), 'bench-archive-'));
for (const document of documents) writeFileSync(join(folder, document.fileName), document.bytes);
const megabytes = documents.reduce((sum, document) => sum + document.bytes.length, 0) / 1e6;

// The baseline: the same documents extracted in this process, two at a time as `agreements extract` does.
console.log(`extracting ${documents.length} documents in this process …`);
const config = extractionConfigSchema.parse({});
const ocr = new TesseractOcrEngine(undefined, config.ocrDpi);
let start = performance.now();
const cpuBefore = process.cpuUsage();
try {
  await forEachLimited(documents, 2, async (document) => {
    await extractDocument(document.bytes, document.fileName, { config, ocr, lexicon: germanWords });
  });
} finally {
  await ocr.close();
}
const inProcessSeconds = seconds(start);
const { user, system } = process.cpuUsage(cpuBefore);
const inProcessCpuSeconds = (user + system) / 1e6;
console.log(`in-process: ${round(inProcessSeconds)} s, ${round(inProcessCpuSeconds)} s of CPU`);

// The pipeline: deployed into the emulator, the folder uploaded as one batch, the functions' memory sampled throughout.
await deployLocalPipeline();
const deployment = resolveDeployment({}, { cwd: root });
const s3 = deployment.s3();
const bucket = deployment.bucket();
const stores = await deployment.stores();
const batches = stores.batches();
const records = stores.records();
const emulatorPid = Number(readFileSync(join(root, '.local/emulator.pid'), 'utf8'));
const sampler = new FunctionMemorySampler(emulatorPid).start();

console.log(`uploading ${documents.length} documents (${round(megabytes)} MB) as batch ${batch} …`);
start = performance.now();
const uploaded = await uploadBatch({ s3, bucket, paths: [folder], batch, concurrency: 8 });
const uploadSeconds = seconds(start);
if (uploaded.failed.length > 0) throw new Error(`${uploaded.failed.length} uploads failed: ${JSON.stringify(uploaded.failed.slice(0, 3))}`);

let lastRecordSeconds: number | undefined;
let reportSeconds: number | undefined;
let lastProgress = 0;
const deadline = performance.now() + 4 * 60 * 60 * 1000;
while (reportSeconds === undefined && performance.now() < deadline) {
  const head = await batches.get(batch);
  if (head && Math.floor(head.processed / 250) > Math.floor(lastProgress / 250)) console.log(`  ${head.processed} of ${documents.length} after ${round(seconds(start))} s`);
  lastProgress = head?.processed ?? lastProgress;
  if (lastRecordSeconds === undefined && head && head.processed >= documents.length) lastRecordSeconds = seconds(start);
  if (head?.reportedAt) reportSeconds = seconds(start);
  else await new Promise((resolve) => setTimeout(resolve, 500));
}
const usage = sampler.stop();
if (lastRecordSeconds === undefined || reportSeconds === undefined) throw new Error(`the batch had ${lastProgress} of ${documents.length} documents and no report after 4 hours`);

// Every document's record, and a report whose totals are its rows.
const members: BatchMember[] = [];
for await (const page of batches.members(batch)) members.push(...page);
const distinct = [...new Set(documents.map((document) => documentIdOf(document.bytes)))];
const statuses = await records.statuses(distinct);
const missingRecords = distinct.filter((documentId) => !['valid', 'needs_review', 'rejected'].includes(statuses.get(documentId) ?? ''));
const reportObject = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: reportKey({ kind: 'batch', batchId: batch }, 'json') }));
const report = JSON.parse(await reportObject.Body!.transformToString()) as Report;
const count = (status: string) => report.documents.filter((record) => record.status === status).length;
const validSum = report.documents.filter((record) => record.status === 'valid').reduce((sum, record) => sum + (record.agreement.amount?.cents ?? 0), 0);
const totalsEqualRows =
  report.totals.documents === report.documents.length &&
  report.totals.byStatus.valid === count('valid') &&
  report.totals.byStatus.needs_review === count('needs_review') &&
  report.totals.byStatus.rejected === count('rejected') &&
  report.totals.amountCents === validSum &&
  Object.values(report.totals.byYear).reduce((sum, total) => sum + total.amountCents, 0) === validSum;

// The bookkeeping's items: the head, and the largest member; against the head as sets would have grown it.
const { Item: head } = await DynamoDBDocumentClient.from(new DynamoDBClient({})).send(new GetCommand({ TableName: batches.tableName, Key: { batchId: batch }, ConsistentRead: true }));
const headBytes = dynamoItemBytes(head!);
const memberBytes = Math.max(...members.map((member) => dynamoItemBytes(member as unknown as Record<string, unknown>)));
const setsBytes = dynamoItemBytes({ ...head, keys: new Set(members.map((member) => member.key)), documentIds: new Set(distinct) });
rmSync(folder, { recursive: true, force: true });

const results = {
  documents: documents.length,
  digital: digital.length,
  scans: scans.length,
  megabytes: round(megabytes),
  inProcessSeconds: round(inProcessSeconds),
  uploadSeconds: round(uploadSeconds),
  timeToLastRecordSeconds: round(lastRecordSeconds),
  timeToReportSeconds: round(reportSeconds),
  documentsPerMinute: round((documents.length / lastRecordSeconds) * 60),
  inProcessDocumentsPerMinute: round((documents.length / inProcessSeconds) * 60),
  /** The pipeline's time to the last record divided by the in-process extraction's: above 1 is slower. */
  ratioToInProcess: round(lastRecordSeconds / inProcessSeconds),
  batchItems: { headBytes, largestMemberBytes: memberBytes, members: members.length, headWithSetsWouldBeBytes: setsBytes },
  /** Per function: peak memory of one instance and of all at once (MB), instances, CPU seconds. */
  functions: usage.functions,
  /** CPU time: the emulator's own process (S3, DynamoDB, SQS, pollers) and all functions, against extracting in this process. */
  cpuSeconds: {
    emulator: usage.emulatorCpuSeconds,
    functions: round(Object.values(usage.functions).reduce((sum, function_) => sum + function_.cpuSeconds, 0)),
    inProcess: round(inProcessCpuSeconds),
  },
  everyDocumentHasItsRecord: missingRecords.length === 0 && members.length === documents.length,
  missingRecords: missingRecords.length,
  reportDocuments: report.documents.length,
  reportTotalsEqualRows: totalsEqualRows && report.documents.length === distinct.length,
  statuses: { valid: count('valid'), needs_review: count('needs_review'), rejected: count('rejected') },
};
console.log(JSON.stringify(results, null, 2));
console.log(
  `${documents.length} documents (${scans.length} scans): last record after ${results.timeToLastRecordSeconds} s, report after ${results.timeToReportSeconds} s, ` +
    `${results.documentsPerMinute}/min; in process ${results.inProcessSeconds} s: ${results.ratioToInProcess}× the in-process time`,
);
console.log(`batch head item ${headBytes} bytes (with sets it would be ${round(setsBytes / 1024)} KB); largest member item ${memberBytes} bytes`);
mergeBenchResults('archive', results);
if (!results.everyDocumentHasItsRecord || !results.reportTotalsEqualRows) process.exitCode = 1;
