import { basename } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractionConfigSchema } from '../../shared/config.js';
import { documentIdOf } from '../../shared/extract/rejected.js';
import { ReaderPool } from '../../shared/isolation/reader-pool.js';
import { ingestObject } from '../../shared/pipeline/ingest-object.js';
import { RecordsTable } from '../../shared/store/records.js';
import { type DeployedPipeline, deployPipeline } from '../support/emulator.js';
import { fixtureBytes, loadFixtures } from '../support/fixtures.js';

/**
 * The ingest handler itself, invoked in this process with an SQS batch against the emulator's S3 and
 * DynamoDB: a message that cannot be processed is reported alone, and the rest of its batch is stored.
 */
let pipeline: DeployedPipeline;
let records: RecordsTable;
const run = `handler-${Date.now().toString(36)}`;
const fixtures = loadFixtures().filter((fixture) => ['digital/zv-2011-landkreis-fulda.pdf', 'digital/zv-2019-hochtaunuskreis.pdf'].includes(fixture.path));

const message = (messageId: string, key: string): SQSRecord =>
  ({
    messageId,
    receiptHandle: messageId,
    body: JSON.stringify({ Records: [{ eventName: 'ObjectCreated:Put', s3: { object: { key: encodeURIComponent(key).replace(/%2F/g, '/') } } }] }),
    attributes: {},
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-central-1:000000000000:ingest',
    awsRegion: 'eu-central-1',
  }) as SQSRecord;

beforeAll(async () => {
  pipeline = await deployPipeline();
  process.env.UPLOAD_BUCKET = pipeline.bucket;
  process.env.RECORDS_TABLE = pipeline.recordsTable;
  process.env.BATCHES_TABLE = pipeline.batchesTable;
  process.env.BATCH_MEMBERS_TABLE = pipeline.batchMembersTable;
  process.env.REPORT_QUEUE_URL = pipeline.reportQueueUrl;
  process.env.OCR_ENGINE = 'none';
  process.env.EXTRACTION_OCR = 'never';
  records = new RecordsTable(DynamoDBDocumentClient.from(new DynamoDBClient({})), pipeline.recordsTable);
  const s3 = new S3Client({ forcePathStyle: true });
  for (const fixture of fixtures) {
    await s3.send(new PutObjectCommand({ Bucket: pipeline.bucket, Key: `elsewhere/${run}/${basename(fixture.path)}`, Body: fixtureBytes(fixture) }));
  }
}, 600_000);

describe('ingest handler', () => {
  it('reports only the message that failed and stores the others of its batch', async () => {
    const { handler } = await import('../../functions/ingest.js');
    const [first, second] = fixtures.map((fixture) => `elsewhere/${run}/${basename(fixture.path)}`);
    const event: SQSEvent = {
      Records: [message('ok-1', first!), message('poisoned', `elsewhere/${run}/does-not-exist.pdf`), message('ok-2', second!)],
    };
    const response = await handler(event, { functionName: 'ingest', awsRequestId: run } as Context);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'poisoned' }]);
    for (const fixture of fixtures) {
      const stored = await records.get(documentIdOf(fixtureBytes(fixture)));
      expect(stored?.record?.agreement).toEqual(fixture.expected.agreement);
      expect(stored?.keys).toContain(`elsewhere/${run}/${basename(fixture.path)}`);
    }
  }, 120_000);

  it('rejects a file over the size limit without reading it when S3 holds its SHA-256, and hashes it as it streams otherwise', async () => {
    const s3 = new S3Client({ forcePathStyle: true });
    const bytes = Buffer.concat([fixtureBytes(fixtures[0]!), Buffer.from(`\n% ${run} too large\n`)]);
    const checked = `elsewhere/${run}/too-large-checked.pdf`;
    const plain = `elsewhere/${run}/too-large-plain.pdf`;
    await s3.send(new PutObjectCommand({ Bucket: pipeline.bucket, Key: checked, Body: bytes, ChecksumAlgorithm: 'SHA256' }));
    await s3.send(new PutObjectCommand({ Bucket: pipeline.bucket, Key: plain, Body: bytes, ChecksumAlgorithm: 'CRC32' }));
    const reads: string[] = [];
    const counting = new Proxy(s3, {
      get(target, property) {
        if (property !== 'send') return Reflect.get(target, property, target);
        return (command: { constructor: { name: string }; input: { Key?: string } }) => {
          if (command.constructor.name === 'GetObjectCommand') reads.push(command.input.Key ?? '');
          return target.send(command as never);
        };
      },
    });
    const config = extractionConfigSchema.parse({ ocr: 'never', limits: { maxFileBytes: 1000 } });
    // A file over the size limit is rejected before any reader would open it.
    const reader = new ReaderPool(1);
    const dependencies = { s3: counting, records, bucket: pipeline.bucket, config, reader };
    for (const key of [checked, plain]) {
      const outcome = await ingestObject(key, dependencies);
      // The same bytes under the second key are known by then: their record is taken, not written again.
      expect(outcome).toMatchObject({ kind: 'stored', reused: key === plain });
      if (outcome.kind !== 'stored') continue;
      expect(outcome.record).toEqual({
        documentId: documentIdOf(bytes),
        fileName: basename(checked),
        status: 'rejected',
        textSource: 'pdf-text',
        pages: 0,
        agreement: {},
        issues: [{ path: 'document', code: 'limit.file_size', message: `The file has ${bytes.length} bytes, more than the limit of 1000 bytes.` }],
        evidence: [],
      });
    }
    await reader.close();
    expect(reads).toEqual([plain]);
    expect((await records.get(documentIdOf(bytes)))?.keys).toEqual([checked, plain].sort());
  }, 120_000);
});
