import { ConditionalCheckFailedException, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, ScanCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { migrateLegacyBatches } from '../../shared/store/batch-migration.js';
import { BatchManifests, BatchTracker, type ReportRequest } from '../../shared/store/batch-tracking.js';
import { BatchesTable } from '../../shared/store/batches.js';
import { dynamoItemBytes } from '../../shared/store/item-size.js';
import { RecordsTable } from '../../shared/store/records.js';

/**
 * The batch store against a mocked DynamoDB: the answers a real table gives in the situations an
 * emulator does not produce (transactions cancelled by other transactions, a send that fails), and the
 * migration of head items that held their keys in sets.
 */

const dynamodb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const batches = new BatchesTable(client, 'batches', 'members');
const now = new Date('2026-03-01T10:00:00Z');
let sent: ReportRequest[];
const tracker = () => new BatchTracker(batches, async (request) => void sent.push(request));

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const member = { batchId: 'b', key: 'incoming/b/a.pdf', documentId: 'sha256:aa' };

beforeEach(() => {
  dynamodb.reset();
  s3.reset();
  sent = [];
});

describe('counting a key', () => {
  it('writes the member item and moves the counter in one transaction that requires the report unclaimed', async () => {
    dynamodb.on(TransactWriteCommand).resolves({});
    expect(await batches.addMember(member, 3, now)).toEqual({ kind: 'added', afterReport: false });
    const [put, update] = dynamodb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(put!.Put).toEqual({
      TableName: 'members',
      Item: { ...member, addedAt: '2026-03-01T10:00:00.000Z' },
      ConditionExpression: 'attribute_not_exists(#key)',
      ExpressionAttributeNames: { '#key': 'key' },
    });
    expect(update!.Update).toMatchObject({
      TableName: 'batches',
      Key: { batchId: 'b' },
      UpdateExpression: 'SET updatedAt = :now, createdAt = if_not_exists(createdAt, :now), expected = :expected ADD #processed :one',
      ConditionExpression: 'attribute_not_exists(reportRequestedAt)',
      ExpressionAttributeValues: { ':now': '2026-03-01T10:00:00.000Z', ':one': 1, ':expected': 3 },
    });
  });

  it('counts a key that arrives after the report was claimed as coming after it', async () => {
    dynamodb.on(TransactWriteCommand).rejectsOnce(cancelled('None', 'ConditionalCheckFailed')).resolves({});
    expect(await batches.addMember(member, undefined, now)).toEqual({ kind: 'added', afterReport: true });
    const calls = dynamodb.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.args[0].input.TransactItems![1]!.Update!.ConditionExpression).toBeUndefined();
    expect(calls[1]!.args[0].input.TransactItems![1]!.Update!.UpdateExpression).not.toContain('expected');
  });

  it('retries a transaction another one on the head item cancelled', async () => {
    dynamodb.on(TransactWriteCommand).rejectsOnce(cancelled('None', 'TransactionConflict')).rejectsOnce(cancelled('TransactionConflict', 'None')).resolves({});
    expect(await batches.addMember(member, 3, now)).toEqual({ kind: 'added', afterReport: false });
    expect(dynamodb.commandCalls(TransactWriteCommand)).toHaveLength(3);
  });

  it('gives up after ten conflicts in a row, and does not retry other failures', async () => {
    dynamodb.on(TransactWriteCommand).rejects(cancelled('None', 'TransactionConflict'));
    await expect(batches.addMember(member, 3, now)).rejects.toThrow(TransactionCanceledException);
    expect(dynamodb.commandCalls(TransactWriteCommand)).toHaveLength(11);
    dynamodb.reset();
    dynamodb.on(TransactWriteCommand).rejects(cancelled('ValidationError', 'None'));
    await expect(batches.addMember(member, 3, now)).rejects.toThrow(TransactionCanceledException);
    expect(dynamodb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('counts a redelivered key once, and points a key uploaded again with other bytes at the new document', async () => {
    dynamodb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));
    dynamodb.on(GetCommand, { TableName: 'members' }).resolves({ Item: { ...member, addedAt: 'earlier' } });
    expect(await batches.addMember(member, 3, now)).toEqual({ kind: 'known' });
    expect(dynamodb.commandCalls(UpdateCommand)).toHaveLength(0);

    expect(await batches.addMember({ ...member, documentId: 'sha256:bb' }, 3, now)).toEqual({ kind: 'replaced', previousDocumentId: 'sha256:aa' });
    expect(dynamodb.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({
      TableName: 'members',
      Key: { batchId: 'b', key: member.key },
      ExpressionAttributeValues: { ':document': 'sha256:bb' },
    });
  });
});

describe('the report requests', () => {
  const head = (attributes: Record<string, unknown>) => dynamodb.on(GetCommand, { TableName: 'batches' }).resolves({ Item: { batchId: 'b', ...attributes } });

  it('asks once for the report of the batch the key completed, numbered 1', async () => {
    dynamodb.on(TransactWriteCommand).resolves({});
    head({ expected: 3, processed: 3 });
    dynamodb.on(UpdateCommand).resolves({ Attributes: { reportRequests: 1 } });
    expect(await tracker().documentStored(member, 3, now)).toEqual({ membership: { kind: 'added', afterReport: false }, reportRequest: 1 });
    expect(sent).toEqual([{ batchId: 'b', request: 1 }]);
    expect(dynamodb.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({
      UpdateExpression: 'SET reportRequestedAt = :now ADD reportRequests :one',
      ConditionExpression: 'attribute_not_exists(reportRequestedAt) AND #processed >= expected',
    });
  });

  it('asks nothing when another caller claimed the report first, or the batch is not complete', async () => {
    dynamodb.on(TransactWriteCommand).resolves({});
    head({ expected: 3, processed: 3 });
    dynamodb.on(UpdateCommand).rejects(conditionFailed());
    expect(await tracker().documentStored(member, 3, now)).toEqual({ membership: { kind: 'added', afterReport: false } });
    head({ expected: 3, processed: 2 });
    expect(await tracker().documentStored(member, 3, now)).toEqual({ membership: { kind: 'added', afterReport: false } });
    head({ processed: 7 });
    expect(await tracker().documentStored(member, undefined, now)).toEqual({ membership: { kind: 'added', afterReport: false } });
    expect(sent).toEqual([]);
  });

  it('gives the claim back when the request cannot be sent, so that the retried message asks again', async () => {
    dynamodb.on(TransactWriteCommand).resolves({});
    head({ expected: 1, processed: 1 });
    dynamodb.on(UpdateCommand).resolves({ Attributes: { reportRequests: 1 } });
    const failing = new BatchTracker(batches, async () => {
      throw new Error('queue unreachable');
    });
    await expect(failing.documentStored(member, 1, now)).rejects.toThrow('queue unreachable');
    expect(dynamodb.commandCalls(UpdateCommand)[1]!.args[0].input).toMatchObject({
      UpdateExpression: 'REMOVE reportRequestedAt',
      ConditionExpression: 'reportRequests = :request',
      ExpressionAttributeValues: { ':request': 1 },
    });
  });

  it('asks again, once, for a key added after the report was claimed and for a key whose bytes changed', async () => {
    dynamodb.on(TransactWriteCommand).rejectsOnce(cancelled('None', 'ConditionalCheckFailed')).resolves({});
    head({ expected: 2, processed: 3, reportRequestedAt: 'earlier', reportRequests: 1 });
    dynamodb.on(UpdateCommand).resolves({ Attributes: { reportRequests: 2 } });
    expect(await tracker().documentStored(member, 2, now)).toEqual({ membership: { kind: 'added', afterReport: true }, reportRequest: 2 });

    dynamodb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));
    dynamodb.on(GetCommand, { TableName: 'members' }).resolves({ Item: { ...member, documentId: 'sha256:old' } });
    dynamodb.on(UpdateCommand, { TableName: 'batches' }).resolves({ Attributes: { reportRequests: 3 } });
    expect(await tracker().documentStored(member, 2, now)).toEqual({ membership: { kind: 'replaced', previousDocumentId: 'sha256:old' }, reportRequest: 3 });
    expect(sent).toEqual([{ batchId: 'b', request: 2 }, { batchId: 'b', request: 3 }]);
  });

  it('asks nothing for a redelivery of a key of a reported batch', async () => {
    dynamodb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));
    dynamodb.on(GetCommand, { TableName: 'members' }).resolves({ Item: { ...member } });
    head({ expected: 1, processed: 1, reportRequestedAt: 'earlier', reportRequests: 1 });
    expect(await tracker().documentStored(member, 1, now)).toEqual({ membership: { kind: 'known' } });
    expect(dynamodb.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(sent).toEqual([]);
  });

  it('asks for the report after a change only once the batch has claimed it', async () => {
    head({ expected: 5, processed: 4 });
    expect(await tracker().recordChanged('b')).toBeUndefined();
    head({ expected: 5, processed: 5, reportRequestedAt: 'earlier', reportRequests: 4 });
    dynamodb.on(UpdateCommand).resolves({ Attributes: { reportRequests: 5 } });
    expect(await tracker().recordChanged('b')).toBe(5);
    expect(sent).toEqual([{ batchId: 'b', request: 5 }]);
  });
});

