import { z } from 'zod';
import type { AuditEntry } from '../review/corrections.js';
import type { AgreementRecord, Evidence, RecordStatus } from '../schema/record.js';
import { batchesNamedBy } from '../keys.js';
import type { StoredDocument } from '../store/records.js';
import { REVIEW_STATUSES } from '../store/review.js';

/**
 * What the review API shows of stored documents: the queue's rows with their filters, and one document
 * with its record, versions, decisions and the flags a reviewer should look at. Pure: the routes read
 * the store and pass what they read here.
 */

export const queueFilterSchema = z.object({
  batch: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).optional(),
  year: z.coerce.number().int().min(1900).max(2999).optional(),
  recipient: z.string().min(1).max(200).optional(),
  status: z.enum(REVIEW_STATUSES).optional(),
  /** Text in the file name or the recipient's name, any case. */
  q: z.string().max(200).optional(),
});
export type QueueFilter = z.infer<typeof queueFilterSchema>;

export interface QueueRow {
  documentId: string;
  fileName: string;
  status: RecordStatus;
  recipient?: string;
  budgetYear?: number;
  amount?: { cents: number; text: string };
  batches: string[];
  reasons: AgreementRecord['issues'];
  updatedAt?: string;
  version: number;
  /** The last decision made in review, if any. */
  decision?: { action: AuditEntry['action']; by: string; at: string };
}

export interface Queue {
  count: number;
  rows: QueueRow[];
  /** The values the filters can take, from the whole queue. */
  facets: { batches: string[]; years: number[]; recipients: string[] };
}

const recipientOf = (record: AgreementRecord) => record.agreement.parties?.find((party) => party.role === 'recipient')?.name;
const lastDecision = (stored: StoredDocument) => {
  const entry = stored.audit.at(-1);
  return entry ? { action: entry.action, by: entry.by, at: entry.at } : undefined;
};

function rowOf(stored: StoredDocument & { record: AgreementRecord }): QueueRow {
  const { record } = stored;
  const recipient = recipientOf(record);
  const decision = lastDecision(stored);
  return {
    documentId: record.documentId,
    fileName: record.fileName,
    status: record.status,
    ...(recipient ? { recipient } : {}),
    ...(record.agreement.budgetYear !== undefined ? { budgetYear: record.agreement.budgetYear } : {}),
    ...(record.agreement.amount ? { amount: { cents: record.agreement.amount.cents, text: record.agreement.amount.text } } : {}),
    batches: batchesNamedBy(stored),
    reasons: record.issues,
    ...(stored.updatedAt ? { updatedAt: stored.updatedAt } : {}),
    version: stored.version,
    ...(decision ? { decision } : {}),
  };
}

/** The queue (as `reviewQueue` returns it, newest first) filtered, with the count and the filters' values. */
export function queueView(documents: readonly StoredDocument[], filter: QueueFilter): Queue {
  const rows = documents.filter((stored): stored is StoredDocument & { record: AgreementRecord } => stored.record !== undefined).map(rowOf);
  const text = filter.q?.trim().toLocaleLowerCase('de');
  const shown = rows.filter(
    (row) =>
      (!filter.batch || row.batches.includes(filter.batch)) &&
      (filter.year === undefined || row.budgetYear === filter.year) &&
      (!filter.recipient || row.recipient === filter.recipient) &&
      (!filter.status || row.status === filter.status) &&
      (!text || row.fileName.toLocaleLowerCase('de').includes(text) || (row.recipient ?? '').toLocaleLowerCase('de').includes(text)),
  );
  const sorted = <T>(values: Iterable<T>) => [...new Set(values)].sort();
  return {
    count: shown.length,
    rows: shown,
    facets: {
      batches: sorted(rows.flatMap((row) => row.batches)),
      years: sorted(rows.flatMap((row) => (row.budgetYear === undefined ? [] : [row.budgetYear]))).sort((a, b) => b - a),
      recipients: sorted(rows.flatMap((row) => (row.recipient ? [row.recipient] : []))).sort((a, b) => a.localeCompare(b, 'de')),
    },
  };
}

/** Something at a field a reviewer should look at: an issue of the record, or a value OCR read with little confidence. */
export interface Flag {
  /** The field, in the syntax `review accept --set` takes ("agreement.signatures[1].date"), or "document". */
  path: string;
  kind: 'issue' | 'low_confidence';
  code: string;
  message: string;
}

/**
 * An issue's path in the syntax `--set` takes. Records stored before issues used it name a signature by
 * its party ("agreement.signatures.recipient") and list entries with dots ("agreement.parties.0.name").
 */
export function fieldPathOf(path: string, record: AgreementRecord): string {
  const bySignatureParty = /^agreement\.signatures\.(funder|recipient)(?=\.|$)/.exec(path);
  if (bySignatureParty) {
    const index = record.agreement.signatures?.findIndex((signature) => signature.party === bySignatureParty[1]) ?? -1;
    return index < 0 ? 'agreement.signatures' : `agreement.signatures[${index}]${path.slice(bySignatureParty[0].length)}`;
  }
  return path.replace(/\.(\d+)(?=\.|$)/g, '[$1]');
}

export function flagsOf(record: AgreementRecord, confidenceFloor: number): Flag[] {
  const issues: Flag[] = record.issues.map((issue) => ({ path: fieldPathOf(issue.path, record), kind: 'issue', code: issue.code, message: issue.message }));
  const doubtful: Flag[] = (record.evidence ?? [])
    .filter((entry) => entry.confidence < confidenceFloor)
    .map((entry) => ({
      path: entry.path,
      kind: 'low_confidence',
      code: 'ocr.low_confidence',
      message: `Read by OCR with ${Math.round(entry.confidence * 100)} % confidence (below ${Math.round(confidenceFloor * 100)} %): "${entry.text}"`,
    }));
  return [...issues, ...doubtful];
}

export interface DocumentView {
  documentId: string;
  version: number;
  updatedAt?: string;
  batches: string[];
  keys: string[];
  record: AgreementRecord;
  /** The extractor's record, once a person has decided on it. */
  original?: AgreementRecord;
  audit: AuditEntry[];
  flags: Flag[];
  evidence: Evidence[];
  /**
   * Whether the browser may render the PDF. A document rejected for a limit (`limit.pages`, a
   * decompression bomb …) is withheld: it could hang the reviewer's tab; it can only be downloaded.
   */
  display: { render: true } | { render: false; reason: string };
  /** Evidence came with the record (records read before it existed have none and can be read again). */
  hasEvidence: boolean;
  /** A person's decision is never overwritten by the extractor, so such a record cannot be read again. */
  canReprocess: boolean;
}

export function withheldReason(record: AgreementRecord): string | undefined {
  const limit = record.issues.find((issue) => issue.code.startsWith('limit.'));
  return limit ? `${limit.code}: ${limit.message}` : undefined;
}

export function documentView(stored: StoredDocument & { record: AgreementRecord }, confidenceFloor: number): DocumentView {
  const withheld = withheldReason(stored.record);
  return {
    documentId: stored.documentId,
    version: stored.version,
    ...(stored.updatedAt ? { updatedAt: stored.updatedAt } : {}),
    batches: batchesNamedBy(stored),
    keys: stored.keys,
    record: stored.record,
    ...(stored.original ? { original: stored.original } : {}),
    audit: stored.audit,
    flags: flagsOf(stored.record, confidenceFloor),
    evidence: stored.record.evidence ?? [],
    display: withheld ? { render: false, reason: withheld } : { render: true },
    hasEvidence: stored.record.evidence !== undefined,
    canReprocess: stored.audit.length === 0,
  };
}
