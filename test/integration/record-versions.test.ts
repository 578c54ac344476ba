import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractionConfigSchema } from '../../shared/config.js';
import { documentIdOf } from '../../shared/extract/rejected.js';
import { ReaderPool } from '../../shared/isolation/reader-pool.js';
import { BatchTracker } from '../../shared/store/batch-tracking.js';
import { ingestObject } from '../../shared/pipeline/ingest-object.js';
import { recordKey } from '../../shared/keys.js';
import { type RecordsTable, type StoredDocument, VersionConflictError } from '../../shared/store/records.js';
import { reprocessDocument } from '../../shared/pipeline/reprocess.js';
import { acceptReview, rejectReview, type ReviewStores } from '../../shared/store/review.js';
import type { AgreementRecord } from '../../shared/schema/record.js';
import { type DeployedPipeline, deployPipeline, pipelineStores } from '../support/emulator.js';
import { fixtureBytes, loadFixtures } from '../support/fixtures.js';

/**
 * Versioned writes against the emulator's DynamoDB and S3: every writer (ingest, reprocess, review)
 * writes over the version it read, the second of two writers that read the same version is refused with
 * a conflict, and neither the table nor `records/<sha256>.json` is left with the loser's record.
 */
let pipeline: DeployedPipeline;
let s3: S3Client;
let records: RecordsTable;
let stores: ReviewStores;
const run = `versions-${Date.now().toString(36)}`;
const config = extractionConfigSchema.parse({ ocr: 'never' });
const reader = new ReaderPool(1);
afterAll(() => reader.close());
const fixture = loadFixtures().find((candidate) => candidate.path === 'digital/zv-2013-stadt-kassel.pdf')!;
/** Report requests the review asked for; none here, since these documents are in no batch. */
const requested: string[] = [];

/** The fixture's bytes made new to the table (a comment after the end of file), uploaded under `name`. */
async function upload(name: string, variant: string): Promise<{ key: string; documentId: string }> {
  const bytes = Buffer.concat([fixtureBytes(fixture), Buffer.from(`\n% ${run} ${variant}\n`)]);
  const key = `elsewhere/${run}/${name}`;
  await s3.send(new PutObjectCommand({ Bucket: pipeline.bucket, Key: key, Body: bytes }));
  return { key, documentId: documentIdOf(bytes) };
}

async function recordInBucket(documentId: string): Promise<AgreementRecord> {
  const object = await s3.send(new GetObjectCommand({ Bucket: pipeline.bucket, Key: recordKey(documentId) }));
  return JSON.parse(await object.Body!.transformToString());
}

/** The record with the recipient's signature lost, as a scan might leave it: it needs review. */
async function needingReview(documentId: string): Promise<StoredDocument> {
  const stored = (await records.get(documentId))!;
  const record: AgreementRecord = {
    ...stored.record!,
    status: 'needs_review',
    agreement: { ...stored.record!.agreement, signatures: stored.record!.agreement.signatures!.slice(0, 1) },
    issues: [{ path: 'agreement.signatures', code: 'signature.missing', message: 'No signature block for the recipient was found.' }],
  };
  await records.put(record, { key: stored.keys[0]!, now: new Date(), extractorVersion: stored.extractorVersion!, expectedVersion: stored.version });
  return (await records.get(documentId))!;
}

/** The names the document's item vouches for, as the index of vouched names holds them. */
async function vouchedNamesOf(documentId: string): Promise<unknown> {
  const { Item } = await DynamoDBDocumentClient.from(new DynamoDBClient({})).send(new GetCommand({ TableName: pipeline.recordsTable, Key: { documentId }, ConsistentRead: true }));
  return Item?.vouchedNames;
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  pipeline = await deployPipeline();
  const { batches, ...stored } = pipelineStores(pipeline);
  ({ s3, records } = stored);
  stores = { s3, bucket: pipeline.bucket, records, tracker: new BatchTracker(batches, async (request) => void requested.push(request.batchId)) };
}, 600_000);

