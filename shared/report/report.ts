import type { AgreementRecord, RecordIssue, RecordStatus } from '../schema/record.js';
import { type CsvDialect, renderCsv } from './csv.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { type ReviewValue, reviewValues } from './review-values.js';
import { recipientOf } from './rows.js';
import { renderXlsx } from './xlsx.js';

/**
 * The extraction report over a set of stored records (one upload batch, or everything stored): per
 * document what was read, totals per year and per recipient, what needs a human look and why, and the
 * agreements that contradict or repeat each other. Built once, rendered in every format from the same
 * data, so that the HTML, CSV, XLSX, Markdown and JSON forms always agree.
 */

export interface ReportEntry {
  record: AgreementRecord;
  /** Every object key the document's bytes were uploaded under. */
  keys: string[];
  /** The batch the document first arrived in. */
  batch?: string;
  /** The text the fields were read from, pages separated by form feeds; shown for documents under review. */
  text?: string;
  /** Pages Textract read for the record (none for a digital page). */
  textractPages?: number;
}

export interface ReportInput {
  batch?: string;
  /** What the report covers, for its heading. */
  scope: string;
  generatedAt: Date;
  entries: readonly ReportEntry[];
  /** Textract's list price per 1,000 pages, US dollars (default `TEXTRACT_PRICE_PER_1000_PAGES_USD`). */
  textractPricePer1000PagesUsd?: number;
}

export interface AmountTotal {
  documents: number;
  /** Sum over the valid records only: amounts still under review are not counted. */
  amountCents: number;
}

export interface ReportTotals {
  documents: number;
  byStatus: Record<RecordStatus, number>;
  amountCents: number;
  byYear: Record<string, AmountTotal>;
  byRecipient: Record<string, AmountTotal>;
  /** Pages read by OCR (Textract) and what they cost. */
  ocr: OcrCost;
}

/** Amazon Textract's list price for text detection (DetectDocumentText), US dollars per 1,000 pages. */
export const TEXTRACT_PRICE_PER_1000_PAGES_USD = 1.5;

export interface OcrCost {
  textractPages: number;
  pricePer1000PagesUsd: number;
  /** The estimate at that price: what Textract charges for the pages it read. */
  estimatedCostUsd: number;
}

export function textractCost(textractPages: number, pricePer1000PagesUsd = TEXTRACT_PRICE_PER_1000_PAGES_USD): OcrCost {
  return { textractPages, pricePer1000PagesUsd, estimatedCostUsd: (textractPages * pricePer1000PagesUsd) / 1000 };
}

export interface ReviewItem {
  documentId: string;
  fileName: string;
  status: Exclude<RecordStatus, 'valid'>;
  issues: RecordIssue[];
  /** Each value an issue concerns, with the page and line it was read from. */
  values: ReviewValue[];
  text?: string;
}

/** Two or more agreements for the same recipient and year that name different amounts. */
export interface Conflict {
  recipient: string;
  budgetYear: number;
  documents: { documentId: string; fileName: string; status: RecordStatus; amountCents: number }[];
}

/**
 * The same document more than once: the same bytes under several keys (`same-file`), or different files
 * that carry the same agreement — recipient, year and amount (`same-agreement`, e.g. a scan of a signed
 * digital copy).
 */
export interface Duplicate {
  kind: 'same-file' | 'same-agreement';
  documents: { documentId: string; fileName: string; keys: string[] }[];
}

export interface Report {
  batch: string | null;
  scope: string;
  generatedAt: string;
  /**
   * In the contract's shape, ordered by recipient, year and file name; unreadable documents last. Only
   * the documents under review carry their evidence: all of it would make a large batch's report huge.
   */
  documents: AgreementRecord[];
  /** Object keys per document, for the per-document rows. */
  keys: Record<string, string[]>;
  totals: ReportTotals;
  review: ReviewItem[];
  conflicts: Conflict[];
  duplicates: Duplicate[];
}

export const REPORT_FORMATS = ['html', 'csv', 'json', 'xlsx', 'md'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const collator = new Intl.Collator('de');

function compareRecords(a: AgreementRecord, b: AgreementRecord): number {
  const recipientA = recipientOf(a)?.name;
  const recipientB = recipientOf(b)?.name;
  if (recipientA === undefined || recipientB === undefined) {
    if (recipientA !== recipientB) return recipientA === undefined ? 1 : -1;
  } else if (recipientA !== recipientB) {
    return collator.compare(recipientA, recipientB);
  }
  const yearDifference = (a.agreement.budgetYear ?? 0) - (b.agreement.budgetYear ?? 0);
  return yearDifference !== 0 ? yearDifference : collator.compare(a.fileName, b.fileName) || a.documentId.localeCompare(b.documentId);
}

/** Counts a document under `key`, and its amount when the record is valid. */
function tally(totals: Record<string, AmountTotal>, key: string, record: AgreementRecord) {
  const total = (totals[key] ??= { documents: 0, amountCents: 0 });
  total.documents++;
  if (record.status === 'valid') total.amountCents += record.agreement.amount?.cents ?? 0;
}

/** Groups of two or more items sharing a key. */
function groupsOf<T>(items: readonly T[], keyOf: (item: T) => string | undefined): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key !== undefined) groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return [...groups.values()].filter((group) => group.length > 1);
}

