import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { uploadBatch } from '../../cli/upload/batch.js';
import { bulkAgreements } from '../../fixtures/generator/bulk.js';
import { documentIdOf } from '../../shared/extract/rejected.js';
import type { Report } from '../../shared/report/model.js';
import { BatchTracker, type ReportRequest } from '../../shared/store/batch-tracking.js';
import { type BatchMember, BatchesTable, type BatchState } from '../../shared/store/batches.js';
import { dynamoItemBytes } from '../../shared/store/item-size.js';
import { RecordsTable } from '../../shared/store/records.js';
import { type DeployedPipeline, deployPipeline, waitFor, functionStorageEnvironment } from '../support/emulator.js';

/**
 * Batch bookkeeping against the deployed stack in the emulator. Through the pipeline: a batch whose every
 * S3 notification arrives twice counts each key once, asks for its report once and gets it; a key of the
 * finished batch uploaded again with other bytes is one change, one more request, and a rewritten report.
 * In the store: many trackers finishing one batch at once, exactly one of them claiming its report. No
 * item of the bookkeeping grows with the batch. A batch tracked by an earlier version, in sets on its head
 * item, is moved to member items by the deployment's migration while its last document arrives.
 */

const run = Date.now().toString(36);
const batch = `tracking-${run}`;
let pipeline: DeployedPipeline;
let s3: S3Client;
let sqs: SQSClient;
let batches: BatchesTable;
let client: DynamoDBDocumentClient;
/** Relative path in the batch → bytes. */
const files = new Map<string, Buffer>();
let replacement: Buffer;

const keyOf = (path: string) => `incoming/${batch}/${path}`;
const notification = (key: string) => JSON.stringify({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: pipeline.bucket }, object: { key } } }] });

async function membersOf(batchId: string): Promise<BatchMember[]> {
  const members: BatchMember[] = [];
  for await (const page of batches.members(batchId)) members.push(...page);
  return members;
}

async function headItem(batchId: string): Promise<Record<string, unknown>> {
  const { Item } = await client.send(new GetCommand({ TableName: pipeline.batchesTable, Key: { batchId }, ConsistentRead: true }));
  return Item!;
}

async function reportJson(): Promise<Report> {
  const object = await s3.send(new GetObjectCommand({ Bucket: pipeline.bucket, Key: `reports/${batch}/report.json` }));
  return JSON.parse(await object.Body!.transformToString()) as Report;
}

/** Until no message waits in the ingest queue or is being processed, twice in a row a second apart. */
async function ingestQueueDrained(): Promise<void> {
  let quietPolls = 0;
  await waitFor('the ingest queue to drain', async () => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: pipeline.ingestQueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    quietPolls = Attributes?.ApproximateNumberOfMessages === '0' && Attributes.ApproximateNumberOfMessagesNotVisible === '0' ? quietPolls + 1 : 0;
    return quietPolls >= 2 ? true : undefined;
  }, 300_000);
}

beforeAll(async () => {
  pipeline = await deployPipeline();
  s3 = new S3Client({ forcePathStyle: true });
  sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  client = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
  batches = new BatchesTable(client, pipeline.batchesTable, pipeline.batchMembersTable);
  // New bytes in every run (a comment after the end of file): the emulator may have seen these agreements before.
  const fresh = (bytes: Uint8Array) => Buffer.concat([bytes, Buffer.from(`\n% ${run}\n`)]);
  const agreements = await bulkAgreements(7, { seed: 1414, prefix: 'tracked' });
  for (const agreement of agreements.slice(0, 6)) files.set(agreement.fileName, fresh(agreement.bytes));
  // The same bytes under a second name in the same batch.
  files.set('kopie von tracked-000.pdf', files.get('tracked-000.pdf')!);
  replacement = fresh(agreements[6]!.bytes);
}, 600_000);

