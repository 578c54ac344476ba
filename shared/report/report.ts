import type { Writable } from 'node:stream';
import type { AgreementRecord, RecordStatus } from '../schema/record.js';
import { type CsvDialect, writeCsv } from './csv.js';
import { writeHtml } from './html.js';
import { writeJson } from './json.js';
import { writeMarkdown } from './markdown.js';
import {
  type AmountTotal,
  type Conflict,
  type Duplicate,
  type OcrCost,
  type RecipientGroup,
  type Report,
  type ReportContent,
  type ReportDigest,
  type ReportEntry,
  type ReportFormat,
  type ReportInput,
  type ReportSummary,
  type ReportTotals,
  type ReviewItem,
  textractCost,
} from './model.js';
import { collect } from './output.js';
import { reviewValues } from './review-values.js';
import { recipientOf } from './rows.js';
import { writeXlsx } from './xlsx.js';

/**
 * The extraction report over a set of stored records (one upload batch, or everything stored): per
 * document what was read, totals per year and per recipient, what needs a human look and why, and the
 * agreements that contradict or repeat each other. The summary is made once from every document's
 * digest, and every format renders it and the documents in the same order, so that the HTML, CSV, XLSX,
 * Markdown and JSON forms always agree.
 */

const collator = new Intl.Collator('de');

/** A record as the report holds it: a valid one without its evidence, which only a review needs. */
export function reportedRecord(record: AgreementRecord): AgreementRecord {
  if (record.status !== 'valid' || record.evidence === undefined) return record;
  const { evidence: _evidence, ...withoutEvidence } = record;
  return withoutEvidence;
}

export function digestOf({ record, keys, text, textractPages }: ReportEntry): ReportDigest {
  const recipient = recipientOf(record);
  return {
    documentId: record.documentId,
    fileName: record.fileName,
    status: record.status,
    ...(recipient ? { recipient: { name: recipient.name, ...(recipient.kind ? { kind: recipient.kind } : {}) } } : {}),
    ...(record.agreement.budgetYear !== undefined ? { budgetYear: record.agreement.budgetYear } : {}),
    ...(record.agreement.amount ? { amountCents: record.agreement.amount.cents } : {}),
    issues: record.status === 'valid' ? [] : record.issues,
    values: record.status === 'valid' ? [] : reviewValues(record, text),
    keys,
    textractPages: textractPages ?? 0,
  };
}

/** By recipient, year and file name; documents without a recipient last. */
function compareDigests(a: ReportDigest, b: ReportDigest): number {
  const recipientA = a.recipient?.name;
  const recipientB = b.recipient?.name;
  if (recipientA === undefined || recipientB === undefined) {
    if (recipientA !== recipientB) return recipientA === undefined ? 1 : -1;
  } else if (recipientA !== recipientB) {
    return collator.compare(recipientA, recipientB);
  }
  const yearDifference = (a.budgetYear ?? 0) - (b.budgetYear ?? 0);
  return yearDifference !== 0 ? yearDifference : collator.compare(a.fileName, b.fileName) || a.documentId.localeCompare(b.documentId);
}

