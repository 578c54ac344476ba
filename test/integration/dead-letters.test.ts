import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { uploadBatch } from '../../cli/upload/batch.js';
import { documentIdOf } from '../../shared/extract/extract-document.js';
import type { Report } from '../../shared/report/report.js';
import { BatchesTable } from '../../shared/store/batches.js';
import { RecordsTable } from '../../shared/store/records.js';
import { agreements } from '../support/cli.js';
import { type DeployedPipeline, deployPipeline, waitFor } from '../support/emulator.js';
import { fixtureBytes, loadFixtures } from '../support/fixtures.js';
import { jobsOf, throttle } from '../support/stand-in.js';

/**
 * Every batch completes, even with documents the pipeline fails on at every delivery: one whose
 * object is gone before it is processed, and a scan whose every delivery meets a throttled Textract.
 * Each still gets a `rejected` record with code `pipeline.failed` and the last error, counts against
 * its batch, and the batch's report is written and lists it; the messages stay parked for a redrive,
 * which after the fix reads the documents again and has the report written again.
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
};
const keyOf = (name: string) => `incoming/${batch}/${name}`;

const parkedCount = async (queueUrl: string) => {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
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
  records = new RecordsTable(client, pipeline.table);
  batches = new BatchesTable(client, pipeline.batchesTable);

  // Textract refuses every request until the fix below: the SDK's retries give up, and so does every delivery.
  await throttle(100_000);
  const folder = join(mkdtempSync(join(tmpdir(), 'parked-')), batch);
  mkdirSync(folder);
  for (const file of Object.values(files)) writeFileSync(join(folder, file.name), file.bytes);
  // The manifest names all three; one never arrives, as if deleted before the function got to it, and
  // S3's notice of it is sent by hand.
  const uploaded = await uploadBatch({
    s3,
    bucket: pipeline.bucket,
    paths: [folder],
    batch,
    beforeUpload: (path) => {
      if (basename(path) === files.gone.name) throw new Error('deleted before it was processed');
    },
  });
  expect(uploaded.uploaded.map((outcome) => basename(outcome.path)).sort()).toEqual([files.good.name, files.throttled.name].sort());
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

  it('count against their batch: it completes, and its report lists them and why', async () => {
    const state = await waitFor(`the report of batch ${batch}`, async () => ((await batches.get(batch))?.reportedAt ? batches.get(batch) : undefined), 300_000);
    expect(state!.keys).toEqual(Object.values(files).map((file) => keyOf(file.name)).sort());
    const report = await reportOf();
    expect(report.documents.map((record) => [record.fileName, record.status]).sort()).toEqual(
      [[files.good.name, 'valid'], [files.gone.name, 'rejected'], [files.throttled.name, 'rejected']].sort(),
    );
    expect(report.review.filter((item) => item.issues.some((issue) => issue.code === 'pipeline.failed')).map((item) => item.fileName).sort()).toEqual([files.gone.name, files.throttled.name].sort());
  }, 360_000);

  it('stay parked in the dead-letter queue, where the alarm sees them, until a redrive', async () => {
    expect(await waitFor('both messages parked', async () => ((await parkedCount(pipeline.deadLetterQueueUrl)) >= 2 ? true : undefined), 300_000)).toBe(true);
    const listed = await agreements(['redrive', '--batch', batch, '--dry-run', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.trim().split('\n').map((line) => JSON.parse(line)).sort((a, b) => a.subject.localeCompare(b.subject))).toEqual(
      [keyOf(files.gone.name), keyOf(files.throttled.name)].sort().map((subject) => ({ kind: 'upload', subject, batch, action: 'would redrive' })),
    );
    expect(await parkedCount(pipeline.deadLetterQueueUrl)).toBeGreaterThanOrEqual(2);
  }, 360_000);

  it('are read again by a redrive after the fix: the new records replace the failed ones, and the report is written again', async () => {
    const before = (await batches.get(batch))!.reportedAt!;
    // The fix: Textract answers again, and the missing file is put back where it was.
    await throttle(0);
    await s3.send(new PutObjectCommand({ Bucket: pipeline.bucket, Key: keyOf(files.gone.name), Body: files.gone.bytes, Metadata: { batch } }));
    const redriven = await agreements(['redrive', '--batch', batch]);
    expect(redriven.code, redriven.stderr).toBe(0);
    expect(redriven.stdout).toMatch(/^redriven\s+upload\s+incoming\/parked-/m);
    expect(redriven.stdout).toMatch(/2 parked messages put back/);

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

    const after = await waitFor('the report written again', async () => {
      const state = await batches.get(batch);
      const report = state?.reportedAt && state.reportedAt > before ? await reportOf() : undefined;
      return report && report.documents.every((record) => record.status !== 'rejected') ? report : undefined;
    }, 300_000);
    expect(after.documents.map((record) => record.fileName).sort()).toEqual(Object.values(files).map((file) => file.name).sort());
    expect(await waitFor('the dead-letter queue empty', async () => ((await parkedCount(pipeline.deadLetterQueueUrl)) === 0 ? true : undefined), 300_000)).toBe(true);
  }, 900_000);
});
