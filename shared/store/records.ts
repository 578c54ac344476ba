import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  paginateScan,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../review/corrections.js';
import type { AgreementRecord } from '../schema/record.js';
import { KNOWN_NAME_FIELDS, type KnownName, type KnownNames, knownNamesOf, namesVouchedFor } from '../validate/known-names.js';

/**
 * The records table: one item per document (by sha256), holding the record in the contract's shape and
 * the attributes its indexes are built on — recipient and year, status, batch — plus every object key
 * the same bytes were uploaded under. While an asynchronous OCR job reads a document's scanned pages, its
 * item holds the job instead of a record.
 *
 * Every item carries a version, counted up by each write of its record or job. Such a write names the
 * version it read and fails with a `VersionConflictError` when another writer came first (two reviewers,
 * a reviewer and `reprocess`, two deliveries of the same bytes), so that nothing is overwritten unseen.
 * Items stored before versions existed count as version 0.
 *
 * An item whose record vouches for names of projects and signatories (`namesVouchedFor`: printed in the
 * text layer of a `valid` record, or confirmed by a person) holds them, and is in the sparse index
 * `byVouchedNames`, which projects them alone: the names known right are read from it at a few hundred
 * bytes per record, and stay what the records say as records are corrected or read again.
 */

export interface OcrJob {
  jobId: string;
  /** The document's page numbers the job reads, in the order the job's pages come back. */
  pages: number[];
  /** The object the bytes were first seen under, read again when the job completes. */
  key: string;
  startedAt: string;
  /** How often completing the document with this job's results has failed (a fault, not the job's own failure). */
  failedCompletions?: number;
}

export interface StoredDocument {
  documentId: string;
  record?: AgreementRecord;
  ocrJob?: OcrJob;
  keys: string[];
  batchId?: string;
  /** The extractor that made the record (`EXTRACTOR_VERSION`). */
  extractorVersion?: string;
  /** Pages sent to Textract for the record: what it cost (a digital page is never sent). */
  textractPages?: number;
  /** The record as the extractor made it, kept once a person has corrected it. */
  original?: AgreementRecord;
  /** What people did to the record, oldest first. */
  audit: AuditEntry[];
  /** Counted up by every write of the record or job; 0 for a document not stored yet. */
  version: number;
  updatedAt?: string;
}

/** Another writer changed the document since `expectedVersion` was read; nothing was written. */
export class VersionConflictError extends Error {
  constructor(
    readonly documentId: string,
    readonly expectedVersion: number,
  ) {
    super(`${documentId} was changed by someone else since it was read (version ${expectedVersion}); nothing was saved`);
  }
}

const toStored = (item: Record<string, unknown>): StoredDocument => ({
  documentId: item.documentId as string,
  record: item.record as AgreementRecord | undefined,
  ocrJob: item.ocrJob as OcrJob | undefined,
  keys: [...((item.keys as Set<string> | undefined) ?? [])].sort(),
  batchId: item.batchId as string | undefined,
  extractorVersion: item.extractorVersion as string | undefined,
  textractPages: item.textractPages as number | undefined,
  original: item.original as AgreementRecord | undefined,
  audit: (item.audit as AuditEntry[] | undefined) ?? [],
  version: (item.version as number | undefined) ?? 0,
  updatedAt: item.updatedAt as string | undefined,
});

/** Where a record is written: the object key it arrived under, when, in which batch, by which extractor, over which version. */
export interface RecordWrite {
  key: string;
  now: Date;
  extractorVersion: string;
  batchId?: string;
  /** The version the writer read: `StoredDocument.version`, 0 when there was no item. */
  expectedVersion: number;
  /** Pages Textract read for this record. */
  textractPages?: number;
  /** The document's OCR job stays with the record (a record of the pipeline's failure, for a redrive to complete). */
  keepOcrJob?: boolean;
}