describe('the manifest', () => {
  const body = (text: string) => ({ transformToString: async () => text }) as never;
  const manifest = (expected: number) => JSON.stringify({ batch: 'b', createdAt: 'now', expected, files: [] });

  it('is read in full once, then only when it has changed', async () => {
    const notModified = Object.assign(new Error('304'), { name: '304', $metadata: { httpStatusCode: 304 } });
    s3.on(GetObjectCommand, { IfNoneMatch: undefined }).resolves({ ETag: '"one"', Body: body(manifest(2500)) });
    s3.on(GetObjectCommand, { IfNoneMatch: '"one"' }).rejectsOnce(notModified).resolves({ ETag: '"two"', Body: body(manifest(2600)) });
    const manifests = new BatchManifests(new S3Client({}), 'uploads');
    expect(await manifests.expected('b')).toBe(2500);
    expect(await manifests.expected('b')).toBe(2500);
    expect(await manifests.expected('b')).toBe(2600);
    expect(s3.commandCalls(GetObjectCommand).map((call) => [call.args[0].input.Key, call.args[0].input.IfNoneMatch])).toEqual([
      ['batches/b/manifest.json', undefined],
      ['batches/b/manifest.json', '"one"'],
      ['batches/b/manifest.json', '"one"'],
    ]);
  });

  it('leaves the size unknown without a manifest or with one that is not a manifest', async () => {
    s3.on(GetObjectCommand, { Key: 'batches/none/manifest.json' }).rejects(Object.assign(new Error('no such key'), { name: 'NoSuchKey' }));
    s3.on(GetObjectCommand, { Key: 'batches/odd/manifest.json' }).resolves({ ETag: '"x"', Body: body('{"expected": "many"}') });
    const manifests = new BatchManifests(new S3Client({}), 'uploads');
    expect(await manifests.expected('none')).toBeUndefined();
    expect(await manifests.expected('odd')).toBeUndefined();
  });
});