describe('versioned record writes', () => {
  it('stores a new document at version 1 and counts each write up', async () => {
    const { key, documentId } = await upload('first.pdf', 'first');
    const outcome = await ingestObject(key, { s3, records, bucket: pipeline.bucket, config, reader });
    expect(outcome).toMatchObject({ kind: 'stored', reused: false });
    expect((await records.get(documentId))!.version).toBe(1);
    const reviewed = await needingReview(documentId);
    expect(reviewed.version).toBe(2);
    // Another key for the same bytes changes no value, and so no version.
    await records.addKey(documentId, `${key}.copy`);
    expect((await records.get(documentId))!).toMatchObject({ version: 2, keys: [key, `${key}.copy`] });
  }, 120_000);

  it('refuses the second of two reviewers who read the same version, and keeps the first one\'s decision in the table and the bucket', async () => {
    const { key, documentId } = await upload('two-reviewers.pdf', 'two reviewers');
    await ingestObject(key, { s3, records, bucket: pipeline.bucket, config, reader });
    const seen = await needingReview(documentId);
    const signatures = fixture.expected.agreement.signatures!;

    const first = await acceptReview(seen, { ...seen.record!.agreement, signatures }, 'Erste Prüferin', stores, new Date());
    expect(first.version).toBe(seen.version + 1);
    const second = await caught(rejectReview(seen, 'unleserlich', 'Zweiter Prüfer', stores, new Date()));
    expect(second).toBeInstanceOf(VersionConflictError);
    expect((second as VersionConflictError).message).toBe(`${documentId} was changed by someone else since it was read (version ${seen.version}); nothing was saved`);

    const now = (await records.get(documentId))!;
    expect(now.version).toBe(seen.version + 1);
    expect(now.record).toEqual(first.record);
    expect(now.record!.status).toBe('valid');
    expect(now.audit.map((entry) => [entry.action, entry.by])).toEqual([['accept', 'Erste Prüferin']]);
    expect(now.original).toEqual(seen.record);
    expect(await recordInBucket(documentId)).toEqual(first.record);
    // Accepted, the record vouches for every name it holds; it did not while it needed review.
    const { project, signatory } = await records.knownNames();
    expect(project).toEqual(expect.arrayContaining(first.record.agreement.measures!.flatMap((measure) => measure.projects)));
    expect(signatory).toEqual(expect.arrayContaining(signatures.map((signature) => signature.name)));
    expect(await vouchedNamesOf(documentId)).toEqual({
      project: [...new Set(first.record.agreement.measures!.flatMap((measure) => measure.projects))].sort(),
      signatory: signatures.map((signature) => signature.name).sort(),
    });

    // Seen again, the record can be decided on again.
    const again = await rejectReview(now, 'doppelt eingereicht', 'Zweiter Prüfer', stores, new Date());
    expect((await records.get(documentId))!).toMatchObject({ version: now.version + 1, record: again.record });
    expect((await records.get(documentId))!.audit.map((entry) => entry.action)).toEqual(['accept', 'reject']);
    expect(await recordInBucket(documentId)).toEqual(again.record);
    expect(await vouchedNamesOf(documentId)).toBeUndefined();
    expect(requested).toEqual([]);
  }, 120_000);

  it('does not let reprocess overwrite a decision made while it was reading the document', async () => {
    const { key, documentId } = await upload('reprocess-race.pdf', 'reprocess race');
    await ingestObject(key, { s3, records, bucket: pipeline.bucket, config, reader });
    const seenByReprocess = await needingReview(documentId);
    const decision = await rejectReview(seenByReprocess, 'Entwurf', 'Prüferin', stores, new Date());

    const outcome = await reprocessDocument(seenByReprocess, { s3, bucket: pipeline.bucket, records, config, reader }, { now: new Date(), dryRun: false });
    expect(outcome).toEqual({
      kind: 'conflict',
      documentId,
      fileName: 'reprocess-race.pdf',
      reason: 'the record was changed by someone else while it was read again; nothing was saved (run reprocess again)',
    });
    expect((await records.get(documentId))!.record).toEqual(decision.record);
    expect(await recordInBucket(documentId)).toEqual(decision.record);
  }, 120_000);

  it('takes the record another delivery stored between its read and its write, instead of writing over it', async () => {
    const first = await upload('race-a.pdf', 'ingest race');
    const secondKey = `elsewhere/${run}/race-b.pdf`;
    await s3.send(new PutObjectCommand({ Bucket: pipeline.bucket, Key: secondKey, Body: Buffer.concat([fixtureBytes(fixture), Buffer.from(`\n% ${run} ingest race\n`)]) }));
    // The other delivery stores the same bytes right after this one has looked them up, and before it writes.
    let raced = false;
    const racing = new Proxy(records, {
      get(target, property) {
        if (property !== 'get') return Reflect.get(target, property, target);
        return async (documentId: string) => {
          const read = await target.get(documentId);
          if (!raced) {
            raced = true;
            await ingestObject(secondKey, { s3, records, bucket: pipeline.bucket, config, reader });
          }
          return read;
        };
      },
    });
    const outcome = await ingestObject(first.key, { s3, records: racing, bucket: pipeline.bucket, config, reader });
    expect(raced).toBe(true);
    expect(outcome).toMatchObject({ kind: 'stored', reused: true });
    const stored = (await records.get(first.documentId))!;
    expect(stored.version).toBe(1);
    expect(stored.keys).toEqual([first.key, secondKey]);
    expect(await recordInBucket(first.documentId)).toEqual(stored.record);
  }, 120_000);
});
