import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { uploadBatch } from '../../cli/upload/batch.js';
import { extractionConfigSchema } from '../../shared/config.js';
import { extractDocument } from '../../shared/extract/extract-document.js';
import { documentIdOf } from '../../shared/extract/rejected.js';
import { TesseractOcrEngine } from '../../shared/ocr/tesseract.js';
import type { AgreementRecord } from '../../shared/schema/record.js';
import { RecordsTable } from '../../shared/store/records.js';
import { type DeployedPipeline, deployPipeline, waitFor } from '../support/emulator.js';
import { type Fixture, fixtureBytes, fixturesRoot, loadFixtures } from '../support/fixtures.js';

/**
 * The deployed stack in the local emulator, driven over HTTP with the real AWS SDK: PDFs uploaded under
 * incoming/ must come out as records in DynamoDB and under records/, equal to what the in-process
 * extraction gives for the same bytes.
 */
let pipeline: DeployedPipeline;
let s3: S3Client;
let table: RecordsTable;
const fixtures = loadFixtures();
function pick(path: string): Fixture {
  return fixtures.find((fixture) => fixture.path === path) as Fixture;
}
const uploads = [
  pick('digital/zielvereinbarung-2025-main-taunus-kreis.pdf'),
  pick('digital/zv-2022-kreis-offenbach.pdf'),
  pick('scanned/scan-2019-stadt-kassel.pdf'),
  pick('mixed/mixed-2024-werra-meissner-kreis.pdf'),
  pick('bad/not-a-pdf.pdf'),
  pick('bad/Zielvereinbarung 2024 – Stadt Offenbach (Kopie) äöü #1.PDF'),
];

/** The document's stored record, once there is one. */
const stored = (documentId: string) => () =>
  table.get(documentId).then((item) => (item?.record ? { record: item.record, keys: item.keys } : undefined));

/**
 * Messages sent to the ingest queue by hand, for objects that do not exist when the function first sees
 * them: the whole batch fails, as when the function crashes. Two of the objects are uploaded after that
 * failure and must be stored on the retry; the third never appears and must end in the dead-letter queue.
 */
const runId = Date.now().toString(36);
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
    expect(await table.get(document.documentId)).toBeUndefined();
    await s3.send(new PutObjectCommand({ Bucket: pipeline.bucket, Key: document.key, Body: document.bytes }));
  }
}

beforeAll(async () => {
  pipeline = await deployPipeline();
  s3 = new S3Client({ forcePathStyle: true });
  table = new RecordsTable(DynamoDBDocumentClient.from(new DynamoDBClient({})), pipeline.table);
  await failOneBatch(new SQSClient({ useQueueUrlAsEndpoint: false }));
  await Promise.all(
    uploads.map((fixture) =>
      s3.send(new PutObjectCommand({ Bucket: pipeline.bucket, Key: `incoming/${runId}/${basename(fixture.path)}`, Body: fixtureBytes(fixture) })),
    ),
  );
}, 600_000);

describe('the local pipeline', () => {
  it('stores for every uploaded PDF the record the extraction gives for the same bytes', async () => {
    const ocr = new TesseractOcrEngine();
    const config = extractionConfigSchema.parse({});
    try {
      for (const fixture of uploads) {
        const bytes = fixtureBytes(fixture);
        const { record } = await waitFor(`the record of ${fixture.path}`, stored(documentIdOf(bytes)), 300_000);
        const local = await extractDocument(bytes, basename(fixture.path), { config, ocr });
        expect(record.documentId).toBe(fixture.expected.documentId);
        expect(record.fileName).toBe(fixture.expected.fileName);
        expect(record.status).toBe(local.status);
        expect(record.textSource).toBe(local.textSource);
        expect(record.pages).toBe(local.pages);
        expect(record.agreement).toEqual(local.agreement);
        expect(record.issues).toEqual(local.issues);
      }
    } finally {
      await ocr.close();
    }
  }, 600_000);

  it('writes the same record as JSON under records/<sha256>.json', async () => {
    for (const fixture of uploads) {
      const hex = fixture.expected.documentId.slice('sha256:'.length);
      const object = await s3.send(new GetObjectCommand({ Bucket: pipeline.bucket, Key: `records/${hex}.json` }));
      const fromS3 = JSON.parse(await object.Body!.transformToString()) as AgreementRecord;
      const fromTable = (await table.get(fixture.expected.documentId))?.record;
      expect(fromS3).toEqual(fromTable);
    }
  });

  it('copies a rejected original to quarantine/', async () => {
    const rejected = uploads.find((fixture) => fixture.path === 'bad/not-a-pdf.pdf')!;
    const { record, keys } = (await stored(rejected.expected.documentId)())!;
    expect(record.status).toBe('rejected');
    expect(record.issues.map((issue) => issue.code)).toEqual(['pdf.not_pdf']);
    const quarantined = keys[0]!.replace(/^incoming\//, 'quarantine/');
    const head = await s3.send(new HeadObjectCommand({ Bucket: pipeline.bucket, Key: quarantined }));
    expect(head.ContentLength).toBe(fixtureBytes(rejected).length);
  });

  it('makes no duplicate when the same bytes arrive again under another key', async () => {
    const seed = uploads[0]!;
    const before = (await table.get(seed.expected.documentId))!;
    const copyKey = `incoming/again-${Date.now().toString(36)}/kopie.pdf`;
    await s3.send(new PutObjectCommand({ Bucket: pipeline.bucket, Key: copyKey, Body: fixtureBytes(seed) }));
    const after = await waitFor('the second key on the seed record', async () => {
      const item = await table.get(seed.expected.documentId);
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
    // A reader that hangs on a page and one that grows without end: the function stops each, records
    // it as rejected, and is done long before its own timeout, so nothing is retried. The grower meets
    // whichever limit comes first with the reader's share of the function's memory: its heap fills, and
    // the garbage collector slows it down as it does.
    const folder = mkdtempSync(join(tmpdir(), 'hostile-batch-'));
    const files = { 'endless-content.pdf': /^limit\.time$/, 'jbig2-symbol-dictionary.pdf': /^limit\.(time|memory)$/ };
    // A comment after the end of file makes the bytes new to the table, which other runs fill too.
    const fresh = (bytes: Buffer) => Buffer.concat([bytes, Buffer.from(`\n% ${runId}\n`)]);
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
