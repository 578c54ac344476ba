/**
 * Every key the product writes or reads in its bucket, and nothing else builds one:
 *
 *   incoming/<batch>/<path>            an upload (`agreements upload`; any other key under incoming/ too)
 *   batches/<batch>/manifest.json      the batch's manifest, written before its first upload
 *   records/<sha256>.json | .txt       a document's record, and the text it was read from
 *   quarantine/<path>                  a rejected upload's original, copied from incoming/<path>
 *   ocr-input/<sha256>.pdf             the scanned pages handed to Textract (expire after a week)
 *   reports/<batch>/report.<format>    a batch's report; reports/all/ and reports/all-<year>/ for all records
 *
 * A module of its own, with no other imports, so that what only needs a key (the stack's grants, the
 * CLI) loads nothing else with it.
 */

/** The prefixes, as the stack grants and filters on them. */
export const PREFIXES = {
  incoming: 'incoming/',
  batches: 'batches/',
  records: 'records/',
  quarantine: 'quarantine/',
  ocrInput: 'ocr-input/',
  reports: 'reports/',
} as const;

const hexOf = (documentId: string) => documentId.replace(/^sha256:/, '');

/** Where `agreements upload` puts a file of a batch; with an empty path, the batch's prefix. */
export const incomingKey = (batch: string, relativePath: string) => `${PREFIXES.incoming}${batch}/${relativePath}`;

/** The batch of "incoming/<batch>/…", the key `agreements upload` gives a file of a batch. */
export const batchInKey = (key: string) => /^incoming\/([^/]+)\/./.exec(key)?.[1];

export const manifestKey = (batch: string) => `${PREFIXES.batches}${batch}/manifest.json`;

export const recordKey = (documentId: string) => `${PREFIXES.records}${hexOf(documentId)}.json`;
/** The text a record was read from, beside it. */
export const recordTextKey = (documentId: string) => `${PREFIXES.records}${hexOf(documentId)}.txt`;

/** Where a rejected original is copied: incoming/<path> → quarantine/<path>. */
export const quarantineKey = (key: string) => `${PREFIXES.quarantine}${key.replace(/^incoming\//, '')}`;

/** Where a document's scanned pages are put for Textract to read. */
export const ocrInputKey = (documentId: string) => `${PREFIXES.ocrInput}${hexOf(documentId)}.pdf`;

/** What a report covers: one batch, or every stored record (of one budget year). */
export type ReportScope = { kind: 'batch'; batchId: string } | { kind: 'all'; year?: number };

/** The folder a scope's report is written to, in each of its formats. */
export const reportPrefix = (scope: ReportScope) =>
  `${PREFIXES.reports}${scope.kind === 'batch' ? scope.batchId : scope.year === undefined ? 'all' : `all-${scope.year}`}/`;

export const reportKey = (scope: ReportScope, format: string) => `${reportPrefix(scope)}report.${format}`;

/**
 * The batches a document was named in: the one it first arrived in, and those the other keys it was
 * uploaded under name. What a reviewer is shown; which batches hold the document is for the batch
 * members table to say (`BatchesTable.batchesOf`).
 */
export function batchesNamedBy(stored: { batchId?: string; keys: string[] }): string[] {
  return [...new Set([stored.batchId, ...stored.keys.map(batchInKey)].filter((batchId): batchId is string => batchId !== undefined))];
}