export function buildReport(input: ReportInput): Report {
  // One entry per document, whatever the caller passed twice.
  const entries = [...new Map(input.entries.map((entry) => [entry.record.documentId, entry])).values()].sort((a, b) =>
    compareRecords(a.record, b.record),
  );
  const documents = entries.map((entry) => entry.record);

  const totals: ReportTotals = {
    documents: documents.length,
    byStatus: { valid: 0, needs_review: 0, rejected: 0 },
    amountCents: 0,
    byYear: {},
    byRecipient: {},
    ocr: textractCost(
      entries.reduce((pages, entry) => pages + (entry.textractPages ?? 0), 0),
      input.textractPricePer1000PagesUsd,
    ),
  };
  for (const record of documents) {
    totals.byStatus[record.status]++;
    if (record.status === 'valid') totals.amountCents += record.agreement.amount?.cents ?? 0;
    if (record.agreement.budgetYear !== undefined) tally(totals.byYear, String(record.agreement.budgetYear), record);
    const recipient = recipientOf(record)?.name;
    if (recipient) tally(totals.byRecipient, recipient, record);
  }

  const review: ReviewItem[] = entries.flatMap(({ record, text }) =>
    record.status === 'valid'
      ? []
      : [{ documentId: record.documentId, fileName: record.fileName, status: record.status, issues: record.issues, values: reviewValues(record, text), ...(text ? { text } : {}) }],
  );

  const withAmount = documents.filter((record) => record.status !== 'rejected' && record.agreement.amount && recipientOf(record) && record.agreement.budgetYear);
  const readable = new Set(withAmount);
  const agreementKey = (record: AgreementRecord) => `${recipientOf(record)!.name}\u0000${record.agreement.budgetYear}`;
  const conflicts: Conflict[] = groupsOf(withAmount, agreementKey)
    .filter((group) => new Set(group.map((record) => record.agreement.amount!.cents)).size > 1)
    .map((group) => ({
      recipient: recipientOf(group[0]!)!.name,
      budgetYear: group[0]!.agreement.budgetYear!,
      documents: group.map((record) => ({ documentId: record.documentId, fileName: record.fileName, status: record.status, amountCents: record.agreement.amount!.cents })),
    }));

  const described = (entry: ReportEntry) => ({ documentId: entry.record.documentId, fileName: entry.record.fileName, keys: entry.keys });
  const duplicates: Duplicate[] = [
    ...entries.filter((entry) => entry.keys.length > 1).map((entry) => ({ kind: 'same-file' as const, documents: [described(entry)] })),
    ...groupsOf(
      entries.filter((entry) => readable.has(entry.record)),
      (entry) => `${agreementKey(entry.record)}\u0000${entry.record.agreement.amount!.cents}`,
    ).map((group) => ({ kind: 'same-agreement' as const, documents: group.map(described) })),
  ];

  return {
    batch: input.batch ?? null,
    scope: input.scope,
    generatedAt: input.generatedAt.toISOString(),
    documents: documents.map((record) => {
      if (record.status !== 'valid' || record.evidence === undefined) return record;
      const { evidence: _evidence, ...withoutEvidence } = record;
      return withoutEvidence;
    }),
    keys: Object.fromEntries(entries.map((entry) => [entry.record.documentId, entry.keys])),
    totals,
    review,
    conflicts,
    duplicates,
  };
}

/** `report.json`: the machine-readable form (documents in the contract's shape, totals, review, conflicts, duplicates). */
export function reportJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export interface RenderOptions {
  /** The CSV's dialect; German Excel's by default. */
  csvDialect?: CsvDialect;
}

export async function renderReport(report: Report, format: ReportFormat, { csvDialect }: RenderOptions = {}): Promise<string | Buffer> {
  switch (format) {
    case 'html':
      return renderHtml(report);
    case 'csv':
      return renderCsv(report, csvDialect);
    case 'json':
      return reportJson(report);
    case 'xlsx':
      return renderXlsx(report);
    case 'md':
      return renderMarkdown(report);
  }
}
