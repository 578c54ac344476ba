import type { AgreementRecord, RecipientKind, RecordIssue, RecordStatus } from '../schema/record.js';
import type { ReviewValue } from './review-values.js';

/**
 * The extraction report's data, as every format renders it: a summary that stays small however many
 * documents a report covers (totals, review list, conflicts, duplicates, the object keys of each
 * document), and the documents themselves, read in the report's order as often as a format needs them.
 */

export const REPORT_FORMATS = ['html', 'csv', 'json', 'xlsx', 'md'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

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

export interface OcrCost {
  textractPages: number;
  pricePer1000PagesUsd: number;
  /** The estimate at that price: what Textract charges for the pages it read. */
  estimatedCostUsd: number;
}

/** Amazon Textract's list price for text detection (DetectDocumentText), US dollars per 1,000 pages. */
export const TEXTRACT_PRICE_PER_1000_PAGES_USD = 1.5;

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

/** A report as a whole, in memory: the shape of `report.json`. */
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

/** What the report needs of a document besides its rows: a few hundred bytes, kept for every document. */
export interface ReportDigest {
  documentId: string;
  fileName: string;
  status: RecordStatus;
  recipient?: { name: string; kind?: RecipientKind };
  budgetYear?: number;
  amountCents?: number;
  /** For documents that are not valid: what the review list shows, and where each value under review was read. */
  issues: RecordIssue[];
  values: ReviewValue[];
  keys: string[];
  textractPages: number;
}

/** The documents of one recipient (none for unreadable documents), consecutive in the report's order. */
export interface RecipientGroup {
  recipient?: { name: string; kind?: RecipientKind };
  documents: number;
  byStatus: Record<RecordStatus, number>;
}

/** Everything in a report but the documents and the review texts. */
export interface ReportSummary extends Omit<Report, 'documents' | 'review'> {
  /** The review items without their texts. */
  review: ReviewItem[];
  groups: RecipientGroup[];
}

export interface ReportContent {
  summary: ReportSummary;
  /** The documents in the report's order; every call reads them from the first. */
  documents(): AsyncIterable<AgreementRecord>;
  /** The review items in the report's order, each with the text it was read from. */
  review(): AsyncIterable<ReviewItem>;
}