export class RecordsTable {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  async get(documentId: string): Promise<StoredDocument | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { documentId }, ConsistentRead: true }));
    return Item ? toStored(Item) : undefined;
  }

  /** The stored documents among `documentIds`. */
  async getMany(documentIds: readonly string[]): Promise<StoredDocument[]> {
    return (await this.batchGet(documentIds)).map(toStored);
  }

  /** The status of each stored document among `documentIds` (`awaiting_ocr` while OCR reads it), without reading the records. */
  async statuses(documentIds: readonly string[]): Promise<Map<string, string>> {
    const items = await this.batchGet(documentIds, { ProjectionExpression: 'documentId, #status', ExpressionAttributeNames: { '#status': 'status' } });
    return new Map(items.map((item) => [item.documentId as string, item.status as string]));
  }

  /** Items by key, 100 per request as DynamoDB allows, retrying what it leaves unprocessed. */
  private async batchGet(documentIds: readonly string[], projection: { ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string> } = {}) {
    const found: Record<string, unknown>[] = [];
    for (let start = 0; start < documentIds.length; start += 100) {
      let keys: Record<string, unknown>[] | undefined = documentIds.slice(start, start + 100).map((documentId) => ({ documentId }));
      for (let attempt = 0; keys && keys.length > 0; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 50 * 2 ** attempt)));
        const response: BatchGetCommandOutput = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true, ...projection } } }),
        );
        found.push(...(response.Responses?.[this.tableName] ?? []));
        keys = response.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return found;
  }

  /** The documents with `status` (such as the review queue, `needs_review`), most recently updated first. */
  async withStatus(status: string): Promise<StoredDocument[]> {
    return this.query({
      IndexName: 'byStatus',
      KeyConditionExpression: '#status = :status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': status },
      ScanIndexForward: false,
    });
  }

  /** The names the stored records vouch for, by field, each once. */
  async knownNames(): Promise<KnownNames> {
    const found: KnownName[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        IndexName: VOUCHED_NAMES_INDEX,
        KeyConditionExpression: '#vouches = :vouches',
        ProjectionExpression: '#vouchedNames',
        ExpressionAttributeNames: { '#vouches': 'vouches', '#vouchedNames': 'vouchedNames' },
        ExpressionAttributeValues: { ':vouches': VOUCHES_NAMES },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const names = (item.vouchedNames ?? {}) as KnownNames;
        found.push(...KNOWN_NAME_FIELDS.flatMap((field) => (names[field] ?? []).map((name) => ({ field, name }))));
      }
    }
    return knownNamesOf(found);
  }

  /** Every stored document, page by page. */
  async *scan(): AsyncGenerator<StoredDocument> {
    for await (const page of paginateScan({ client: this.client }, { TableName: this.tableName })) yield* (page.Items ?? []).map(toStored);
  }

  private async query(input: Omit<QueryCommandInput, 'TableName'>): Promise<StoredDocument[]> {
    const documents: StoredDocument[] = [];
    for await (const page of paginateQuery({ client: this.client }, { TableName: this.tableName, ...input })) documents.push(...(page.Items ?? []).map(toStored));
    return documents;
  }

  /** Writes the record and adds `key` to the keys it was seen under, over the version read. */
  async put(record: AgreementRecord, { key, now, extractorVersion, batchId, expectedVersion, textractPages, keepOcrJob }: RecordWrite): Promise<void> {
    const vouched = vouchedAttributes(record, false);
    await this.update(
      record.documentId,
      key,
      { ...indexedAttributes(record, now), ...vouched.set, extractorVersion, textractPages: textractPages ?? 0, ...(batchId ? { batchId } : {}) },
      [...vouched.remove, ...(keepOcrJob ? [] : ['ocrJob'])],
      expectedVersion,
    );
  }

  /**
   * Counts a failed attempt to complete the document with job `jobId`, and returns how many there have
   * been; undefined when the document no longer waits for that job. Leaves the version alone: a count is
   * no write of the record or job, and must not make another writer's write fail.
   */
  async countFailedCompletion(documentId: string, jobId: string): Promise<number | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { documentId },
          UpdateExpression: 'SET #ocrJob.#failed = if_not_exists(#ocrJob.#failed, :none) + :one',
          ConditionExpression: '#ocrJob.#jobId = :jobId',
          ExpressionAttributeNames: { '#ocrJob': 'ocrJob', '#failed': 'failedCompletions', '#jobId': 'jobId' },
          ExpressionAttributeValues: { ':none': 0, ':one': 1, ':jobId': jobId },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return (Attributes?.ocrJob as OcrJob | undefined)?.failedCompletions;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /**
   * Replaces the record with a person's decision and appends the audit entry; the extractor's record
   * is kept as `original` the first time. Fails unless the document has a record at the version read.
   */
  async putReviewed(record: AgreementRecord, original: AgreementRecord, entry: AuditEntry, now: Date, expectedVersion: number): Promise<void> {
    const vouched = vouchedAttributes(record, true);
    const changes = updateClauses({ ...indexedAttributes(record, now), ...vouched.set }, vouched.remove);
    const version = versionGuard(expectedVersion);
    const assignments = ['#original = if_not_exists(#original, :original)', '#audit = list_append(if_not_exists(#audit, :none), :entry)', ...changes.assignments, version.assignment];
    await this.send(
      record.documentId,
      expectedVersion,
      new UpdateCommand({
        TableName: this.tableName,
        Key: { documentId: record.documentId },
        UpdateExpression: updateExpression(assignments, changes.removals),
        ConditionExpression: `attribute_exists(#record) AND ${version.condition}`,
        ExpressionAttributeNames: { '#original': 'original', '#audit': 'audit', '#record': 'record', ...changes.names, ...version.names },
        ExpressionAttributeValues: { ':original': original, ':none': [], ':entry': [entry], ...changes.values, ...version.values },
      }),
    );
  }

  /**
   * Writes the names the record a person decided on vouches for (`namesVouchedFor`), for a decision
   * stored before records vouched for names. They follow from the record, so the version stays as it
   * is; where another writer came first, its own write said what the record vouches for, and nothing is
   * written here.
   */
  async vouchForDecision({ documentId, record, version }: StoredDocument): Promise<void> {
    if (!record) return;
    const vouched = vouchedAttributes(record, true);
    const changes = updateClauses(vouched.set, vouched.remove);
    const values = { ...changes.values, ...(version > 0 ? { ':version': version } : {}) };
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { documentId },
          UpdateExpression: updateExpression(changes.assignments, changes.removals),
          ConditionExpression: version > 0 ? '#version = :version' : 'attribute_not_exists(#version)',
          ExpressionAttributeNames: { '#version': 'version', ...changes.names },
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Records that an OCR job is reading the document; the record follows when the job completes. */
  async putAwaitingOcr(id: string, key: string, job: OcrJob, now: Date, expectedVersion: number, batchId?: string): Promise<void> {
    await this.update(id, key, { ocrJob: job, status: 'awaiting_ocr', updatedAt: now.toISOString(), ...(batchId ? { batchId } : {}) }, [], expectedVersion);
  }

  /** Adds another key the same bytes were seen under, without touching the record or its version. */
  async addKey(documentId: string, key: string): Promise<void> {
    await this.update(documentId, key, {}, []);
  }

  private async send(documentId: string, expectedVersion: number, command: UpdateCommand): Promise<void> {
    try {
      await this.client.send(command);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new VersionConflictError(documentId, expectedVersion);
      throw error;
    }
  }

  /** Sets and removes attributes and adds `key`; with `expectedVersion`, only over that version, and counts it up. */
  private async update(id: string, key: string, set: Record<string, unknown>, remove: string[], expectedVersion?: number): Promise<void> {
    // The first batch a document arrives in keeps it; a re-upload in a later batch only adds its key.
    const changes = updateClauses(set, remove, (attribute) => (attribute === 'batchId' ? '#batchId = if_not_exists(#batchId, :batchId)' : undefined));
    const version = expectedVersion === undefined ? undefined : versionGuard(expectedVersion);
    const assignments = version ? [...changes.assignments, version.assignment] : changes.assignments;
    await this.send(
      id,
      expectedVersion ?? 0,
      new UpdateCommand({
        TableName: this.tableName,
        Key: { documentId: id },
        UpdateExpression: updateExpression(assignments, changes.removals, 'ADD #keys :key'),
        ...(version ? { ConditionExpression: version.condition } : {}),
        ExpressionAttributeNames: { '#keys': 'keys', ...changes.names, ...version?.names },
        ExpressionAttributeValues: { ':key': new Set([key]), ...changes.values, ...version?.values },
      }),
    );
  }
}

