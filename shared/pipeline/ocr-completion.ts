import { EXTRACTOR_VERSION } from '../extract/version.js';
import { type AsyncOcrService, OcrJobFailedError, type OcrPage } from '../ocr/engine.js';
import type { AgreementRecord } from '../schema/record.js';
import { batchOfUpload, readUpload, writeRecordObject } from '../store/document-objects.js';
import { baseName, type IngestOutcome, type OcrCompletion, patienceOf, type PipelineDependencies, retryingConflicts } from './dependencies.js';
import { ingestObject } from './ingest-object.js';
import { describeError, failedInPipeline, pipelineFailedRecord } from './pipeline-failure.js';
import { putOverVersion, reportAgain, saveExtraction, trackBatch } from './store-extraction.js';

/**
 * The second half of a document whose scanned pages an asynchronous OCR service (Textract) reads: its
 * completion when the job reports, the sweep that looks after jobs whose notice never came, and the
 * record of a document whose completion failed at every attempt.
 */

export type SweepOutcome =
  | { kind: 'completed'; documentId: string; jobId: string; outcome: IngestOutcome }
  | { kind: 'restarted'; documentId: string; jobId: string; outcome: IngestOutcome }
  | { kind: 'running'; documentId: string; jobId: string }
  | { kind: 'failed'; documentId: string; jobId: string; error: string; recorded?: AgreementRecord };

/**
 * Finishes a document whose scanned pages an asynchronous OCR job has read: the job's pages take the
 * place of the scanned ones and the extraction runs as it would have in one step. A failed job still
 * yields a record, for review, saying why. A repeated completion message changes nothing.
 */
export function completeOcr(completion: OcrCompletion, dependencies: PipelineDependencies): Promise<IngestOutcome> {
  return retryingConflicts(() => completeOcrOnce(completion, dependencies));
}

async function completeOcrOnce(completion: OcrCompletion, dependencies: PipelineDependencies): Promise<IngestOutcome> {
  const { records, config, asyncOcr } = dependencies;
  if (!asyncOcr) throw new Error('completeOcr needs an asynchronous OCR service');
  const stored = await records.get(completion.documentId);
  if (!stored) throw new Error(`no document ${completion.documentId} awaits OCR job ${completion.jobId}`);
  // A record saying the pipeline failed is replaced by the job a redrive started.
  if (stored.record && !failedInPipeline(stored.record)) return { kind: 'stored', key: stored.keys[0] ?? '', record: stored.record, reused: true };
  const job = stored.ocrJob;
  if (!job) throw new Error(`document ${completion.documentId} has neither a record nor an OCR job`);
  if (job.jobId !== completion.jobId) return { kind: 'skipped', key: job.key, reason: `job ${completion.jobId} is not the document's job ${job.jobId}` };

  const bytes = await readUpload(job.key, dependencies);
  const now = dependencies.now?.() ?? new Date();
  const readings = new Map<number, OcrPage>();
  let failure: string | undefined;
  if (completion.status !== 'SUCCEEDED') {
    // The notice says only that the job failed; the service says why.
    failure = ocrJobAnswer({ status: completion.status, message: (await asyncOcr.status(completion.jobId)).message });
  } else {
    try {
      for (const [jobPage, page] of await asyncOcr.collect(completion.jobId)) {
        const documentPage = job.pages[jobPage - 1];
        if (documentPage !== undefined) readings.set(documentPage, page);
      }
    } catch (error) {
      // A failed job is the answer about the document; any other fault (throttling, the network) is
      // thrown, so that the completion is tried again.
      if (!(error instanceof OcrJobFailedError)) throw error;
      failure = error.message;
      readings.clear();
    }
  }
  const extracted = await dependencies.reader.extract(bytes, baseName(job.key), {
    documentId: completion.documentId,
    config,
    ocrReadings: readings,
    knownNames: await records.knownNames(),
    now: dependencies.now,
  });
  const record = failure ? withOcrFailure(extracted.record, failure) : extracted.record;
  await saveExtraction({ record, text: extracted.text }, job.key, dependencies, { now, expectedVersion: stored.version, batchId: stored.batchId, textractPages: job.pages.length });
  // The same bytes may have arrived under other keys, in other batches, while the job was running.
  const requested = new Set<string>();
  for (const key of stored.keys.includes(job.key) ? stored.keys : [job.key, ...stored.keys]) {
    const batchId = await trackBatch(await batchOfUpload(key, dependencies), key, record.documentId, dependencies, now);
    if (batchId) requested.add(batchId);
  }
  if (stored.record) await reportAgain(record.documentId, requested, dependencies);
  return { kind: 'stored', key: job.key, record, reused: false };
}

/** Why an OCR job read nothing, in the service's words. */
/**
 * What an OCR job answered about a document, as its record says it: no job id, which a record made again
 * by another job would differ in, though the document and the answer are the same (the document's job
 * is stored with it).
 */
export const ocrJobAnswer = ({ status, message }: { status: string; message?: string }) => `the OCR job ended with status ${status}${message ? `: ${message}` : ''}`;

/**
 * The record of a document whose scanned pages the OCR job could not read: what else was read, for
 * review, saying why. The job's failure is the answer about the document, not a fault to retry.
 */
