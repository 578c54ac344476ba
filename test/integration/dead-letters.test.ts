import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { uploadBatch } from '../../cli/upload/batch.js';
import { documentIdOf } from '../../shared/extract/rejected.js';
import type { Report } from '../../shared/report/model.js';
import { type BatchMember, BatchesTable } from '../../shared/store/batches.js';
import { RecordsTable } from '../../shared/store/records.js';
import { agreements } from '../support/cli.js';
import { type DeployedPipeline, deployPipeline, runOcrSweep, waitFor } from '../support/emulator.js';
import { fixtureBytes, loadFixtures } from '../support/fixtures.js';
import { dropNotifications, jobsOf, throttle } from '../support/stand-in.js';

/**
 * Every batch completes, even with documents the pipeline fails on at every delivery: one whose
 * object is gone before it is processed, a scan whose every delivery meets a throttled Textract, and a
 * scan whose upload is deleted while Textract reads it, its notice lost, so that every attempt of the
 * sweep to complete it fails. Each still gets a `rejected` record with code `pipeline.failed` and the
 * last error, counts against its batch, and the batch's report is written and lists it; the messages
 * stay parked for a redrive, which after the fix reads the documents again and has the report written
 * again.
 */
let pipeline: DeployedPipeline;
let s3: S3Client;
let sqs: SQSClient;
let records: RecordsTable;
let batches: BatchesTable;
const runId = Date.now().toString(36);
const batch = `parked-${runId}`;
const fixtures = loadFixtures();
const fresh = (path: string) => Buffer.concat([fixtureBytes(fixtures.find((fixture) => fixture.path === path)!), Buffer.from(`\n% ${runId}\n`)]);
const files = {
  good: { name: 'zv-2020-landkreis-kassel.pdf', bytes: fresh('digital/zv-2020-landkreis-kassel.pdf') },
  gone: { name: 'zv-2021-stadt-frankfurt-am-main.pdf', bytes: fresh('digital/zv-2021-stadt-frankfurt-am-main.pdf') },
  throttled: { name: 'scan-2025-landkreis-marburg-biedenkopf.pdf', bytes: fresh('scanned/scan-2025-landkreis-marburg-biedenkopf.pdf') },
  deletedWhileRead: { name: 'scan-2017-landkreis-giessen.pdf', bytes: fresh('scanned/scan-2017-landkreis-giessen.pdf') },
};
const keyOf = (name: string) => `incoming/${batch}/${name}`;

/**
 * The messages of this test's documents waiting (visible, as the alarm counts them) in a dead-letter
 * queue, looked at without hiding them; other tests park theirs in the same queues.
 */
const parkedCount = async (queueUrl: string) => {
  const ours = [batch, documentIdOf(files.deletedWhileRead.bytes).slice('sha256:'.length)];
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 0 }));
  return (Messages ?? []).filter((message) => ours.some((mark) => message.Body?.includes(mark))).length;
};

async function reportOf(): Promise<Report> {
  const object = await s3.send(new GetObjectCommand({ Bucket: pipeline.bucket, Key: `reports/${batch}/report.json` }));
  return JSON.parse(await object.Body!.transformToString());
}

beforeAll(async () => {
  pipeline = await deployPipeline();
  s3 = new S3Client({ forcePathStyle: true });
  sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
  records = new RecordsTable(client, pipeline.recordsTable);
  batches = new BatchesTable(client, pipeline.batchesTable, pipeline.batchMembersTable);

  const folder = join(mkdtempSync(join(tmpdir(), 'parked-')), batch);
  mkdirSync(folder);
  for (const file of Object.values(files)) writeFileSync(join(folder, file.name), file.bytes);
  // The manifest names all four. First only the scan that is deleted while Textract reads it: its job's
  // notice is lost, and once the job is under way its upload is gone.
  await dropNotifications(1);
  await uploadBatch({
    s3,
    bucket: pipeline.bucket,
    paths: [folder],
    batch,
    beforeUpload: (path) => {
      if (basename(path) !== files.deletedWhileRead.name) throw new Error('uploaded later');
    },
  });
  await waitFor('the job of the scan deleted while read', async () => (await records.get(documentIdOf(files.deletedWhileRead.bytes)))?.ocrJob, 300_000);
  await s3.send(new DeleteObjectCommand({ Bucket: pipeline.bucket, Key: keyOf(files.deletedWhileRead.name) }));

  // Then Textract refuses every start until the fix below: the SDK's retries give up, and so does every delivery.
  await throttle(100_000, 'StartDocumentTextDetection');
  for (const file of [files.good, files.throttled]) {
    await s3.send(new PutObjectCommand({ Bucket: pipeline.bucket, Key: keyOf(file.name), Body: file.bytes, Metadata: { batch } }));
  }
  // One never arrives, as if deleted before the function got to it, and S3's notice of it is sent by hand.
  const notice = { Records: [{ eventName: 'ObjectCreated:Put', s3: { object: { key: keyOf(files.gone.name) } } }] };
  await sqs.send(new SendMessageCommand({ QueueUrl: pipeline.ingestQueueUrl, MessageBody: JSON.stringify(notice) }));
}, 600_000);

