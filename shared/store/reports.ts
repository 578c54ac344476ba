import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { buildReport, type ReportEntry, renderReport } from '../report/report.js';
import type { BatchesTable } from './batches.js';
import type { RecordsTable, StoredDocument } from './records.js';

/**
 * Reports over stored records: one batch, or everything stored (optionally one year). The Lambda writes
 * them to the bucket under reports/<batch>/ (reports/all/ for everything); the CLI prints or saves them.
 */

export type ReportScope = { kind: 'batch'; batchId: string } | { kind: 'all'; year?: number };

export const BUCKET_REPORT_FORMATS = ['html', 'csv', 'json', 'xlsx'] as const;

const CONTENT_TYPES: Record<(typeof BUCKET_REPORT_FORMATS)[number], string> = {
  html: 'text/html; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export const reportPrefix = (scope: ReportScope) => (scope.kind === 'batch' ? `reports/${scope.batchId}/` : `reports/all/`);

export function describeScope(scope: ReportScope): string {
  if (scope.kind === 'batch') return `Batch ${scope.batchId}`;
  return scope.year === undefined ? 'Alle gespeicherten Dokumente' : `Alle gespeicherten Dokumente des Haushaltsjahres ${scope.year}`;
}

const entryOf = (stored: StoredDocument): ReportEntry | undefined =>
  stored.record ? { record: stored.record, keys: stored.keys, ...(stored.batchId ? { batch: stored.batchId } : {}) } : undefined;

export async function loadReportEntries(scope: ReportScope, stores: { records: RecordsTable; batches: BatchesTable }): Promise<ReportEntry[]> {
  if (scope.kind === 'batch') {
    const batch = await stores.batches.get(scope.batchId);
    if (!batch) throw new Error(`there is no batch "${scope.batchId}"`);
    const documents = await stores.records.getMany(batch.documentIds);
    return documents.flatMap((stored) => entryOf(stored) ?? []);
  }
  const entries: ReportEntry[] = [];
  for await (const stored of stores.records.scan()) {
    const entry = entryOf(stored);
    if (entry && (scope.year === undefined || entry.record.agreement.budgetYear === scope.year)) entries.push(entry);
  }
  return entries;
}

/** Builds the scope's report and writes it to the bucket in every format; returns the keys written. */
export async function publishReport(
  scope: ReportScope,
  dependencies: { s3: S3Client; bucket: string; records: RecordsTable; batches: BatchesTable; now: Date },
): Promise<string[]> {
  const entries = await loadReportEntries(scope, dependencies);
  const report = buildReport({
    ...(scope.kind === 'batch' ? { batch: scope.batchId } : {}),
    scope: describeScope(scope),
    generatedAt: dependencies.now,
    entries,
  });
  const keys: string[] = [];
  for (const format of BUCKET_REPORT_FORMATS) {
    const key = `${reportPrefix(scope)}report.${format}`;
    await dependencies.s3.send(
      new PutObjectCommand({ Bucket: dependencies.bucket, Key: key, Body: await renderReport(report, format), ContentType: CONTENT_TYPES[format] }),
    );
    keys.push(key);
  }
  return keys;
}