describe('batch tracking in the deployed pipeline', () => {
  let finished: BatchState;

  it('counts each key once when every notification arrives twice, and asks for the report once', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tracking-'));
    for (const [path, bytes] of files) writeFileSync(join(folder, path), bytes);
    const uploaded = await uploadBatch({ s3, bucket: pipeline.bucket, paths: [folder], batch });
    expect(uploaded.uploaded).toHaveLength(files.size);
    // A second delivery of every notification, while the first ones are being processed.
    const keys = [...files.keys()].map(keyOf);
    for (let start = 0; start < keys.length; start += 10) {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: pipeline.ingestQueueUrl,
          Entries: keys.slice(start, start + 10).map((key, index) => ({ Id: `again-${start + index}`, MessageBody: notification(key) })),
        }),
      );
    }

    finished = await waitFor(`the report of batch ${batch}`, async () => {
      const state = await batches.get(batch);
      return state?.reportedAt ? state : undefined;
    }, 600_000);
    await ingestQueueDrained();
    const settled = (await batches.get(batch))!;
    expect(settled).toMatchObject({ expected: files.size, processed: files.size, reportRequests: 1, reportedRequest: 1 });
    expect(settled.reportedAt).toBe(finished.reportedAt);

    const members = await membersOf(batch);
    expect(members.map((member) => member.key)).toEqual(keys.sort());
    for (const member of members) expect(member.documentId, member.key).toBe(documentIdOf(files.get(member.key.slice(`incoming/${batch}/`.length))!));

    const report = await reportJson();
    const distinct = [...new Set([...files.values()].map((bytes) => documentIdOf(bytes)))].sort();
    expect(report.documents.map((record) => record.documentId).sort()).toEqual(distinct);
    expect(report.keys[documentIdOf(files.get('tracked-000.pdf')!)]).toEqual([keyOf('kopie von tracked-000.pdf'), keyOf('tracked-000.pdf')]);
  }, 900_000);

  it('asks for the report once more when a key of the finished batch is uploaded again with other bytes', async () => {
    const key = keyOf('tracked-003.pdf');
    const previous = documentIdOf(files.get('tracked-003.pdf')!);
    await s3.send(new PutObjectCommand({ Bucket: pipeline.bucket, Key: key, Body: replacement, Metadata: { batch } }));
    const rewritten = await waitFor('the report after the change', async () => {
      const state = await batches.get(batch);
      return state?.reportedRequest === 2 ? state : undefined;
    }, 300_000);
    await ingestQueueDrained();
    expect(await batches.get(batch)).toMatchObject({ processed: files.size, reportRequests: 2, reportedRequest: 2, reportRequestedAt: finished.reportRequestedAt });
    expect(rewritten.reportedAt! > finished.reportedAt!).toBe(true);

    const member = (await membersOf(batch)).find((candidate) => candidate.key === key)!;
    expect(member.documentId).toBe(documentIdOf(replacement));
    const documents = (await reportJson()).documents.map((record) => record.documentId);
    expect(documents).toContain(documentIdOf(replacement));
    expect(documents).not.toContain(previous);
    expect(await batches.batchesOf(documentIdOf(replacement))).toEqual([batch]);
  }, 600_000);
});

