import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../shared/review/corrections.js';
import type { AgreementRecord } from '../../shared/schema/record.js';
import { RecordsTable, VersionConflictError } from '../../shared/store/records.js';
import { seedExpectedRecord } from '../support/seed.js';

/**
 * The records table's requests as DynamoDB receives them: the conditions that keep two writers from
 * overwriting each other unseen, and how items come back. Against the emulator, the same table is
 * exercised by the record-versions and pipeline tests.
 */
const dynamo = mockClient(DynamoDBDocumentClient);
const records = new RecordsTable(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-central-1' })), 'records');
const record: AgreementRecord = { ...seedExpectedRecord(), fileName: 'zv-2025.pdf' };
const documentId = record.documentId;
const write = { key: 'incoming/zv-2025/zv-2025.pdf', now: new Date('2026-11-29T10:00:00Z'), extractorVersion: '7', batchId: 'zv-2025' };
const conflict = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const updates = () => dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input);

beforeEach(() => dynamo.reset());

describe('RecordsTable', () => {
  it('reads an item strongly consistent, keys sorted, and counts an item from before versions as version 0', async () => {
    dynamo.on(GetCommand).resolves({ Item: { documentId, record, keys: new Set(['incoming/b/x.pdf', 'incoming/a/x.pdf']), batchId: 'a' } });
    expect(await records.get(documentId)).toEqual({
      documentId,
      record,
      ocrJob: undefined,
      keys: ['incoming/a/x.pdf', 'incoming/b/x.pdf'],
      batchId: 'a',
      extractorVersion: undefined,
      original: undefined,
      audit: [],
      version: 0,
      updatedAt: undefined,
    });
    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input).toEqual({ TableName: 'records', Key: { documentId }, ConsistentRead: true });
  });

  it('writes a new record only if no one stored one first, with its index attributes, and counts the version up', async () => {
    dynamo.on(UpdateCommand).resolves({});
    await records.put(record, { ...write, expectedVersion: 0 });
    const [input] = updates();
    expect(input!.ConditionExpression).toBe('attribute_not_exists(#version)');
    expect(input!.UpdateExpression).toBe(
      'SET #record = :record, #status = :status, #updatedAt = :updatedAt, #recipient = :recipient, #budgetYear = :budgetYear, #extractorVersion = :extractorVersion, #textractPages = :textractPages, #batchId = if_not_exists(#batchId, :batchId), #version = :nextVersion REMOVE #vouches, #vouchedNames, #ocrJob ADD #keys :key',
    );
    expect(input!.ExpressionAttributeValues).toEqual({
      ':key': new Set([write.key]),
      ':record': record,
      ':status': 'valid',
      ':updatedAt': '2026-11-29T10:00:00.000Z',
      ':recipient': 'Main-Taunus-Kreis',
      ':budgetYear': 2025,
      ':extractorVersion': '7',
      // No page of it went to Textract.
      ':textractPages': 0,
      ':batchId': 'zv-2025',
      ':nextVersion': 1,
    });
  });

  it('keeps the OCR job with a record of the pipeline\'s failure, for a redrive to complete the document with it', async () => {
    dynamo.on(UpdateCommand).resolves({});
    await records.put(record, { ...write, expectedVersion: 2, textractPages: 3, keepOcrJob: true });
    const [input] = updates();
    expect(input!.UpdateExpression).not.toMatch(/#ocrJob/);
    expect(input!.ExpressionAttributeValues).toMatchObject({ ':textractPages': 3, ':expectedVersion': 2, ':nextVersion': 3 });
  });

  it('counts a failed completion against the job the document waits for, without touching the version', async () => {
    dynamo.on(UpdateCommand).resolvesOnce({ Attributes: { documentId, ocrJob: { jobId: 'job-1', failedCompletions: 2 } } }).rejectsOnce(conflict());
    expect(await records.countFailedCompletion(documentId, 'job-1')).toBe(2);
    // Waiting for another job by now (or none): nothing counted.
    expect(await records.countFailedCompletion(documentId, 'job-0')).toBeUndefined();
    const [input] = updates();
    expect(input).toEqual({
      TableName: 'records',
      Key: { documentId },
      UpdateExpression: 'SET #ocrJob.#failed = if_not_exists(#ocrJob.#failed, :none) + :one',
      ConditionExpression: '#ocrJob.#jobId = :jobId',
      ExpressionAttributeNames: { '#ocrJob': 'ocrJob', '#failed': 'failedCompletions', '#jobId': 'jobId' },
      ExpressionAttributeValues: { ':none': 0, ':one': 1, ':jobId': 'job-1' },
      ReturnValues: 'ALL_NEW',
    });
  });

  it('writes over a stored record only at the version read, and says so when another writer came first', async () => {
    dynamo.on(UpdateCommand).rejects(conflict());
    const failure = records.put(record, { ...write, expectedVersion: 3 });
    await expect(failure).rejects.toBeInstanceOf(VersionConflictError);
    await expect(failure).rejects.toThrow(`${documentId} was changed by someone else since it was read (version 3); nothing was saved`);
    const [input] = updates();
    expect(input!.ConditionExpression).toBe('#version = :expectedVersion');
    expect(input!.ExpressionAttributeValues).toMatchObject({ ':expectedVersion': 3, ':nextVersion': 4 });
  });

  it("keeps the extractor's record as the original the first time a person decides, and appends to the audit", async () => {
    dynamo.on(UpdateCommand).resolves({});
    const entry: AuditEntry = { action: 'accept', at: '2026-11-29T11:00:00.000Z', by: 'Frau Beispiel', changes: [], resolvedIssues: [] };
    await records.putReviewed({ ...record, status: 'valid' }, { ...record, status: 'needs_review' }, entry, new Date('2026-11-29T11:00:00Z'), 2);
    const [input] = updates();
    expect(input!.ConditionExpression).toBe('attribute_exists(#record) AND #version = :expectedVersion');
    expect(input!.UpdateExpression).toContain('#original = if_not_exists(#original, :original)');
    expect(input!.UpdateExpression).toContain('#audit = list_append(if_not_exists(#audit, :none), :entry)');
    expect(input!.ExpressionAttributeValues).toMatchObject({ ':original': { status: 'needs_review' }, ':entry': [entry], ':none': [], ':nextVersion': 3 });
  });

  it('puts a valid record in the index of vouched names with the names its text layer printed, and takes one that vouches for none out', async () => {
    dynamo.on(UpdateCommand).resolves({});
    const printed = (path: string) => ({ path, page: 1, box: { left: 0.1, top: 0.1, width: 0.2, height: 0.01 }, source: 'pdf-text' as const, confidence: 1, text: '' });
    const read = (path: string) => ({ ...printed(path), source: 'tesseract' as const, confidence: 0.95 });
    const evidence = [printed('agreement.measures[0].projects[0]'), read('agreement.measures[0].projects[1]'), printed('agreement.measures[2].projects[0]'), printed('agreement.signatures[1].name')];
    await records.put({ ...record, evidence }, { ...write, expectedVersion: 0 });
    await records.put({ ...record, evidence, status: 'needs_review' }, { ...write, expectedVersion: 1 });
    const [valid, underReview] = updates();
    expect(valid!.UpdateExpression).toMatch(/#vouches = :vouches, #vouchedNames = :vouchedNames/);
    expect(valid!.UpdateExpression).toMatch(/REMOVE #ocrJob ADD/);
    // "EASY – …" was read by OCR: the extractor alone vouches for no value OCR read.
    expect(valid!.ExpressionAttributeValues).toMatchObject({ ':vouches': 'names', ':vouchedNames': { project: ['Zukunftskompass', 'ÜSBZ'], signatory: ['Johannes Baron'] } });
    expect(underReview!.UpdateExpression).toMatch(/REMOVE #vouches, #vouchedNames, #ocrJob ADD/);
    expect(underReview!.ExpressionAttributeValues).not.toHaveProperty(':vouchedNames');
  });

  it('vouches for every name of a record a person accepted, and for none of one they rejected', async () => {
    dynamo.on(UpdateCommand).resolves({});
    const entry: AuditEntry = { action: 'accept', at: '2026-11-29T11:00:00.000Z', by: 'Frau Beispiel', changes: [], resolvedIssues: [] };
    await records.putReviewed({ ...record, status: 'valid' }, { ...record, status: 'needs_review' }, entry, new Date('2026-11-29T11:00:00Z'), 2);
    await records.putReviewed({ ...record, status: 'rejected' }, { ...record, status: 'needs_review' }, { action: 'reject', at: entry.at, by: entry.by, reason: 'kein Vertrag' }, new Date('2026-11-29T11:00:00Z'), 3);
    const [accepted, rejected] = updates();
    expect(accepted!.ExpressionAttributeValues).toMatchObject({
      ':vouches': 'names',
      ':vouchedNames': { project: ['EASY – Entwicklung Ausbildung Soziale Teilhabe You', 'Zukunftskompass', 'ÜSBZ'], signatory: ['Heike Hofmann', 'Johannes Baron'] },
    });
    expect(rejected!.UpdateExpression).toMatch(/ REMOVE #vouches, #vouchedNames$/);
  });

  it('writes what a decision stored before names were vouched for vouches for, leaving the version as it is, and nothing over a newer write', async () => {
    dynamo.on(UpdateCommand).resolvesOnce({}).rejectsOnce(conflict());
    const entry: AuditEntry = { action: 'accept', at: '2026-11-29T11:00:00.000Z', by: 'Frau Beispiel', changes: [], resolvedIssues: [] };
    const decided = { documentId, record, keys: [write.key], audit: [entry], version: 4 };
    await records.vouchForDecision(decided);
    await records.vouchForDecision({ ...decided, record: { ...record, status: 'rejected' } });
    const [accepted, rejected] = updates();
    expect(accepted).toEqual({
      TableName: 'records',
      Key: { documentId },
      UpdateExpression: 'SET #vouches = :vouches, #vouchedNames = :vouchedNames',
      ConditionExpression: '#version = :version',
      ExpressionAttributeNames: { '#version': 'version', '#vouches': 'vouches', '#vouchedNames': 'vouchedNames' },
      ExpressionAttributeValues: {
        ':vouches': 'names',
        ':vouchedNames': { project: ['EASY – Entwicklung Ausbildung Soziale Teilhabe You', 'Zukunftskompass', 'ÜSBZ'], signatory: ['Heike Hofmann', 'Johannes Baron'] },
        ':version': 4,
      },
    });
    expect(rejected!.UpdateExpression).toBe('REMOVE #vouches, #vouchedNames');
  });

  it('reads the names known right from the sparse index, page by page, each once and sorted', async () => {
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ vouchedNames: { project: ['Zukunftskompass', 'ÜSBZ'], signatory: ['Johannes Baron'] } }], LastEvaluatedKey: { vouches: 'names', documentId: 'sha256:1' } })
      .resolvesOnce({ Items: [{ vouchedNames: { project: ['Sprungbrett', 'ÜSBZ'] } }] });
    expect(await records.knownNames()).toEqual({ project: ['Sprungbrett', 'Zukunftskompass', 'ÜSBZ'], signatory: ['Johannes Baron'] });
    const [first, second] = dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(first).toMatchObject({ TableName: 'records', IndexName: 'byVouchedNames', KeyConditionExpression: '#vouches = :vouches', ExpressionAttributeValues: { ':vouches': 'names' } });
    expect(second!.ExclusiveStartKey).toEqual({ vouches: 'names', documentId: 'sha256:1' });
  });

  it('adds another key of the same bytes without a condition and without touching the version', async () => {
    dynamo.on(UpdateCommand).resolves({});
    await records.addKey(documentId, 'incoming/nachtrag/zv-2025.pdf');
    expect(updates()).toEqual([
      {
        TableName: 'records',
        Key: { documentId },
        UpdateExpression: 'ADD #keys :key',
        ExpressionAttributeNames: { '#keys': 'keys' },
        ExpressionAttributeValues: { ':key': new Set(['incoming/nachtrag/zv-2025.pdf']) },
      },
    ]);
  });

  it('reads many documents 100 per request and asks again for what DynamoDB left unprocessed', async () => {
    const ids = Array.from({ length: 150 }, (_, index) => `sha256:${index.toString(16).padStart(64, '0')}`);
    const item = (id: string) => ({ documentId: id, keys: new Set([`incoming/${id}.pdf`]) });
    dynamo
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { records: ids.slice(0, 98).map(item) }, UnprocessedKeys: { records: { Keys: [{ documentId: ids[98] }, { documentId: ids[99] }] } } })
      .resolvesOnce({ Responses: { records: ids.slice(98, 100).map(item) } })
      .resolvesOnce({ Responses: { records: ids.slice(100).map(item) } });
    const found = await records.getMany(ids);
    expect(found.map((stored) => stored.documentId)).toEqual(ids);
    const requested = dynamo.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems!.records!.Keys!.length);
    expect(requested).toEqual([100, 2, 50]);
  });
});
