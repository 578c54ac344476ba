import type { Extraction } from '../extract-document.js';
import { EXTRACTOR_VERSION } from '../extract/version.js';
import type { AgreementRecord } from '../schema/record.js';
import { quarantine, writeRecordObject, writeRecordText } from '../store/document-objects.js';
import { type RecordWrite, VersionConflictError } from '../store/records.js';
import type { PipelineDependencies } from './dependencies.js';

/** How an extraction is written: when, over which version, for which batch, with how many pages Textract read. */
export type ExtractionWrite = Omit<RecordWrite, 'key' | 'extractorVersion'>;

type Stores = Pick<PipelineDependencies, 's3' | 'records' | 'bucket'>;

/**
 * Writes an extraction over the version of the document that was read: the record as
 * `records/<sha256>.json` and its text beside it, a rejected original copied to `quarantine/`, and —
 * last, so that a record in the table means the rest exists too — the table's item. When another writer
 * came first, `records/<sha256>.json` is set back to the record that writer stored, and the
 * `VersionConflictError` is thrown on.
 */
export async function saveExtraction({ record, text }: Extraction, key: string, stores: Stores, { now, expectedVersion, batchId, textractPages }: ExtractionWrite): Promise<void> {
  await writeRecordObject(record, stores);
  await writeRecordText(record.documentId, text, stores);
  if (record.status === 'rejected') await quarantine(key, stores);
  await putOverVersion(record, { key, now, extractorVersion: EXTRACTOR_VERSION, batchId, expectedVersion, textractPages }, stores);
}

/**
 * The table's item, over the version read. When another writer came first, `records/<sha256>.json` is
 * set back to the record that writer stored, and the `VersionConflictError` is thrown on.
 */
export async function putOverVersion(record: AgreementRecord, write: RecordWrite, stores: Stores): Promise<void> {
  try {
    await stores.records.put(record, write);
  } catch (error) {
    if (error instanceof VersionConflictError) {
      const current = await stores.records.get(record.documentId);
      if (current?.record) await writeRecordObject(current.record, stores);
    }
    throw error;
  }
}

/** Saves the extraction and counts the key for its batch; returns the batch when counting it asked for its report. */
export async function storeRecord(extraction: Extraction, key: string, dependencies: PipelineDependencies, write: ExtractionWrite): Promise<string | undefined> {
  await saveExtraction(extraction, key, dependencies, write);
  return trackBatch(write.batchId, key, extraction.record.documentId, dependencies, write.now);
}

/** Counts the key as processed for its batch; the key that completes the batch requests the report. */
export async function trackBatch(batchId: string | undefined, key: string, documentId: string, { batchTracking }: PipelineDependencies, now: Date): Promise<string | undefined> {
  if (!batchId || !batchTracking) return undefined;
  // The manifest, written before the first upload, says how many documents the batch expects.
  const outcome = await batchTracking.tracker.documentStored({ batchId, key, documentId }, await batchTracking.manifests.expected(batchId), now);
  return outcome.reportRequest === undefined ? undefined : batchId;
}

/**
 * The batches that completed with the document failed in them, and were reported so, are reported again
 * once it is read: once each, leaving out those that counting the key has just asked for.
 */
export async function reportAgain(documentId: string, requested: Set<string>, { batchTracking }: PipelineDependencies): Promise<void> {
  if (!batchTracking) return;
  const { tracker } = batchTracking;
  for (const batchId of await tracker.batchesReporting(documentId)) if (!requested.has(batchId)) await tracker.recordChanged(batchId);
}