describe('documents parked after their last delivery', () => {
  it('get a rejected record with pipeline.failed and the last error, by the bytes or by the manifest\'s digest', async () => {
    const gone = await waitFor('the record of the object that was gone', () => records.get(documentIdOf(files.gone.bytes)).then((item) => item?.record), 600_000);
    expect(gone.status).toBe('rejected');
    expect(gone.fileName).toBe(files.gone.name);
    expect(gone.issues).toEqual([
      { path: 'document', code: 'pipeline.failed', message: expect.stringMatching(/at each of its 2 deliveries; the last error: NotFound: .*dead-letter queue for a redrive/) },
    ]);
    const throttled = await waitFor('the record of the throttled scan', () => records.get(documentIdOf(files.throttled.bytes)).then((item) => item?.record), 600_000);
    expect(throttled.status).toBe('rejected');
    expect(throttled.issues).toEqual([
      { path: 'document', code: 'pipeline.failed', message: expect.stringMatching(/at each of its 2 deliveries; the last error: ProvisionedThroughputExceededException: Provisioned rate exceeded/) },
    ]);
    expect((await records.get(documentIdOf(files.good.bytes)))?.record?.status).toBe('valid');
  }, 660_000);

  it('get the record after the last attempt to complete them, when every attempt of the sweep fails', async () => {
    const documentId = documentIdOf(files.deletedWhileRead.bytes);
    // The sweep runs every minute here; run as EventBridge runs it, it need not wait for the next.
    const failed = await waitFor('the record of the scan deleted while read', async () => {
      const record = (await records.get(documentId))?.record;
      if (record) return record;
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      await runOcrSweep(pipeline);
      return undefined;
    }, 600_000);
    expect(failed.status).toBe('rejected');
    expect(failed.fileName).toBe(files.deletedWhileRead.name);
    expect(failed.issues).toEqual([
      {
        path: 'document',
        code: 'pipeline.failed',
        message: expect.stringMatching(/^The pipeline failed to complete this document with its OCR job's results at each of 3 attempts; the last error: NoSuchKey: .*dead-letter queue for a redrive/),
      },
    ]);
    // The job stays with the record, for the redrive; Textract read the pages once.
    const stored = (await records.get(documentId))!;
    expect((await jobsOf(documentId)).map((job) => [job.jobId, job.status])).toEqual([[stored.ocrJob!.jobId, 'SUCCEEDED']]);
  }, 660_000);

  it('count against their batch: it completes, and its report lists them and why', async () => {
    const state = await waitFor(`the report of batch ${batch}`, async () => ((await batches.get(batch))?.reportedAt ? batches.get(batch) : undefined), 300_000);
    const members: BatchMember[] = [];
    for await (const page of batches.members(batch)) members.push(...page);
    expect(state).toMatchObject({ expected: Object.values(files).length, processed: Object.values(files).length });
    expect(members.map((member) => member.key)).toEqual(Object.values(files).map((file) => keyOf(file.name)).sort());
    const report = await reportOf();
    expect(report.documents.map((record) => [record.fileName, record.status]).sort()).toEqual(
      [[files.good.name, 'valid'], [files.gone.name, 'rejected'], [files.throttled.name, 'rejected'], [files.deletedWhileRead.name, 'rejected']].sort(),
    );
    expect(report.review.filter((item) => item.issues.some((issue) => issue.code === 'pipeline.failed')).map((item) => item.fileName).sort()).toEqual(
      [files.gone.name, files.throttled.name, files.deletedWhileRead.name].sort(),
    );
  }, 360_000);

  it('stay parked in the dead-letter queue, where the alarm sees them, until a redrive', async () => {
    const completions = pipeline.outputs.OcrCompleteDeadLetterQueueUrl!;
    expect(await waitFor('both uploads parked', async () => ((await parkedCount(pipeline.deadLetterQueueUrl)) === 2 ? true : undefined), 300_000)).toBe(true);
    expect(await parkedCount(completions)).toBe(1);
    const listed = await agreements(['redrive', '--batch', batch, '--dry-run', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.trim().split('\n').map((line) => JSON.parse(line)).sort((a, b) => a.subject.localeCompare(b.subject))).toEqual(
      [
        ...[keyOf(files.gone.name), keyOf(files.throttled.name)].map((subject) => ({ kind: 'upload', subject, batch, action: 'would redrive' })),
        { kind: 'ocr-completion', subject: documentIdOf(files.deletedWhileRead.bytes), batch, action: 'would redrive' },
      ].sort((a, b) => a.subject.localeCompare(b.subject)),
    );
    expect(await parkedCount(pipeline.deadLetterQueueUrl)).toBe(2);
    expect(await parkedCount(completions)).toBe(1);
  }, 360_000);

  it('are read again by a redrive after the fix: the new records replace the failed ones, and the report is written again', async () => {
    const before = (await batches.get(batch))!.reportedAt!;
    // The fix: Textract answers again, and the missing files are put back where they were.
    await throttle(0);
    for (const file of [files.gone, files.deletedWhileRead]) {
      await s3.send(new PutObjectCommand({ Bucket: pipeline.bucket, Key: keyOf(file.name), Body: file.bytes, Metadata: { batch } }));
    }
    const redriven = await agreements(['redrive', '--batch', batch]);
    expect(redriven.code, redriven.stderr).toBe(0);
    expect(redriven.stdout).toMatch(/^redriven\s+upload\s+incoming\/parked-/m);
    expect(redriven.stdout).toMatch(/^redriven\s+ocr-completion\s+sha256:/m);
    expect(redriven.stdout).toMatch(/3 parked messages put back/);

    const scan = await waitFor('the scan read after the redrive', async () => {
      const record = (await records.get(documentIdOf(files.throttled.bytes)))?.record;
      return record && record.status !== 'rejected' ? record : undefined;
    }, 600_000);
    expect(scan.textSource).toBe('ocr');
    expect((await jobsOf(documentIdOf(files.throttled.bytes))).map((job) => job.status)).toEqual(['SUCCEEDED']);
    const gone = await waitFor('the put-back file read', async () => {
      const record = (await records.get(documentIdOf(files.gone.bytes)))?.record;
      return record?.status === 'valid' ? record : undefined;
    }, 300_000);
    expect(gone.issues).toEqual([]);
    // The put-back upload is read as any upload is, and the redriven completion completes the document
    // unless the new upload's job came first (completing it with the kept job is tested in process).
    const deletedWhileRead = await waitFor('the scan completed after the redrive', async () => {
      const record = (await records.get(documentIdOf(files.deletedWhileRead.bytes)))?.record;
      return record && record.status !== 'rejected' ? record : undefined;
    }, 300_000);
    expect(deletedWhileRead.textSource).toBe('ocr');
    expect(deletedWhileRead.fileName).toBe(files.deletedWhileRead.name);

    const after = await waitFor('the report written again', async () => {
      const state = await batches.get(batch);
      const report = state?.reportedAt && state.reportedAt > before ? await reportOf() : undefined;
      return report && report.documents.every((record) => record.status !== 'rejected') ? report : undefined;
    }, 300_000);
    expect(after.documents.map((record) => record.fileName).sort()).toEqual(Object.values(files).map((file) => file.name).sort());
    expect(await waitFor('none of the batch left in the dead-letter queues', async () => ((await parkedCount(pipeline.deadLetterQueueUrl)) + (await parkedCount(pipeline.outputs.OcrCompleteDeadLetterQueueUrl!)) === 0 ? true : undefined), 300_000)).toBe(true);
  }, 900_000);
});
