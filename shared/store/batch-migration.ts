import type { BatchTracker } from './batch-tracking.js';
import type { RecordsTable } from './records.js';

/**
 * Moves batches tracked before member items existed to member items. Such a head item holds every key
 * and every document processed in two string sets, which grow with the batch until the item reaches
 * DynamoDB's 400 KB limit. Each key is counted through the same transaction as a newly stored document,
 * so a batch whose documents are still being stored during the move converges on the same count, and
 * running the migration twice changes nothing. The sets go once every key has its member item.
 */

export interface BatchMigration {
  batchId: string;
  /** Keys given a member item. */
  migrated: number;
  /** Keys whose document no record lists among its keys: they stay in the head's set, which is kept. */
  unresolved: string[];
  /** The report request made for a batch that the migration found complete but never reported. */
  reportRequest?: number;
}

export async function migrateLegacyBatches(tracker: BatchTracker, records: RecordsTable, now: Date): Promise<BatchMigration[]> {
  const migrations: BatchMigration[] = [];
  for await (const batch of tracker.batches.legacyBatches()) {
    // The sets do not say which key is which document; each record lists the keys its bytes arrived under.
    // A key uploaded twice with different bytes belongs to the document stored last.
    const documentOf = new Map<string, { documentId: string; updatedAt: string }>();
    for (const stored of await records.getMany(batch.documentIds)) {
      for (const key of stored.keys) {
        const previous = documentOf.get(key);
        if (!previous || (stored.updatedAt ?? '') > previous.updatedAt) documentOf.set(key, { documentId: stored.documentId, updatedAt: stored.updatedAt ?? '' });
      }
    }
    const unresolved: string[] = [];
    let migrated = 0;
    for (const key of batch.keys) {
      const document = documentOf.get(key);
      if (!document) {
        unresolved.push(key);
        continue;
      }
      await tracker.batches.addMember({ batchId: batch.batchId, key, documentId: document.documentId }, batch.expected, now);
      migrated++;
    }
    if (unresolved.length === 0) await tracker.batches.dropLegacySets(batch.batchId);
    const reportRequest = await tracker.requestReportIfComplete(batch.batchId, now);
    migrations.push({ batchId: batch.batchId, migrated, unresolved, ...(reportRequest !== undefined ? { reportRequest } : {}) });
  }
  return migrations;
}