/** Counts a document under `key`, and its amount when the record is valid. */
function tally(totals: Record<string, AmountTotal>, key: string, digest: ReportDigest) {
  const total = (totals[key] ??= { documents: 0, amountCents: 0 });
  total.documents++;
  if (digest.status === 'valid') total.amountCents += digest.amountCents ?? 0;
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

const noStatuses = (): Record<RecordStatus, number> => ({ valid: 0, needs_review: 0, rejected: 0 });

/** The summary of a report over these documents (one digest per document), and their order. */
export function summarize(input: Omit<ReportInput, 'entries'>, unordered: Iterable<ReportDigest>): { summary: ReportSummary; order: ReportDigest[] } {
  const digests = [...unordered].sort(compareDigests);
  const totals: ReportTotals = {
    documents: digests.length,
    byStatus: noStatuses(),
    amountCents: 0,
    byYear: {},
    byRecipient: {},
    ocr: textractCost(
      digests.reduce((pages, digest) => pages + digest.textractPages, 0),
      input.textractPricePer1000PagesUsd,
    ),
  };
  const groups: RecipientGroup[] = [];
  for (const digest of digests) {
    totals.byStatus[digest.status]++;
    if (digest.status === 'valid') totals.amountCents += digest.amountCents ?? 0;
    if (digest.budgetYear !== undefined) tally(totals.byYear, String(digest.budgetYear), digest);
    if (digest.recipient) tally(totals.byRecipient, digest.recipient.name, digest);
    let group = groups.at(-1);
    if (!group || group.recipient?.name !== digest.recipient?.name) {
      group = { ...(digest.recipient ? { recipient: digest.recipient } : {}), documents: 0, byStatus: noStatuses() };
      groups.push(group);
    }
    group.documents++;
    group.byStatus[digest.status]++;
  }

  const review: ReviewItem[] = digests.flatMap(({ documentId, fileName, status, issues, values }) => (status === 'valid' ? [] : [{ documentId, fileName, status, issues, values }]));

  const withAmount = digests.filter((digest) => digest.status !== 'rejected' && digest.amountCents !== undefined && digest.recipient && digest.budgetYear);
  const agreementKey = (digest: ReportDigest) => `${digest.recipient!.name}\u0000${digest.budgetYear}`;
  const conflicts: Conflict[] = groupsOf(withAmount, agreementKey)
    .filter((group) => new Set(group.map((digest) => digest.amountCents)).size > 1)
    .map((group) => ({
      recipient: group[0]!.recipient!.name,
      budgetYear: group[0]!.budgetYear!,
      documents: group.map((digest) => ({ documentId: digest.documentId, fileName: digest.fileName, status: digest.status, amountCents: digest.amountCents! })),
    }));

  const described = (digest: ReportDigest) => ({ documentId: digest.documentId, fileName: digest.fileName, keys: digest.keys });
  const duplicates: Duplicate[] = [
    ...digests.filter((digest) => digest.keys.length > 1).map((digest) => ({ kind: 'same-file' as const, documents: [described(digest)] })),
    ...groupsOf(withAmount, (digest) => `${agreementKey(digest)}\u0000${digest.amountCents}`).map((group) => ({ kind: 'same-agreement' as const, documents: group.map(described) })),
  ];

  const summary: ReportSummary = {
    batch: input.batch ?? null,
    scope: input.scope,
    generatedAt: input.generatedAt.toISOString(),
    keys: Object.fromEntries(digests.map((digest) => [digest.documentId, digest.keys])),
    totals,
    review,
    conflicts,
    duplicates,
    groups,
  };
  return { summary, order: digests };
}

/** The report over entries held in memory; an entry passed twice counts once. */
export function buildReport(input: ReportInput): Report {
  const entries = new Map(input.entries.map((entry) => [entry.record.documentId, entry]));
  const { summary, order } = summarize(input, [...entries.values()].map(digestOf));
  const { batch, scope, generatedAt, keys, totals, conflicts, duplicates } = summary;
  return {
    batch,
    scope,
    generatedAt,
    documents: order.map((digest) => reportedRecord(entries.get(digest.documentId)!.record)),
    keys,
    totals,
    review: summary.review.map((item) => {
      const text = entries.get(item.documentId)!.text;
      return text ? { ...item, text } : item;
    }),
    conflicts,
    duplicates,
  };
}

/** A report held in memory, as the renderers read one. */
export function contentOf(report: Report): ReportContent {
  // The report's documents are in its order already; only the groups are not part of it.
  const { summary } = summarize(
    { scope: report.scope, generatedAt: new Date(report.generatedAt) },
    report.documents.map((record) => digestOf({ record, keys: report.keys[record.documentId] ?? [] })),
  );
  const { batch, scope, generatedAt, keys, totals, conflicts, duplicates } = report;
  return {
    summary: { batch, scope, generatedAt, keys, totals, conflicts, duplicates, review: report.review.map(({ text: _text, ...item }) => item), groups: summary.groups },
    documents: async function* (): AsyncGenerator<AgreementRecord> {
      yield* report.documents;
    },
    review: async function* (): AsyncGenerator<ReviewItem> {
      yield* report.review;
    },
  };
}

/** `report.json` of a report held in memory. */
export function reportJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export interface RenderOptions {
  /** The CSV's dialect; German Excel's by default. */
  csvDialect?: CsvDialect;
}

/** Writes the report in one format to `stream`, and ends it. */
export async function writeReport(content: ReportContent, format: ReportFormat, stream: Writable, { csvDialect }: RenderOptions = {}): Promise<void> {
  switch (format) {
    case 'html':
      return writeHtml(content, stream);
    case 'csv':
      return writeCsv(content, stream, csvDialect);
    case 'json':
      return writeJson(content, stream);
    case 'xlsx':
      return writeXlsx(content, stream);
    case 'md':
      return writeMarkdown(content, stream);
  }
}

/** A report held in memory, rendered: text, or the XLSX file's bytes. */
export async function renderReport(report: Report, format: ReportFormat, options: RenderOptions = {}): Promise<string | Buffer> {
  const bytes = await collect((stream) => writeReport(contentOf(report), format, stream, options));
  return format === 'xlsx' ? bytes : bytes.toString('utf8');
}
