import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PDFDocument } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { uploadBatch } from '../../cli/upload/batch.js';
import { extractionConfigSchema } from '../../shared/config.js';
import { extractOrPlanOcr } from '../../shared/extract-document.js';
import { documentIdOf } from '../../shared/extract/rejected.js';
import { EXTRACTOR_VERSION } from '../../shared/extract/version.js';
import type { Report } from '../../shared/report/model.js';
import type { AgreementRecord } from '../../shared/schema/record.js';
import { BatchesTable } from '../../shared/store/batches.js';
import { RecordsTable } from '../../shared/store/records.js';
import { agreements } from '../support/cli.js';
import { type DeployedPipeline, deployPipeline, runOcrSweep, waitFor } from '../support/emulator.js';
import { type Fixture, fixtureBytes, fixturesRoot, loadFixtures } from '../support/fixtures.js';
import { dropNotifications, extractWithStandInText, jobsOf, standInStats } from '../support/stand-in.js';

/**
 * The configuration users deploy, Textract reading the scans, deployed in the local emulator with the
 * project's Textract stand-in in Textract's place, and driven over HTTP with the real AWS SDK: PDFs
 * uploaded as a batch go through the whole asynchronous chain (ingest → Textract → SNS → OCR-complete →
 * record → batch → report) and must come out as the records the in-process extraction gives for the
 * same bytes, scanned pages read with the text the stand-in gave the pipeline.
 */
let pipeline: DeployedPipeline;
let s3: S3Client;
let records: RecordsTable;
let documentClient: DynamoDBDocumentClient;
let batches: BatchesTable;
const config = extractionConfigSchema.parse({});
const fixtures = loadFixtures();
function pick(path: string): Fixture {
  return fixtures.find((fixture) => fixture.path === path) as Fixture;
}
const runId = Date.now().toString(36);
/** A comment after the end of file, which readers ignore, makes the bytes new to a table other tests fill too. */
const fresh = (bytes: Uint8Array) => Buffer.concat([bytes, Buffer.from(`\n% ${runId}\n`)]);

/** A scan whose pages are larger than Textract reads (9,000 points a side), though within the pipeline's limits. */
async function oversizedScan(): Promise<Buffer> {
  const document = await PDFDocument.load(fixtureBytes(pick('scanned/scan-2017-landkreis-giessen.pdf')));
  for (const page of document.getPages()) page.scale(16, 16);
  return Buffer.from(await document.save());
}

const batch = `pipeline-${runId}`;
/** The batch's files by name. */
const uploads = new Map<string, Buffer>();
const kinds = {
  digital: ['zielvereinbarung-2025-main-taunus-kreis.pdf', 'zv-2022-kreis-offenbach.pdf', 'Zielvereinbarung 2024 – Stadt Offenbach (Kopie) äöü #1.PDF'],
  scanned: ['scan-2019-stadt-kassel.pdf'],
  mixed: ['mixed-2024-werra-meissner-kreis.pdf'],
  rejected: ['not-a-pdf.pdf'],
  unreadableByTextract: ['scan-uebergross.pdf'],
};

/** The document's stored record, once there is one. */
const stored = (documentId: string) => () =>
  records.get(documentId).then((item) => (item?.record ? { record: item.record, keys: item.keys } : undefined));

/**
 * Messages sent to the ingest queue by hand, for objects that do not exist when the function first sees
 * them: the whole batch fails, as when the function crashes. Two of the objects are uploaded after that
 * failure and must be stored on the retry; the third never appears and must end in the dead-letter queue.
 */
const poisonedKey = `late/${runId}/gibt-es-nicht.pdf`;
const late = ['digital/zv-2011-landkreis-fulda.pdf', 'digital/zv-2013-stadt-kassel.pdf'].map((path) => {
  // A comment after the end of file makes the bytes new to the table, which other tests fill too.
  const bytes = Buffer.concat([fixtureBytes(pick(path)), Buffer.from(`\n% ${runId}\n`)]);
  return { key: `late/${runId}/${basename(path)}`, bytes, documentId: documentIdOf(bytes), expected: pick(path).expected };
});
const notification = (key: string) => JSON.stringify({ Records: [{ eventName: 'ObjectCreated:Put', s3: { object: { key } } }] });

