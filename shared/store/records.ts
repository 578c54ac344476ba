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

/**
 * The records table: one item per document (by sha256), holding the record in the contract's shape and
 * the attributes its indexes are built on — recipient and year, status, batch — plus every object key
 * the same bytes were uploaded under. While an asynchronous OCR job reads a document's scanned pages, its
 * item holds the job instead of a record.
 */

export interface OcrJob {
  jobId: string;
  /** The document's page numbers the job reads, in the order the job's pages come back. */
  pages: number[];
  /** The object the bytes were first seen under, read again when the job completes. */
  key: string;
  startedAt: string;
}

export interface StoredDocument {
  documentId: string;
  record?: AgreementRecord;
  ocrJob?: OcrJob;
  keys: string[];
  batchId?: string;
  /** The extractor that made the record (`EXTRACTOR_VERSION`). */
  extractorVersion?: string;
  /** The record as the extractor made it, kept once a person has corrected it. */
  original?: AgreementRecord;
  /** What people did to the record, oldest first. */
  audit: AuditEntry[];
}

const toStored = (item: Record<string, unknown>): StoredDocument => ({
  documentId: item.documentId as string,
  record: item.record as AgreementRecord | undefined,
  ocrJob: item.ocrJob as OcrJob | undefined,
  keys: [...((item.keys as Set<string> | undefined) ?? [])].sort(),
  batchId: item.batchId as string | undefined,
  extractorVersion: item.extractorVersion as string | undefined,
  original: item.original as AgreementRecord | undefined,
  audit: (item.audit as AuditEntry[] | undefined) ?? [],
});

/** Where a record is written: the object key it arrived under, when, in which batch, by which extractor. */
export interface RecordWrite {
  key: string;
  now: Date;
  extractorVersion: string;
  batchId?: string;
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

  /** The stored documents among `documentIds`, 100 per request as DynamoDB allows, retrying what it leaves unprocessed. */
  async getMany(documentIds: readonly string[]): Promise<StoredDocument[]> {
    const found: StoredDocument[] = [];
    for (let start = 0; start < documentIds.length; start += 100) {
      let keys: Record<string, unknown>[] | undefined = documentIds.slice(start, start + 100).map((documentId) => ({ documentId }));
      for (let attempt = 0; keys && keys.length > 0; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 50 * 2 ** attempt)));
        const response: BatchGetCommandOutput = await this.client.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }));
        found.push(...(response.Responses?.[this.tableName] ?? []).map(toStored));
        keys = response.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return found;
  }

  /** The documents that arrived first in the batch, through the byBatch index (those awaiting OCR included). */
  async inBatch(batchId: string): Promise<StoredDocument[]> {
    return this.query({ IndexName: 'byBatch', KeyConditionExpression: 'batchId = :batch', ExpressionAttributeValues: { ':batch': batchId } });
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

  /** Every stored document, page by page. */
  async *scan(): AsyncGenerator<StoredDocument> {
    for await (const page of paginateScan({ client: this.client }, { TableName: this.tableName })) yield* (page.Items ?? []).map(toStored);
  }

  private async query(input: Omit<QueryCommandInput, 'TableName'>): Promise<StoredDocument[]> {
    const documents: StoredDocument[] = [];
    for await (const page of paginateQuery({ client: this.client }, { TableName: this.tableName, ...input })) documents.push(...(page.Items ?? []).map(toStored));
    return documents;
  }

  /** Writes the record and adds `key` to the keys it was seen under; idempotent. */
  async put(record: AgreementRecord, { key, now, extractorVersion, batchId }: RecordWrite): Promise<void> {
    await this.update(record.documentId, key, { ...indexedAttributes(record, now), extractorVersion, ...(batchId ? { batchId } : {}) }, ['ocrJob']);
  }

  /**
   * Replaces the record with a person's corrected one and appends the audit entry; the extractor's
   * record is kept as `original` the first time. Fails if the document has no record.
   */
  async putReviewed(record: AgreementRecord, original: AgreementRecord, entry: AuditEntry, now: Date): Promise<void> {
    const set = indexedAttributes(record, now);
    const names: Record<string, string> = { '#original': 'original', '#audit': 'audit' };
    const values: Record<string, unknown> = { ':original': original, ':none': [], ':entry': [entry] };
    const assignments = ['#original = if_not_exists(#original, :original)', '#audit = list_append(if_not_exists(#audit, :none), :entry)'];
    for (const [attribute, value] of Object.entries(set)) {
      names[`#${attribute}`] = attribute;
      values[`:${attribute}`] = value;
      assignments.push(`#${attribute} = :${attribute}`);
    }
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { documentId: record.documentId },
        UpdateExpression: `SET ${assignments.join(', ')}`,
        ConditionExpression: 'attribute_exists(#record)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /** Records that an OCR job is reading the document; the record follows when the job completes. */
  async putAwaitingOcr(id: string, key: string, job: OcrJob, now: Date, batchId?: string): Promise<void> {
    await this.update(id, key, { ocrJob: job, status: 'awaiting_ocr', updatedAt: now.toISOString(), ...(batchId ? { batchId } : {}) }, []);
  }

  /** Adds another key the same bytes were seen under, without touching the record. */
  async addKey(documentId: string, key: string): Promise<void> {
    await this.update(documentId, key, {}, []);
  }

  private async update(id: string, key: string, set: Record<string, unknown>, remove: string[]): Promise<void> {
    const names: Record<string, string> = { '#keys': 'keys' };
    const values: Record<string, unknown> = { ':key': new Set([key]) };
    const assignments = Object.entries(set).map(([attribute, value]) => {
      names[`#${attribute}`] = attribute;
      values[`:${attribute}`] = value;
      // The first batch a document arrives in keeps it; a re-upload in a later batch only adds its key.
      return attribute === 'batchId' ? '#batchId = if_not_exists(#batchId, :batchId)' : `#${attribute} = :${attribute}`;
    });
    for (const attribute of remove) names[`#${attribute}`] = attribute;
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { documentId: id },
        UpdateExpression: [
          assignments.length > 0 ? `SET ${assignments.join(', ')}` : '',
          remove.length > 0 ? `REMOVE ${remove.map((attribute) => `#${attribute}`).join(', ')}` : '',
          'ADD #keys :key',
        ]
          .filter(Boolean)
          .join(' '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }
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
