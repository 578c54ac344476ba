import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { buildReport, renderReport, type Report, type ReportEntry, type ReportFormat } from '../report/report.js';
import type { ReportRequest } from './batch-tracking.js';
import type { BatchesTable } from './batches.js';
import { readRecordText } from './document-objects.js';
import type { RecordsTable, StoredDocument } from './records.js';

/**
 * Reports over stored records: one batch, or everything stored (optionally one year). The Lambda writes
 * them to the bucket under reports/<batch>/ (reports/all/ for everything); the CLI prints or saves them.
 */

export type ReportScope = { kind: 'batch'; batchId: string } | { kind: 'all'; year?: number };

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

export const reportPrefix = (scope: ReportScope) => (scope.kind === 'batch' ? `reports/${scope.batchId}/` : scope.year === undefined ? 'reports/all/' : `reports/all-${scope.year}/`);

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

export async function loadReportEntries(scope: ReportScope, stores: ReportStores): Promise<ReportEntry[]> {
  let documents: StoredDocument[];
  if (scope.kind === 'batch') {
    if (!(await stores.batches.get(scope.batchId))) throw new Error(`there is no batch "${scope.batchId}"`);
    documents = await stores.records.getMany(await stores.batches.documentIds(scope.batchId));
  } else {
    documents = [];
    for await (const stored of stores.records.scan()) {
      if (scope.year === undefined || stored.record?.agreement.budgetYear === scope.year) documents.push(stored);
    }
  }
  const entries: ReportEntry[] = [];
  for (const stored of documents) {
    const entry = await entryOf(stored, stores);
    if (entry) entries.push(entry);
  }
  return entries;
}

export async function makeReport(scope: ReportScope, stores: ReportStores, now: Date): Promise<Report> {
  return buildReport({
    ...(scope.kind === 'batch' ? { batch: scope.batchId } : {}),
    scope: describeScope(scope),
    generatedAt: now,
    entries: await loadReportEntries(scope, stores),
    textractPricePer1000PagesUsd: stores.textractPricePer1000PagesUsd,
  });
}

/** Builds the scope's report and writes it to the bucket in every format; returns the keys written. */
export async function publishReport(scope: ReportScope, stores: ReportStores, now: Date): Promise<string[]> {
  const report = await makeReport(scope, stores, now);
  const keys: string[] = [];
  for (const format of BUCKET_REPORT_FORMATS) {
    const key = `${reportPrefix(scope)}report.${format}`;
    await stores.s3.send(new PutObjectCommand({ Bucket: stores.bucket, Key: key, Body: await renderReport(report, format), ContentType: CONTENT_TYPES[format] }));
    keys.push(key);
  }
  return keys;
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