/**
 * The assignments that set attributes and the names of those removed, in DynamoDB's syntax, with the
 * names and values they use; `assign` may write an attribute's assignment its own way.
 */
function updateClauses(set: Record<string, unknown>, remove: readonly string[], assign?: (attribute: string) => string | undefined) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const assignments = Object.entries(set).map(([attribute, value]) => {
    names[`#${attribute}`] = attribute;
    values[`:${attribute}`] = value;
    return assign?.(attribute) ?? `#${attribute} = :${attribute}`;
  });
  for (const attribute of remove) names[`#${attribute}`] = attribute;
  return { assignments, removals: remove.map((attribute) => `#${attribute}`), names, values };
}

/** "SET …, … REMOVE …" and any clauses after them, leaving out an empty one. */
function updateExpression(assignments: readonly string[], removals: readonly string[], ...after: string[]): string {
  return [assignments.length > 0 ? `SET ${assignments.join(', ')}` : '', removals.length > 0 ? `REMOVE ${removals.join(', ')}` : '', ...after].filter(Boolean).join(' ');
}

/**
 * The condition that the item is still at the version read, and the assignment that counts it up.
 * Version 0 is an item not stored yet or stored before versions existed: it has no version attribute.
 */
function versionGuard(expectedVersion: number) {
  return {
    condition: expectedVersion === 0 ? 'attribute_not_exists(#version)' : '#version = :expectedVersion',
    assignment: '#version = :nextVersion',
    names: { '#version': 'version' },
    values: { ':nextVersion': expectedVersion + 1, ...(expectedVersion === 0 ? {} : { ':expectedVersion': expectedVersion }) },
  };
}

