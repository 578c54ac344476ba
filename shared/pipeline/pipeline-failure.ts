import { rejectedRecord } from '../extract/rejected.js';
import { EXTRACTOR_VERSION } from '../extract/version.js';
import type { AgreementRecord } from '../schema/record.js';
import { manifestEntry } from '../store/batch-tracking.js';
import { headUpload, isMissing, streamedSha256, writeRecordObject } from '../store/document-objects.js';
import { baseName, type PipelineDependencies, retryingConflicts } from './dependencies.js';
import { putOverVersion, trackBatch } from './store-extraction.js';

/** The issue code of a document the pipeline itself failed on, at every delivery of its message. */
export const PIPELINE_FAILED = 'pipeline.failed';

export const failedInPipeline = (record: AgreementRecord) => record.status === 'rejected' && record.issues.some((issue) => issue.code === PIPELINE_FAILED);

/** An error as a record states it: its name and message. */
export const describeError = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/** The record of a document the pipeline failed on: rejected, with `pipeline.failed` and what happened. */
export const pipelineFailedRecord = (documentId: string, key: string, message: string): AgreementRecord =>
  rejectedRecord({ documentId, fileName: baseName(key) }, { code: PIPELINE_FAILED, message });

/**
 * Gives a document whose message is about to be parked in the dead-letter queue (its last delivery
 * failed) a record all the same: `rejected`, code `pipeline.failed`, with the last error. Its id comes
 * from the bytes, or, when the object is gone, from the digest its batch's manifest names for the key.
 * The record counts against its batch, so that the batch completes and its report lists the document
 * and why. A record the same bytes already have (under another key) is kept. The message stays parked
 * for a redrive, which reads the document again and replaces this record.
 */
export function recordPipelineFailure(key: string, lastError: string, deliveries: number, dependencies: PipelineDependencies): Promise<AgreementRecord | undefined> {
  return retryingConflicts(() => recordPipelineFailureOnce(key, lastError, deliveries, dependencies));
}

async function recordPipelineFailureOnce(key: string, lastError: string, deliveries: number, dependencies: PipelineDependencies): Promise<AgreementRecord | undefined> {
  const { records } = dependencies;
  const now = dependencies.now?.() ?? new Date();
  let documentId: string | undefined;
  let batchId: string | undefined;
  try {
    const head = await headUpload(key, dependencies);
    batchId = head.batchId;
    documentId = `sha256:${head.sha256 ?? (await streamedSha256(key, dependencies))}`;
  } catch (error) {
    if (!isMissing(error)) throw error;
    // The object is gone; its batch's manifest, written before the upload, names its digest.
    const named = await manifestEntry(key, dependencies);
    batchId = named?.batch;
    documentId = named && `sha256:${named.sha256}`;
  }
  if (!documentId) return undefined;
  const known = await records.get(documentId);
  if (known?.record && !failedInPipeline(known.record)) {
    await records.addKey(documentId, key);
    await trackBatch(batchId, key, documentId, dependencies, now);
    return known.record;
  }
  const record = pipelineFailedRecord(
    documentId,
    key,
    `The pipeline failed on this document at each of its ${deliveries} deliveries; the last error: ${lastError}. The upload waits in the dead-letter queue for a redrive (agreements redrive).`,
  );
  // The original stays where it is, for the redrive; nothing goes to quarantine.
  await writeRecordObject(record, dependencies);
  await putOverVersion(record, { key, now, extractorVersion: EXTRACTOR_VERSION, batchId, expectedVersion: known?.version ?? 0 }, dependencies);
  await trackBatch(batchId, key, documentId, dependencies, now);
  return record;
}