export function withOcrFailure(record: AgreementRecord, failure: string): AgreementRecord {
  return {
    ...record,
    status: record.status === 'valid' ? 'needs_review' : record.status,
    issues: [...record.issues, { path: 'document', code: 'ocr.failed', message: `The scanned pages could not be read: ${failure}` }],
  };
}

/**
 * Looks after the documents whose OCR job has not reported back within the patience: a completion
 * notice can be lost, and then nothing else would ever look again. Each job is asked where it stands:
 * a finished one (failed included) is completed as its notice would have completed it, one the service
 * no longer knows is started again from the upload, one still running is left to run. A document the
 * sweep fails on does not stop it: the failure counts as an attempt to complete it (see
 * `noteFailedCompletion`; the attempt that uses up the last one records the document's failure and
 * parks its completion), and the sweep goes on with the next.
 */
export async function sweepAwaitingOcr(dependencies: PipelineDependencies): Promise<SweepOutcome[]> {
  const { records, asyncOcr } = dependencies;
  if (!asyncOcr) throw new Error('sweepAwaitingOcr needs an asynchronous OCR service');
  const now = dependencies.now?.() ?? new Date();
  const outcomes: SweepOutcome[] = [];
  for (const stored of await records.withStatus('awaiting_ocr')) {
    const job = stored.ocrJob;
    if (!job || (stored.record && !failedInPipeline(stored.record)) || now.getTime() - Date.parse(job.startedAt) < patienceOf(dependencies)) continue;
    const base = { documentId: stored.documentId, jobId: job.jobId };
    let status: Awaited<ReturnType<AsyncOcrService['status']>>['status'];
    try {
      ({ status } = await asyncOcr.status(job.jobId));
    } catch (error) {
      // Not knowing how the job stands says nothing about the document; the next sweep asks again.
      outcomes.push({ ...base, kind: 'failed', error: describeError(error) });
      continue;
    }
    try {
      if (status === 'IN_PROGRESS') outcomes.push({ ...base, kind: 'running' });
      else if (status === 'unknown') outcomes.push({ ...base, kind: 'restarted', outcome: await ingestObject(job.key, { ...dependencies, now: () => now }) });
      else outcomes.push({ ...base, kind: 'completed', outcome: await completeOcr({ jobId: job.jobId, status, documentId: stored.documentId }, dependencies) });
    } catch (error) {
      // A job the service no longer knows has no results to complete with: its restart is tried again.
      const completion = { jobId: job.jobId, status, documentId: stored.documentId };
      const recorded = status === 'unknown' ? undefined : await noteFailedCompletion(completion, error, { ...dependencies, now: () => now }, { park: true });
      outcomes.push({ ...base, kind: 'failed', error: describeError(error), ...(recorded ? { recorded } : {}) });
    }
  }
  return outcomes;
}

/**
 * Counts a failed attempt to complete a document with its OCR job's results (a notice's delivery, or
 * the sweep). The attempt that uses up the last of `ocrCompletionAttempts` gives the document a record
 * all the same, so that its batch completes: `rejected`, code `pipeline.failed`, with the last error.
 * The record keeps the job: a redrive of the parked completion (`park`: this code parks it, as the
 * sweep has no invocation for Lambda to park) completes the document with it and replaces the record.
 * Returns the record written, if any.
 */
export async function noteFailedCompletion(
  completion: OcrCompletion,
  error: unknown,
  dependencies: PipelineDependencies,
  { park = false }: { park?: boolean } = {},
): Promise<AgreementRecord | undefined> {
  const attempts = dependencies.ocrCompletionAttempts;
  const failures = await dependencies.records.countFailedCompletion(completion.documentId, completion.jobId);
  // Exactly one attempt uses up the last (the count is atomic), and only it records and parks.
  if (!attempts || failures !== attempts) return undefined;
  const record = await retryingConflicts(() => recordFailedCompletion(completion, describeError(error), failures, dependencies));
  if (record && park) {
    if (!dependencies.parkCompletion) throw new Error(`no dead-letter queue to park the completion of ${completion.documentId} in`);
    await dependencies.parkCompletion(completion);
  }
  return record;
}

async function recordFailedCompletion(completion: OcrCompletion, lastError: string, failures: number, dependencies: PipelineDependencies): Promise<AgreementRecord | undefined> {
  const stored = await dependencies.records.get(completion.documentId);
  const job = stored?.ocrJob;
  // Completed after all, or waiting for another job by now: nothing to record.
  if (!stored || !job || job.jobId !== completion.jobId || (stored.record && !failedInPipeline(stored.record))) return undefined;
  const now = dependencies.now?.() ?? new Date();
  const record = pipelineFailedRecord(
    completion.documentId,
    job.key,
    `The pipeline failed to complete this document with its OCR job's results at each of ${failures} attempts; the last error: ${lastError}. The job's completion waits in the dead-letter queue for a redrive (agreements redrive).`,
  );
  await writeRecordObject(record, dependencies);
  await putOverVersion(record, { key: job.key, now, extractorVersion: EXTRACTOR_VERSION, batchId: stored.batchId, expectedVersion: stored.version, keepOcrJob: true }, dependencies);
  await trackBatch(stored.batchId, job.key, completion.documentId, dependencies, now);
  return record;
}