describe('batch tracking in the store', () => {
  const contended = `contended-${run}`;
  const KEYS = 300;
  const sent: ReportRequest[] = [];
  let trackers: BatchTracker[];

  beforeAll(() => {
    // Each tracker with a client of its own, as separate function instances have.
    trackers = Array.from({ length: 6 }, () => {
      const own = DynamoDBDocumentClient.from(new DynamoDBClient({}));
      return new BatchTracker(new BatchesTable(own, pipeline.batchesTable, pipeline.batchMembersTable), async (request) => {
        sent.push(request);
      });
    });
  });

  it('lets exactly one of many trackers finishing a batch at once ask for its report', async () => {
    const deliveries = Array.from({ length: KEYS * 2 }, (_, index) => index % KEYS);
    // Every key delivered twice, shuffled, and spread over the trackers.
    deliveries.sort((a, b) => ((a * 7919) % 101) - ((b * 7919) % 101) || a - b);
    const outcomes = await Promise.all(
      deliveries.map((key, index) =>
        trackers[index % trackers.length]!.documentStored({ batchId: contended, key: `incoming/${contended}/${key}.pdf`, documentId: `sha256:${String(key).padStart(64, '0')}` }, KEYS, new Date()),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.membership.kind === 'added')).toHaveLength(KEYS);
    expect(outcomes.filter((outcome) => outcome.membership.kind === 'known')).toHaveLength(KEYS);
    expect(outcomes.flatMap((outcome) => (outcome.reportRequest === undefined ? [] : [outcome.reportRequest]))).toEqual([1]);
    expect(sent).toEqual([{ batchId: contended, request: 1 }]);
    expect(await batches.get(contended)).toMatchObject({ expected: KEYS, processed: KEYS, reportRequests: 1 });
    expect(await membersOf(contended)).toHaveLength(KEYS);
  }, 300_000);

  it('numbers the requests of changes made at once, one per change', async () => {
    const requests = await Promise.all(trackers.map((tracker) => tracker.recordChanged(contended)));
    expect([...requests].sort((a, b) => a! - b!)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(sent.map((request) => request.request).sort((a, b) => a! - b!)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(await trackers[0]!.recordChanged(`never-finished-${run}`)).toBeUndefined();
  });

  it('keeps the head item the same size whatever the number of keys, and a member item the size of its key', async () => {
    const small = await headItem(batch);
    const large = await headItem(contended);
    for (const item of [small, large]) expect(Object.values(item).some((value) => value instanceof Set || Array.isArray(value) && value.length > 10)).toBe(false);
    const withoutReport = (item: Record<string, unknown>) => {
      const { reportKeys: _keys, reportedAt: _at, reportedRequest: _request, ...rest } = item;
      return dynamoItemBytes({ ...rest, batchId: 'b' });
    };
    // 7 keys or 300: the same attributes; a number's size differs by a byte at most.
    expect(Math.abs(withoutReport(small) - withoutReport(large))).toBeLessThanOrEqual(3);
    expect(dynamoItemBytes(large)).toBeLessThan(300);
    for (const member of await membersOf(contended)) expect(dynamoItemBytes(member as unknown as Record<string, unknown>)).toBeLessThan(200);
  });
});

describe('migrating a batch tracked in sets', () => {
  it('gives its keys member items, counts them with the key that arrived meanwhile, and asks for the report the batch now has earned', async () => {
    const legacy = `legacy-${run}`;
    const records = new RecordsTable(client, pipeline.recordsTable);
    const agreements = await bulkAgreements(3, { seed: 2718, prefix: 'legacy' });
    const documents = agreements.map((agreement, index) => {
      const bytes = Buffer.concat([agreement.bytes, Buffer.from(`\n% ${run} legacy\n`)]);
      return { key: `incoming/${legacy}/${agreement.fileName}`, documentId: documentIdOf(bytes), index };
    });
    // The records the earlier version stored (their content does not matter here), and its head item with two of the three keys.
    const template = (await batches.documentIds(batch)).at(0)!;
    const stored = (await records.get(template))!.record!;
    for (const document of documents) await records.put({ ...stored, documentId: document.documentId }, { key: document.key, now: new Date(), extractorVersion: 'earlier', expectedVersion: 0 });
    await client.send(
      new PutCommand({
        TableName: pipeline.batchesTable,
        Item: {
          batchId: legacy,
          expected: 3,
          createdAt: new Date().toISOString(),
          keys: new Set(documents.slice(0, 2).map((document) => document.key)),
          documentIds: new Set(documents.slice(0, 2).map((document) => document.documentId)),
        },
      }),
    );
    // The third document is stored by the new version before the migration has run.
    const tracker = new BatchTracker(batches, async () => {
      throw new Error('the batch is not complete; nothing may be asked for');
    });
    const [, , third] = documents;
    expect(await tracker.documentStored({ batchId: legacy, key: third!.key, documentId: third!.documentId }, 3, new Date())).toEqual({ membership: { kind: 'added', afterReport: false } });

    Object.assign(process.env, {
      ...functionStorageEnvironment(pipeline),
      OCR_ENGINE: 'none',
    });
    const { handler } = await import('../../functions/migrate-batches.js');
    // An emulator kept running from before may hold other such batches; this one is among those moved.
    const moved = await handler({}, { functionName: 'migrate', awsRequestId: run } as never);
    expect(moved.batches).toBeGreaterThanOrEqual(1);

    const head = await headItem(legacy);
    expect(head.keys).toBeUndefined();
    expect(head.documentIds).toBeUndefined();
    expect(head).toMatchObject({ expected: 3, processed: 3, reportRequests: 1 });
    expect((await membersOf(legacy)).map((member) => [member.key, member.documentId])).toEqual(documents.map((document) => [document.key, document.documentId]).sort());
    const reported = await waitFor('the migrated batch\'s report', async () => {
      const state = await batches.get(legacy);
      return state?.reportedAt ? state : undefined;
    }, 300_000);
    expect(reported.reportedRequest).toBe(1);

    // A second run finds nothing left to move.
    expect(await handler({}, { functionName: 'migrate', awsRequestId: `${run}-again` } as never)).toEqual({ batches: 0, unresolved: 0 });
  }, 600_000);
});
