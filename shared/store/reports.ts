import { PassThrough, type Writable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { forEachLimited } from '../concurrency.js';
import type { ReportContent, ReportEntry, ReportFormat } from '../report/model.js';
import { writeReport } from '../report/report.js';
import { ReportSnapshot } from '../report/snapshot.js';
import type { ReportRequest } from './batch-tracking.js';
import type { BatchesTable } from './batches.js';
import { readRecordText } from './document-objects.js';
import { reportKey, type ReportScope } from '../keys.js';
import type { RecordsTable, StoredDocument } from './records.js';

/**
 * Reports over stored records: one batch, or everything stored (optionally one year). The Lambda writes
 * them to the bucket under reports/<batch>/ (reports/all/ for everything); the CLI prints or saves them.
 */

export interface ReportStores {
  s3: S3Client;
  bucket: string;
  records: RecordsTable;
  batches: BatchesTable;
  /** The price the reports estimate Textract's cost at (default Textract's list price). */
  textractPricePer1000PagesUsd?: number;
}

/** The formats written to the bucket; Markdown is made on demand only. */
export const BUCKET_REPORT_FORMATS = ['html', 'csv', 'json', 'xlsx'] as const satisfies readonly ReportFormat[];

const CONTENT_TYPES: Record<(typeof BUCKET_REPORT_FORMATS)[number], string> = {
  html: 'text/html; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export function describeScope(scope: ReportScope): string {
  if (scope.kind === 'batch') return `Batch ${scope.batchId}`;
  return scope.year === undefined ? 'Alle gespeicherten Dokumente' : `Alle gespeicherten Dokumente des Haushaltsjahres ${scope.year}`;
}

/** A stored document as a report entry; the text is fetched for documents under review only. */
async function entryOf(stored: StoredDocument, stores: ReportStores): Promise<ReportEntry | undefined> {
  if (!stored.record) return undefined;
  const text = stored.record.status === 'valid' ? undefined : await readRecordText(stored.documentId, stores);
  return {
    record: stored.record,
    keys: stored.keys,
    ...(stored.batchId ? { batch: stored.batchId } : {}),
    ...(text ? { text } : {}),
    ...(stored.textractPages ? { textractPages: stored.textractPages } : {}),
  };
}

/** The scope's stored documents, a hundred at a time: a batch's through its member items, everything through a scan. */
async function* storedDocuments(scope: ReportScope, stores: ReportStores): AsyncGenerator<StoredDocument[]> {
  if (scope.kind === 'batch') {
    const seen = new Set<string>();
    for await (const members of stores.batches.members(scope.batchId)) {
      const documentIds = [...new Set(members.map((member) => member.documentId))].filter((documentId) => !seen.has(documentId));
      for (const documentId of documentIds) seen.add(documentId);
      for (let start = 0; start < documentIds.length; start += PAGE) yield stores.records.getMany(documentIds.slice(start, start + PAGE));
    }
    return;
  }
  let page: StoredDocument[] = [];
  for await (const stored of stores.records.scan()) {
    if (scope.year !== undefined && stored.record?.agreement.budgetYear !== scope.year) continue;
    page.push(stored);
    if (page.length === PAGE) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

const PAGE = 100;
/** Texts of documents under review read from the bucket at once. */
const TEXT_READS = 8;

/**
 * Reads the scope's documents page by page into a snapshot on disk and hands the report over them to
 * `use`: memory holds a digest per document, not the documents, so a report over ten thousand of them
 * fits a function's memory.
 */
export async function withReportContent<T>(scope: ReportScope, stores: ReportStores, now: Date, use: (content: ReportContent) => Promise<T>): Promise<T> {
  if (scope.kind === 'batch' && !(await stores.batches.get(scope.batchId))) throw new Error(`there is no batch "${scope.batchId}"`);
  const snapshot = await ReportSnapshot.create();
  try {
    for await (const page of storedDocuments(scope, stores)) {
      const entries: (ReportEntry | undefined)[] = [];
      await forEachLimited(page, TEXT_READS, async (stored, index) => {
        entries[index] = await entryOf(stored, stores);
      });
      for (const entry of entries) if (entry) await snapshot.add(entry);
    }
    return await use(
      snapshot.content({
        ...(scope.kind === 'batch' ? { batch: scope.batchId } : {}),
        scope: describeScope(scope),
        generatedAt: now,
        textractPricePer1000PagesUsd: stores.textractPricePer1000PagesUsd,
      }),
    );
  } finally {
    await snapshot.close();
  }
}

/** An object written as a stream; past one part's size, a multipart upload. */
async function putWritten(stores: ReportStores, key: string, contentType: string, write: (stream: Writable) => Promise<void>): Promise<void> {
  const body = new PassThrough();
  const upload = new Upload({ client: stores.s3, params: { Bucket: stores.bucket, Key: key, Body: body, ContentType: contentType } });
  const uploaded = upload.done();
  try {
    await write(body);
  } catch (error) {
    body.destroy(error as Error);
    await uploaded.catch(() => undefined);
    throw error;
  }
  await uploaded;
}

/** Builds the scope's report and writes it to the bucket in every format; returns the keys written. */
export async function publishReport(scope: ReportScope, stores: ReportStores, now: Date): Promise<string[]> {
  return withReportContent(scope, stores, now, async (content) => {
    const keys: string[] = [];
    for (const format of BUCKET_REPORT_FORMATS) {
      const key = reportKey(scope, format);
      await putWritten(stores, key, CONTENT_TYPES[format], (stream) => writeReport(content, format, stream));
      keys.push(key);
    }
    return keys;
  });
}

export type BatchReportOutcome = { kind: 'written'; keys: string[]; coveredRequest: number } | { kind: 'covered'; reportedRequest: number };

/**
 * A batch's report, unless one written since the request was made already covers it: a report reads the
 * records after every change whose request it covers, so a burst of changes is written once or twice,
 * not once per change.
 */
export async function publishBatchReport(request: ReportRequest, stores: ReportStores, now: Date): Promise<BatchReportOutcome> {
  const batch = await stores.batches.get(request.batchId);
  if (!batch) throw new Error(`there is no batch "${request.batchId}"`);
  const reportedRequest = batch.reportedRequest ?? 0;
  if (request.request !== undefined && reportedRequest >= request.request) return { kind: 'covered', reportedRequest };
  const keys = await publishReport({ kind: 'batch', batchId: request.batchId }, stores, now);
  await stores.batches.markReported(request.batchId, keys, batch.reportRequests, now);
  return { kind: 'written', keys, coveredRequest: batch.reportRequests };
}
