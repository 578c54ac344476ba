import type { S3Client } from '@aws-sdk/client-s3';
import { acceptRecord, type AuditEntry, CorrectionError, rejectRecord } from '../review/corrections.js';
import type { AgreementRecord } from '../schema/record.js';
import type { BatchTracker } from './batch-tracking.js';
import { writeRecordObject } from './document-objects.js';
import { type RecordsTable, type StoredDocument, VersionConflictError } from './records.js';

/**
 * The review queue and a person's decisions on it: the records that need review or were rejected, and
 * accepting one (with corrections) or rejecting one (with a reason). A decision is written over the
 * version of the record the person saw — never over someone else's newer one — to the table, which keeps
 * the extractor's original and the audit trail, and to `records/<sha256>.json`; then the report of each
 * batch the document belongs to is asked for again.
 */

export const REVIEW_STATUSES = ['needs_review', 'rejected'] as const;

/** Documents that need review and rejected ones, most recently changed first. */
export async function reviewQueue(records: RecordsTable): Promise<StoredDocument[]> {
  const queues = await Promise.all(REVIEW_STATUSES.map((status) => records.withStatus(status)));
  return queues.flat().sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? ''));
}

/** `sha256:<64 hex>`: checked before any call to the table or the bucket. */
export const isDocumentId = (text: string) => /^sha256:[0-9a-f]{64}$/.test(text);

/**
 * The document a person means: a full `sha256:<hex>`, the bare hex, or a prefix of it (at least 8
 * characters) that names exactly one document in the review queue.
 */
export async function findDocument(records: RecordsTable, reference: string): Promise<StoredDocument> {
  const hex = reference.replace(/^sha256:/, '').toLowerCase();
  if (!/^[0-9a-f]{8,64}$/.test(hex)) throw new CorrectionError(`"${reference}" is not a document id (sha256:<hex>, or at least its first 8 hex digits)`);
  if (hex.length === 64) {
    const stored = await records.get(`sha256:${hex}`);
    if (!stored?.record) throw new CorrectionError(`there is no record for sha256:${hex}`);
    return stored;
  }
  const matches = (await reviewQueue(records)).filter((stored) => stored.documentId.startsWith(`sha256:${hex}`));
  if (matches.length === 1) return matches[0]!;
  throw new CorrectionError(
    matches.length === 0
      ? `no document in the review queue starts with ${hex}; give the full id for a document outside it`
      : `${matches.length} documents in the review queue start with ${hex}; give more of the id`,
  );
}

export interface ReviewStores {
  s3: S3Client;
  bucket: string;
  records: RecordsTable;
  /** Asks for the reports of the document's batches again. */
  tracker: BatchTracker;
}

export interface Decision {
  record: AgreementRecord;
  entry: AuditEntry;
  /** The version the document has now. */
  version: number;
  /** The batches whose report was asked for again. */
  reportsRequested: string[];
}

/** Accepts the document's record with the agreement as corrected (see `acceptRecord`), over the version read. */
export function acceptReview(stored: StoredDocument, corrected: unknown, by: string, stores: ReviewStores, now: Date): Promise<Decision> {
  return decide(stored, (record) => acceptRecord(record, corrected, by, now), stores, now);
}

/** Rejects the document's record with a reason, over the version read. */
export function rejectReview(stored: StoredDocument, reason: string, by: string, stores: ReviewStores, now: Date): Promise<Decision> {
  return decide(stored, (record) => rejectRecord(record, reason, by, now), stores, now);
}

/**
 * Writes a decision: `records/<sha256>.json` first, then the table's item on condition that it is still
 * at the version the person saw. When someone else came first, the bucket's copy is set back to what the
 * table holds and the `VersionConflictError` is thrown on: the caller shows the current values.
 */
async function decide(
  stored: StoredDocument,
  make: (record: AgreementRecord) => { record: AgreementRecord; entry: AuditEntry },
  { s3, bucket, records, tracker }: ReviewStores,
  now: Date,
): Promise<Decision> {
  if (!stored.record) throw new CorrectionError(`${stored.documentId} has no record yet (its scanned pages are still being read)`);
  const { record, entry } = make(stored.record);
  await writeRecordObject(record, { s3, bucket });
  try {
    await records.putReviewed(record, stored.original ?? stored.record, entry, now, stored.version);
  } catch (error) {
    if (error instanceof VersionConflictError) {
      const current = await records.get(stored.documentId);
      if (current?.record) await writeRecordObject(current.record, { s3, bucket });
    }
    throw error;
  }
  const reportsRequested = await tracker.documentChanged(stored.documentId);
  return { record, entry, version: stored.version + 1, reportsRequested };
}