async function failOneBatch(sqs: SQSClient) {
  await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: pipeline.ingestQueueUrl,
      Entries: [poisonedKey, ...late.map((document) => document.key)].map((key, index) => ({ Id: `late-${index}`, MessageBody: notification(key) })),
    }),
  );
  // The queue is otherwise empty: once all three are in flight and a moment has passed, the function has
  // received them and failed on every one.
  await waitFor('the hand-sent batch to be received', async () => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: pipeline.ingestQueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    return Attributes?.ApproximateNumberOfMessages === '0' && Attributes.ApproximateNumberOfMessagesNotVisible === '3' ? true : undefined;
  });
  await new Promise((resolve) => setTimeout(resolve, 3000));
  for (const document of late) {
    expect(await records.get(document.documentId)).toBeUndefined();
    await s3.send(new PutObjectCommand({ Bucket: pipeline.bucket, Key: document.key, Body: document.bytes }));
  }
}

beforeAll(async () => {
  pipeline = await deployPipeline();
  s3 = new S3Client({ forcePathStyle: true });
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
  documentClient = client;
  records = new RecordsTable(client, pipeline.recordsTable);
  batches = new BatchesTable(client, pipeline.batchesTable, pipeline.batchMembersTable);
  await failOneBatch(new SQSClient({ useQueueUrlAsEndpoint: false }));

  const folder = mkdtempSync(join(tmpdir(), 'pipeline-'));
  for (const fixture of fixtures.filter((candidate) => [...kinds.digital, ...kinds.scanned, ...kinds.mixed, ...kinds.rejected].includes(basename(candidate.path)))) {
    uploads.set(basename(fixture.path), fresh(fixtureBytes(fixture)));
  }
  uploads.set('scan-uebergross.pdf', fresh(await oversizedScan()));
  mkdirSync(join(folder, batch));
  for (const [name, bytes] of uploads) writeFileSync(join(folder, batch, name), bytes);
  const uploaded = await uploadBatch({ s3, bucket: pipeline.bucket, paths: [join(folder, batch)], batch });
  expect(uploaded.failed).toEqual([]);
}, 600_000);

