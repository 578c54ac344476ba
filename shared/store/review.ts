import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type Assignment, acceptRecord, type AuditEntry, CorrectionError } from '../review/corrections.js';
import type { AgreementRecord } from '../schema/record.js';
import { recordKey } from './ingest.js';
import type { RecordsTable, StoredDocument } from './records.js';

/**
 * The review queue and a person's decisions on it: the records that need review or were rejected, and
 * accepting one (with corrections), which rewrites the record in the table and under records/ while the
 * table keeps the extractor's original and the audit trail.
 */

export const REVIEW_STATUSES = ['needs_review', 'rejected'] as const;

export async function reviewQueue(table: RecordsTable): Promise<StoredDocument[]> {
  const queues = await Promise.all(REVIEW_STATUSES.map((status) => table.withStatus(status)));
  return queues.flat();
}

/**
 * The document a person means: a full `sha256:<hex>`, the bare hex, or a prefix of it (at least 8
 * characters) that names exactly one document in the review queue.
 */
export async function findDocument(table: RecordsTable, reference: string): Promise<StoredDocument> {
  const hex = reference.replace(/^sha256:/, '').toLowerCase();
  if (!/^[0-9a-f]{8,64}$/.test(hex)) throw new CorrectionError(`"${reference}" is not a document id (sha256:<hex>, or at least its first 8 hex digits)`);
  if (hex.length === 64) {
    const stored = await table.get(`sha256:${hex}`);
    if (!stored?.record) throw new CorrectionError(`there is no record for sha256:${hex}`);
    return stored;
  }
  const matches = (await reviewQueue(table)).filter((stored) => stored.documentId.startsWith(`sha256:${hex}`));
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
  table: RecordsTable;
}

/** Accepts the document's record with the corrections; returns the accepted record and its audit entry. */
export async function acceptReview(
  stored: StoredDocument,
  assignments: readonly Assignment[],
  by: string,
  { s3, bucket, table }: ReviewStores,
  now: Date,
): Promise<{ record: AgreementRecord; entry: AuditEntry }> {
  if (!stored.record) throw new CorrectionError(`${stored.documentId} has no record yet (its scanned pages are still being read)`);
  const { record, entry } = acceptRecord(stored.record, assignments, by, now);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: recordKey(record.documentId), Body: JSON.stringify(record, null, 2), ContentType: 'application/json' }));
  await table.putReviewed(record, stored.original ?? stored.record, entry, now);
  return { record, entry };
}