/** The sparse index of the records that vouch for names, and the one value its key takes. */
const VOUCHED_NAMES_INDEX = 'byVouchedNames';
const VOUCHES_NAMES = 'names';

/**
 * The names the record vouches for (`namesVouchedFor`) and the key that puts its item in
 * `byVouchedNames`; a record that vouches for none has both removed, so that a record corrected or
 * read again no longer vouches for what it held before.
 */
function vouchedAttributes(record: AgreementRecord, confirmedByPerson: boolean): { set: Record<string, unknown>; remove: string[] } {
  const names = namesVouchedFor(record, { confirmedByPerson });
  if (names.length === 0) return { set: {}, remove: ['vouches', 'vouchedNames'] };
  return { set: { vouches: VOUCHES_NAMES, vouchedNames: knownNamesOf(names) }, remove: [] };
}

/** The record and the attributes the table's indexes are built on. */
function indexedAttributes(record: AgreementRecord, now: Date): Record<string, unknown> {
  const recipient = record.agreement.parties?.find((party) => party.role === 'recipient')?.name;
  return {
    record,
    status: record.status,
    updatedAt: now.toISOString(),
    ...(recipient ? { recipient } : {}),
    ...(record.agreement.budgetYear !== undefined ? { budgetYear: record.agreement.budgetYear } : {}),
  };
}