describe('the default configuration, deployed', () => {
  it('starts every function: each one invoked answers without a function error', async () => {
    const lambda = new LambdaClient({});
    const scheduled = { version: '0', id: runId, 'detail-type': 'Scheduled Event', source: 'aws.events', account: '000000000000', time: new Date().toISOString(), region: pipeline.region, resources: [], detail: {} };
    const invocations: [string | undefined, unknown][] = [
      [pipeline.outputs.IngestFunctionName, { Records: [] }],
      [pipeline.outputs.OcrCompleteFunctionName, scheduled],
      [pipeline.outputs.ReportFunctionName, { Records: [] }],
    ];
    for (const [name, event] of invocations) {
      expect(name).toBeDefined();
      const response = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(event)) }));
      const payload = Buffer.from(response.Payload ?? []).toString('utf8');
      expect(response.FunctionError, `${name}: ${payload}`).toBeUndefined();
      if (name === pipeline.outputs.IngestFunctionName) expect(JSON.parse(payload)).toEqual({ batchItemFailures: [] });
    }
  }, 180_000);

  it('stores for every uploaded PDF the record the in-process extraction gives for the same bytes, scans read by the stand-in', async () => {
    for (const [name, bytes] of uploads) {
      const documentId = documentIdOf(bytes);
      const { record } = await waitFor(`the record of ${name}`, stored(documentId), 600_000);
      if (kinds.unreadableByTextract.includes(name)) continue;
      // The names the stored records vouch for, as the pipeline judged the scans by them.
      const local = (await extractWithStandInText(bytes, name, documentId, config, await records.knownNames())).record;
      expect(record.documentId).toBe(documentId);
      expect(record.fileName).toBe(name);
      expect(record.status, name).toBe(local.status);
      expect(record.textSource, name).toBe(local.textSource);
      expect(record.pages, name).toBe(local.pages);
      expect(record.agreement, name).toEqual(local.agreement);
      expect(record.issues, name).toEqual(local.issues);
    }
    for (const name of [...kinds.scanned, ...kinds.mixed]) expect((await records.get(documentIdOf(uploads.get(name)!)))!.record!.textSource, name).toBe(kinds.scanned.includes(name) ? 'ocr' : 'mixed');
  }, 900_000);

  it('sends Textract no digital document, and of a mixed one only its scanned pages', async () => {
    for (const name of [...kinds.digital, ...kinds.rejected]) {
      expect(await jobsOf(documentIdOf(uploads.get(name)!)), name).toEqual([]);
      // A digital page costs nothing.
      expect((await records.get(documentIdOf(uploads.get(name)!)))?.textractPages, name).toBe(0);
    }
    for (const name of [...kinds.scanned, ...kinds.mixed]) {
      const bytes = uploads.get(name)!;
      const plan = await extractOrPlanOcr(bytes, name, { config });
      const jobs = await jobsOf(documentIdOf(bytes));
      expect(jobs.map((job) => ({ status: job.status, pages: job.pages })), name).toEqual([{ status: 'SUCCEEDED', pages: plan.kind === 'ocr' ? plan.pages.length : 0 }]);
      // The record's item holds the pages sent to Textract, what they cost.
      expect((await records.get(documentIdOf(bytes)))?.textractPages, name).toBe(jobs[0]!.pages);
    }
    const mixedPlan = await extractOrPlanOcr(uploads.get(kinds.mixed[0]!)!, kinds.mixed[0]!, { config });
    expect(mixedPlan).toEqual({ kind: 'ocr', pages: [2] });
  });

  it('gives a record for review, with Textract\'s reason, when the job failed', async () => {
    const bytes = uploads.get('scan-uebergross.pdf')!;
    const { record } = (await stored(documentIdOf(bytes))())!;
    const [job] = await jobsOf(documentIdOf(bytes));
    expect(job).toMatchObject({ status: 'FAILED', statusMessage: 'UnsupportedDocumentException: a page is larger than 9000 points on a side.' });
    expect(record.status).toBe('needs_review');
    expect(record.issues.find((issue) => issue.code === 'ocr.failed')).toEqual({
      path: 'document',
      code: 'ocr.failed',
      message: 'The scanned pages could not be read: the OCR job ended with status FAILED: UnsupportedDocumentException: a page is larger than 9000 points on a side.',
    });
  });

  it('writes the batch\'s report once every document has its record', async () => {
    const state = await waitFor(`the report of batch ${batch}`, async () => {
      const current = await batches.get(batch);
      return current?.reportedAt ? current : undefined;
    }, 300_000);
    expect(state.expected).toBe(uploads.size);
    const object = await s3.send(new GetObjectCommand({ Bucket: pipeline.bucket, Key: `reports/${batch}/report.json` }));
    const report = JSON.parse(await object.Body!.transformToString()) as Report;
    expect(report.documents.map((record) => record.fileName).sort()).toEqual([...uploads.keys()].sort());
  }, 360_000);

  it('reprocesses the scan Textract cannot read: a dry run starts no job, and a job refused alike leaves its record as it was', async () => {
    const documentId = documentIdOf(uploads.get('scan-uebergross.pdf')!);
    const before = (await records.get(documentId))!;
    const [first] = await jobsOf(documentId);
    const dryRun = await agreements(['reprocess', '--batch', batch, '--status', 'needs_review', '--dry-run', '--json']);
    expect(dryRun.code, dryRun.stderr).toBe(0);
    const outcomes = dryRun.stdout.trim().split('\n').map((line) => JSON.parse(line));
    // Of the batch, only what needs review.
    const ofBatch = await records.getMany(await batches.documentIds(batch));
    const needingReview = ofBatch.filter((stored) => stored.record?.status === 'needs_review').map((stored) => stored.documentId);
    expect(needingReview.length).toBeLessThan(ofBatch.length);
    expect(outcomes.map((outcome) => outcome.documentId).sort()).toEqual(needingReview.sort());

    // A job is paid for: the dry run starts none, and says what one would read.
    const pages = before.record!.pages;
    expect(outcomes.find((outcome) => outcome.documentId === documentId)).toEqual({
      kind: 'kept',
      documentId,
      fileName: 'scan-uebergross.pdf',
      reason: `its ${pages} scanned page${pages === 1 ? '' : 's'} would be sent to OCR again, which a dry run does not do`,
    });
    expect((await jobsOf(documentId)).map((job) => job.jobId)).toEqual([first!.jobId]);
    expect(await records.get(documentId)).toEqual(before);

    // Read again, Textract refuses the pages again, in a job of its own, with the same answer: the record is the same.
    const again = await agreements(['reprocess', '--batch', batch, '--status', 'needs_review', '--json']);
    expect(again.code, again.stderr).toBe(0);
    const jobs = await jobsOf(documentId);
    expect(jobs.map((job) => [job.jobId, job.status])).toEqual([[first!.jobId, 'FAILED'], [expect.not.stringMatching(first!.jobId), 'FAILED']]);
    const outcome = again.stdout.trim().split('\n').map((line) => JSON.parse(line)).find((read) => read.documentId === documentId);
    expect(outcome).toEqual({ kind: 'unchanged', documentId, fileName: 'scan-uebergross.pdf', previousVersion: EXTRACTOR_VERSION, evidenceAdded: false });
    expect(await records.get(documentId)).toEqual(before);
  }, 300_000);

  it('recovers a document whose completion notice was lost: the scheduled sweep asks Textract after the job', async () => {
    const name = 'scan-2014-lahn-dill-kreis.pdf';
    const bytes = fresh(fixtureBytes(pick(`scanned/${name}`)));
    const documentId = documentIdOf(bytes);
    await dropNotifications(1);
    await s3.send(new PutObjectCommand({ Bucket: pipeline.bucket, Key: `incoming/${runId}/verloren/${name}`, Body: bytes }));
    const [job] = await waitFor('the stand-in to finish the job', async () => {
      const jobs = await jobsOf(documentId);
      return jobs.length > 0 && jobs.every((candidate) => candidate.status !== 'IN_PROGRESS') ? jobs : undefined;
    }, 300_000);
    expect(job!.status).toBe('SUCCEEDED');
    // No notice came: the document waits for its job.
    expect((await records.get(documentId))?.ocrJob?.jobId).toBe(job!.jobId);
    // The sweep runs on its schedule, every minute here; invoking it as EventBridge does need not wait for the next one.
    const { record } = await waitFor('the sweep to finish the record', async () => {
      const found = await stored(documentId)();
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      await runOcrSweep(pipeline);
      return stored(documentId)();
    }, 180_000);
    const local = (await extractWithStandInText(bytes, name, documentId, config, await records.knownNames())).record;
    expect(record.status).toBe(local.status);
    expect(record.agreement).toEqual(local.agreement);
    expect(record.issues).toEqual(local.issues);
    // One job, read once: the sweep collected it, and started none.
    expect((await jobsOf(documentId)).map((candidate) => candidate.jobId)).toEqual([job!.jobId]);
  }, 600_000);

  it('vouches for the names a digital agreement prints, in the index the functions read them from, and for none of a scan', async () => {
    const seedId = documentIdOf(uploads.get('zielvereinbarung-2025-main-taunus-kreis.pdf')!);
    const scanId = documentIdOf(uploads.get('scan-2019-stadt-kassel.pdf')!);
    for (const documentId of [seedId, scanId]) await waitFor(`the record of ${documentId}`, stored(documentId), 600_000);
    const known = await records.knownNames();
    expect(known.project).toEqual(expect.arrayContaining(['ÜSBZ', 'EASY – Entwicklung Ausbildung Soziale Teilhabe You', 'Zukunftskompass']));
    expect(known.signatory).toEqual(expect.arrayContaining(['Heike Hofmann', 'Johannes Baron']));
    const item = async (documentId: string) => (await documentClient.send(new GetCommand({ TableName: pipeline.recordsTable, Key: { documentId } }))).Item;
    expect((await item(seedId))?.vouchedNames).toEqual({ project: ['EASY – Entwicklung Ausbildung Soziale Teilhabe You', 'Zukunftskompass', 'ÜSBZ'], signatory: ['Heike Hofmann', 'Johannes Baron'] });
    // Its values were read by Textract: the extractor alone vouches for none of them.
    expect(await item(scanId)).not.toHaveProperty('vouchedNames');
  });

  it('writes the same record as JSON under records/<sha256>.json', async () => {
    for (const bytes of uploads.values()) {
      const documentId = documentIdOf(bytes);
      const object = await s3.send(new GetObjectCommand({ Bucket: pipeline.bucket, Key: `records/${documentId.slice('sha256:'.length)}.json` }));
      const fromS3 = JSON.parse(await object.Body!.transformToString()) as AgreementRecord;
      const fromTable = (await records.get(documentId))?.record;
      expect(fromS3).toEqual(fromTable);
    }
  });

  it('copies a rejected original to quarantine/', async () => {
    const rejected = uploads.get('not-a-pdf.pdf')!;
    const { record, keys } = (await stored(documentIdOf(rejected))())!;
    expect(record.status).toBe('rejected');
    expect(record.issues.map((issue) => issue.code)).toEqual(['pdf.not_pdf']);
    const quarantined = keys[0]!.replace(/^incoming\//, 'quarantine/');
    const head = await s3.send(new HeadObjectCommand({ Bucket: pipeline.bucket, Key: quarantined }));
    expect(head.ContentLength).toBe(rejected.length);
  });

  it('makes no duplicate when the same bytes arrive again under another key', async () => {
    const seed = uploads.get(kinds.digital[0]!)!;
    const before = (await records.get(documentIdOf(seed)))!;
    const copyKey = `incoming/again-${Date.now().toString(36)}/kopie.pdf`;
    await s3.send(new PutObjectCommand({ Bucket: pipeline.bucket, Key: copyKey, Body: seed }));
    const after = await waitFor('the second key on the seed record', async () => {
      const item = await records.get(documentIdOf(seed));
      return item && item.keys.includes(copyKey) ? item : undefined;
    });
    expect(after.keys).toEqual([...before.keys, copyKey].sort());
    expect(after.record).toEqual(before.record);
  }, 180_000);

  it('loses nothing when the function fails on a whole batch: the retry stores what has appeared since', async () => {
    for (const document of late) {
      const { record, keys } = await waitFor(`the record of ${document.key}`, stored(document.documentId), 300_000);
      expect(keys).toEqual([document.key]);
      expect(record.status).toBe('valid');
      expect(record.agreement).toEqual(document.expected.agreement);
    }
  }, 320_000);

  it('rejects hostile files in an uploaded batch, reads the agreement beside them, parks nothing, and writes the batch report', async () => {
    // A reader that never finishes a page and one that grows without end: the function stops each,
    // records it as rejected, and is done long before its own timeout, so nothing is retried. Each meets
    // whichever limit comes first with the reader's share of the function's memory: the endless page's
    // operator list grows for as long as it runs (as in hostile.test), and the grower's heap fills while
    // the garbage collector slows it down.
    const folder = mkdtempSync(join(tmpdir(), 'hostile-batch-'));
    const files = { 'endless-content.pdf': /^limit\.(time|memory)$/, 'jbig2-symbol-dictionary.pdf': /^limit\.(time|memory)$/ };
    for (const name of Object.keys(files)) writeFileSync(join(folder, name), fresh(readFileSync(join(fixturesRoot, 'hostile', name))));
    writeFileSync(join(folder, 'zv-2019-hochtaunuskreis.pdf'), fresh(fixtureBytes(pick('digital/zv-2019-hochtaunuskreis.pdf'))));
    const batch = `hostile-${runId}`;
    const upload = await uploadBatch({ s3, bucket: pipeline.bucket, paths: [folder], batch });
    expect(upload.uploaded).toHaveLength(3);

    for (const [name, code] of Object.entries(files)) {
      const documentId = documentIdOf(readFileSync(join(folder, name)));
      const { record } = await waitFor(`the record of ${name}`, stored(documentId), 300_000);
      expect(record.status).toBe('rejected');
      expect(record.issues).toHaveLength(1);
      expect(record.issues[0]?.code).toMatch(code);
    }
    const agreement = await waitFor('the record of the agreement', stored(documentIdOf(readFileSync(join(folder, 'zv-2019-hochtaunuskreis.pdf')))), 300_000);
    expect(agreement.record.status).toBe('valid');

    const report = await waitFor(
      `the report of batch ${batch}`,
      () =>
        s3
          .send(new GetObjectCommand({ Bucket: pipeline.bucket, Key: `reports/${batch}/report.json` }))
          .then(async (object) => JSON.parse(await object.Body!.transformToString()) as { documents: AgreementRecord[] })
          .catch(() => undefined),
      300_000,
    );
    expect(report.documents.map((record) => [record.fileName, record.status]).sort()).toEqual([
      ['endless-content.pdf', 'rejected'],
      ['jbig2-symbol-dictionary.pdf', 'rejected'],
      ['zv-2019-hochtaunuskreis.pdf', 'valid'],
    ]);
    // Nothing of the batch in the dead-letter queue (looked at without hiding what others wait for).
    const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: pipeline.deadLetterQueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
    expect((Messages ?? []).filter((message) => message.Body?.includes(batch))).toEqual([]);
  }, 620_000);

  it('parks a message that fails on every delivery in the dead-letter queue', async () => {
    const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
    const parked = await waitFor(
      'the poisoned message in the dead-letter queue',
      async () => {
        const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: pipeline.deadLetterQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 600 }));
        return Messages?.find((message) => message.Body === notification(poisonedKey));
      },
      300_000,
    );
    expect(parked.Body).toBe(notification(poisonedKey));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: pipeline.ingestQueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    expect(Attributes).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  }, 320_000);
});