describe('migrating batches tracked in sets', () => {
  it('gives every key a member item for the document that lists it, counts it, drops the sets and reports a batch found complete', async () => {
    dynamodb.on(ScanCommand).resolves({
      Items: [
        { batchId: 'old', expected: 3, keys: new Set(['incoming/old/a.pdf', 'incoming/old/b.pdf', 'incoming/old/c.pdf']), documentIds: new Set(['sha256:a', 'sha256:b']) },
      ],
    });
    dynamodb.on(BatchGetCommand).resolves({
      Responses: {
        records: [
          { documentId: 'sha256:a', keys: new Set(['incoming/old/a.pdf', 'incoming/old/c.pdf']), updatedAt: '2026-01-01' },
          // c.pdf was uploaded again with these bytes, later.
          { documentId: 'sha256:b', keys: new Set(['incoming/old/b.pdf', 'incoming/old/c.pdf', 'incoming/elsewhere/b.pdf']), updatedAt: '2026-01-02' },
        ],
      },
    });
    dynamodb.on(TransactWriteCommand).resolves({});
    dynamodb.on(GetCommand, { TableName: 'batches' }).resolves({ Item: { batchId: 'old', expected: 3, processed: 3 } });
    dynamodb.on(UpdateCommand).resolves({ Attributes: { reportRequests: 1 } });
    const migrations = await migrateLegacyBatches(tracker(), new RecordsTable(client, 'records'), now);
    expect(migrations).toEqual([{ batchId: 'old', migrated: 3, unresolved: [], reportRequest: 1 }]);
    const members = dynamodb.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems![0]!.Put!.Item);
    expect(members.map((item) => [item!.key, item!.documentId])).toEqual([
      ['incoming/old/a.pdf', 'sha256:a'],
      ['incoming/old/b.pdf', 'sha256:b'],
      ['incoming/old/c.pdf', 'sha256:b'],
    ]);
    expect(dynamodb.commandCalls(UpdateCommand).map((call) => call.args[0].input.UpdateExpression)).toEqual([
      'REMOVE #keys, documentIds',
      'SET reportRequestedAt = :now ADD reportRequests :one',
    ]);
    expect(sent).toEqual([{ batchId: 'old', request: 1 }]);
  });

  it('keeps the sets of a batch with a key no record lists, and asks nothing for a batch reported before', async () => {
    dynamodb.on(ScanCommand).resolves({ Items: [{ batchId: 'old', expected: 2, keys: new Set(['incoming/old/a.pdf', 'incoming/old/gone.pdf']), documentIds: new Set(['sha256:a']) }] });
    dynamodb.on(BatchGetCommand).resolves({ Responses: { records: [{ documentId: 'sha256:a', keys: new Set(['incoming/old/a.pdf']) }] } });
    dynamodb.on(TransactWriteCommand).resolves({});
    dynamodb.on(GetCommand, { TableName: 'batches' }).resolves({ Item: { batchId: 'old', expected: 2, processed: 1, reportRequestedAt: 'earlier', reportRequests: 1 } });
    const migrations = await migrateLegacyBatches(tracker(), new RecordsTable(client, 'records'), now);
    expect(migrations).toEqual([{ batchId: 'old', migrated: 1, unresolved: ['incoming/old/gone.pdf'] }]);
    expect(dynamodb.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(sent).toEqual([]);
  });
});

describe('item sizes', () => {
  it('counts names and values as DynamoDB does', () => {
    // A number costs a byte per two significant digits, and one more.
    expect(dynamoItemBytes({ batchId: 'abc', processed: 2500, keys: new Set(['ab', 'cd']) })).toBe(7 + 3 + (9 + 2) + (4 + 2 + 2));
  });
});
