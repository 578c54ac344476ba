import { createHash } from 'node:crypto';
import { CopyObjectCommand, GetObjectCommand, HeadObjectCommand, NotFound, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ExtractionConfig } from '../config.js';
import type { Extraction } from '../extract-document.js';
import { EXTRACTOR_VERSION } from '../extract/version.js';
import type { ReaderPool } from '../isolation/reader-pool.js';
import { type AsyncOcrService, type OcrEngine, OcrJobFailedError, type OcrPage } from '../ocr/engine.js';
import type { AgreementRecord } from '../schema/record.js';
import type { BatchManifests, BatchTracker } from './batch-tracking.js';
import { batchManifestSchema, manifestKey } from './batches.js';
import { batchInKey, quarantineKey, recordKey, recordTextKey } from './keys.js';
import { type RecordsTable, type RecordWrite, type StoredDocument, VersionConflictError } from './records.js';

/**
 * One uploaded object through the pipeline: size checked before download, record extracted (or taken
 * from the table when the same bytes were seen before), stored in the table and as
 * records/<sha256>.json, and a rejected original copied to quarantine/. Safe to run twice for the same
 * object or for the same bytes under another key.
 *
 * With an asynchronous OCR service (Textract in AWS), a document with scanned pages is not extracted
 * here: its scanned pages are sent to the service and `completeOcr` finishes it when the job reports.
 */

export interface IngestDependencies {
  s3: S3Client;
  table: RecordsTable;
  bucket: string;
  config: ExtractionConfig;
  /** The reader processes every document is read in, under the limits of `config`. */
  reader: ReaderPool;
  /** OCR in this process (tesseract.js). */
  ocr?: OcrEngine;
  /** OCR in the background (Textract); takes precedence over `ocr`. */
  asyncOcr?: AsyncOcrService;
  /** Batch progress; with it, the document that completes a batch asks for the batch's report. */
  batches?: { tracker: BatchTracker; manifests: BatchManifests };
  /** How long a document waits for its OCR job before it is looked after (default `OCR_JOB_PATIENCE_MS`). */
  ocrPatienceMs?: number;
  /**
   * How many failed attempts to complete a document with its OCR job's results it takes before the
   * document gets a `pipeline.failed` record (the attempts Lambda makes at an asynchronous invocation).
   */
  ocrCompletionAttempts?: number;
  /** Parks a completion for a redrive, as Lambda parks the event of an invocation that failed every attempt. */
  parkCompletion?: (completion: OcrCompletion) => Promise<void>;
  now?: () => Date;
}

/** How an extraction is written: when, over which version, for which batch, with how many pages Textract read. */
export type ExtractionWrite = Omit<RecordWrite, 'key' | 'extractorVersion'>;

export type IngestOutcome =
  | { kind: 'skipped'; key: string; reason: string }
  | { kind: 'stored'; key: string; record: AgreementRecord; reused: boolean }
  | { kind: 'awaiting-ocr'; key: string; documentId: string; pages: number[] };

/**
 * How long a document waits for its OCR job by default before the sweep asks after the job, or a new
 * delivery of its upload starts another.
 */
export const OCR_JOB_PATIENCE_MS = 60 * 60 * 1000;

export const isPdfKey = (key: string) => /\.pdf$/i.test(key);

export const baseName = (key: string) => key.slice(key.lastIndexOf('/') + 1);

/** The batch an object was uploaded in, from its `x-amz-meta-batch` metadata. */
const batchOf = (metadata: Record<string, string> | undefined) => metadata?.batch || undefined;

/** How often a write that lost a race with another writer of the same document is tried again. */
const CONFLICT_ATTEMPTS = 3;

/**
 * Runs `step` again when another writer stored the same document between its read and its write (two
 * deliveries of the same bytes): the next attempt reads what the other one stored.
 */
async function retryingConflicts<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= CONFLICT_ATTEMPTS) throw error;
    }
  }
}

export function ingestObject(key: string, dependencies: IngestDependencies): Promise<IngestOutcome> {
  return retryingConflicts(() => ingestOnce(key, dependencies));
}

async function ingestOnce(key: string, dependencies: IngestDependencies): Promise<IngestOutcome> {
  const { s3, table, bucket, config } = dependencies;
  if (!isPdfKey(key)) return { kind: 'skipped', key, reason: 'not a .pdf key' };
  const now = dependencies.now?.() ?? new Date();

  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
  const size = head.ContentLength ?? 0;
  const batchId = batchOf(head.Metadata);

  if (size > config.limits.maxFileBytes) {
    // Too large to extract, and rejected without keeping any of it. Its id is the SHA-256 S3 verified on
    // upload (a single PUT's, not a multipart upload's composite); otherwise it is hashed as it streams past.
    const verified = head.ChecksumSHA256 && !head.ChecksumSHA256.includes('-') ? Buffer.from(head.ChecksumSHA256, 'base64').toString('hex') : undefined;
    const record: AgreementRecord = {
      documentId: `sha256:${verified ?? (await streamedSha256(s3, bucket, key))}`,
      fileName: baseName(key),
      status: 'rejected',
      textSource: 'pdf-text',
      pages: 0,
      agreement: {},
      issues: [{ path: 'document', code: 'limit.file_size', message: `The file has ${size} bytes, more than the limit of ${config.limits.maxFileBytes} bytes.` }],
      evidence: [],
    };
    const stored = await table.get(record.documentId);
    if (stored?.record) {
      await table.addKey(record.documentId, key);
      await trackBatch(batchId, key, record.documentId, dependencies, now);
      return { kind: 'stored', key, record: stored.record, reused: true };
    }
    await storeRecord({ record, text: '' }, key, dependencies, { now, expectedVersion: stored?.version ?? 0, batchId });
    return { kind: 'stored', key, record, reused: false };
  }

  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!object.Body) throw new Error(`object ${key} has no body`);
  const bytes = await object.Body.transformToByteArray();
  const documentId = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const known = await table.get(documentId);
  // A record that says the pipeline failed is no answer: a redriven message reads the document again.
  const replacesFailure = known?.record !== undefined && failedInPipeline(known.record);
  if (known) {
    await table.addKey(documentId, key);
    if (known.record && !replacesFailure) {
      await trackBatch(batchId, key, documentId, dependencies, now);
      return { kind: 'stored', key, record: known.record, reused: true };
    }
    // A job still under way is awaited; one that never reported back (or a deployment that has since
    // switched to reading scans itself) is not, and the document is read again.
    if (known.ocrJob && dependencies.asyncOcr && now.getTime() - Date.parse(known.ocrJob.startedAt) < patienceOf(dependencies)) {
      return { kind: 'awaiting-ocr', key, documentId, pages: known.ocrJob.pages };
    }
  }

  let extraction: Extraction;
  if (dependencies.asyncOcr) {
    // A digital document is read here once; a scan's pages go to the service.
    const plan = await dependencies.reader.extractOrPlanOcr(bytes, baseName(key), { config, now: dependencies.now });
    if (plan.kind === 'ocr') {
      const jobId = await dependencies.asyncOcr.start({ documentId, bytes, pages: plan.pages, attempt: Math.floor(now.getTime() / patienceOf(dependencies)) });
      await table.putAwaitingOcr(documentId, key, { jobId, pages: plan.pages, key, startedAt: now.toISOString() }, now, known?.version ?? 0, batchId);
      return { kind: 'awaiting-ocr', key, documentId, pages: plan.pages };
    }
    extraction = plan.extraction;
  } else {
    extraction = await dependencies.reader.extract(bytes, baseName(key), { config, ocr: dependencies.ocr, now: dependencies.now });
  }
  const requested = await storeRecord(extraction, key, dependencies, { now, expectedVersion: known?.version ?? 0, batchId });
  if (replacesFailure) await reportAgain(documentId, new Set(requested ? [requested] : []), dependencies);
  return { kind: 'stored', key, record: extraction.record, reused: false };
}

const patienceOf = (dependencies: IngestDependencies) => dependencies.ocrPatienceMs ?? OCR_JOB_PATIENCE_MS;

export type SweepOutcome =
  | { kind: 'completed'; documentId: string; jobId: string; outcome: IngestOutcome }
  | { kind: 'restarted'; documentId: string; jobId: string; outcome: IngestOutcome }
  | { kind: 'running'; documentId: string; jobId: string }
  | { kind: 'failed'; documentId: string; jobId: string; error: string; recorded?: AgreementRecord };

/**
 * Looks after the documents whose OCR job has not reported back within the patience: a completion
 * notice can be lost, and then nothing else would ever look again. Each job is asked where it stands:
 * a finished one (failed included) is completed as its notice would have completed it, one the service
 * no longer knows is started again from the upload, one still running is left to run. A document the
 * sweep fails on does not stop it: the failure counts as an attempt to complete it (see
 * `noteFailedCompletion`; the attempt that uses up the last one records the document's failure and
 * parks its completion), and the sweep goes on with the next.
 */
export async function sweepAwaitingOcr(dependencies: IngestDependencies): Promise<SweepOutcome[]> {
  const { table, asyncOcr } = dependencies;
  if (!asyncOcr) throw new Error('sweepAwaitingOcr needs an asynchronous OCR service');
  const now = dependencies.now?.() ?? new Date();
  const outcomes: SweepOutcome[] = [];
  for (const stored of await table.withStatus('awaiting_ocr')) {
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
 * The batches that completed with the document failed in them, and were reported so, are reported again
 * once it is read: once each, leaving out those that counting the key has just asked for.
 */
async function reportAgain(documentId: string, requested: Set<string>, { batches }: IngestDependencies): Promise<void> {
  if (!batches) return;
  for (const batchId of await batches.tracker.batchesReporting(documentId)) if (!requested.has(batchId)) await batches.tracker.recordChanged(batchId);
}

/** The issue code of a document the pipeline itself failed on, at every delivery of its message. */
export const PIPELINE_FAILED = 'pipeline.failed';

export const failedInPipeline = (record: AgreementRecord) => record.status === 'rejected' && record.issues.some((issue) => issue.code === PIPELINE_FAILED);

/**
 * Gives a document whose message is about to be parked in the dead-letter queue (its last delivery
 * failed) a record all the same: `rejected`, code `pipeline.failed`, with the last error. Its id comes
 * from the bytes, or, when the object is gone, from the digest its batch's manifest names for the key.
 * The record counts against its batch, so that the batch completes and its report lists the document
 * and why. A record the same bytes already have (under another key) is kept. The message stays parked
 * for a redrive, which reads the document again and replaces this record.
 */
export function recordPipelineFailure(key: string, lastError: string, deliveries: number, dependencies: IngestDependencies): Promise<AgreementRecord | undefined> {
  return retryingConflicts(() => recordPipelineFailureOnce(key, lastError, deliveries, dependencies));
}

async function recordPipelineFailureOnce(key: string, lastError: string, deliveries: number, dependencies: IngestDependencies): Promise<AgreementRecord | undefined> {
  const { s3, bucket, table } = dependencies;
  const now = dependencies.now?.() ?? new Date();
  let documentId: string | undefined;
  let batchId: string | undefined;
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    batchId = batchOf(head.Metadata);
    documentId = `sha256:${await streamedSha256(s3, bucket, key)}`;
  } catch (error) {
    if (!(error instanceof Error && (error.name === 'NotFound' || error.name === 'NoSuchKey'))) throw error;
    // The object is gone; its batch's manifest, written before the upload, names its digest.
    const named = await manifestEntry(key, dependencies);
    batchId = named?.batch;
    documentId = named && `sha256:${named.sha256}`;
  }
  if (!documentId) return undefined;
  const known = await table.get(documentId);
  if (known?.record && !failedInPipeline(known.record)) {
    await table.addKey(documentId, key);
    await trackBatch(batchId, key, documentId, dependencies, now);
    return known.record;
  }
  const record = pipelineFailedRecord(
    documentId,
    key,
    `The pipeline failed on this document at each of its ${deliveries} deliveries; the last error: ${lastError}. The upload waits in the dead-letter queue for a redrive (agreements redrive).`,
  );
  // The original stays where it is, for the redrive; nothing goes to quarantine.
  await writeRecordObject(s3, bucket, record);
  await putOverVersion(record, { key, now, extractorVersion: EXTRACTOR_VERSION, batchId, expectedVersion: known?.version ?? 0 }, dependencies);
  await trackBatch(batchId, key, documentId, dependencies, now);
  return record;
}

/** The record of a document the pipeline failed on: rejected, with `pipeline.failed` and what happened. */
const pipelineFailedRecord = (documentId: string, key: string, message: string): AgreementRecord => ({
  documentId,
  fileName: baseName(key),
  status: 'rejected',
  textSource: 'pdf-text',
  pages: 0,
  agreement: {},
  issues: [{ path: 'document', code: PIPELINE_FAILED, message }],
});

/** An error as a record states it: its name and message. */
export const describeError = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

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
  dependencies: IngestDependencies,
  { park = false }: { park?: boolean } = {},
): Promise<AgreementRecord | undefined> {
  const attempts = dependencies.ocrCompletionAttempts;
  const failures = await dependencies.table.countFailedCompletion(completion.documentId, completion.jobId);
  // Exactly one attempt uses up the last (the count is atomic), and only it records and parks.
  if (!attempts || failures !== attempts) return undefined;
  const record = await retryingConflicts(() => recordFailedCompletion(completion, describeError(error), failures, dependencies));
  if (record && park) {
    if (!dependencies.parkCompletion) throw new Error(`no dead-letter queue to park the completion of ${completion.documentId} in`);
    await dependencies.parkCompletion(completion);
  }
  return record;
}

async function recordFailedCompletion(completion: OcrCompletion, lastError: string, failures: number, dependencies: IngestDependencies): Promise<AgreementRecord | undefined> {
  const { s3, bucket, table } = dependencies;
  const stored = await table.get(completion.documentId);
  const job = stored?.ocrJob;
  // Completed after all, or waiting for another job by now: nothing to record.
  if (!stored || !job || job.jobId !== completion.jobId || (stored.record && !failedInPipeline(stored.record))) return undefined;
  const now = dependencies.now?.() ?? new Date();
  const record = pipelineFailedRecord(
    completion.documentId,
    job.key,
    `The pipeline failed to complete this document with its OCR job's results at each of ${failures} attempts; the last error: ${lastError}. The job's completion waits in the dead-letter queue for a redrive (agreements redrive).`,
  );
  await writeRecordObject(s3, bucket, record);
  await putOverVersion(record, { key: job.key, now, extractorVersion: EXTRACTOR_VERSION, batchId: stored.batchId, expectedVersion: stored.version, keepOcrJob: true }, dependencies);
  await trackBatch(stored.batchId, job.key, completion.documentId, dependencies, now);
  return record;
}

/** The batch an upload's key belongs to (`incoming/<batch>/…`) and the digest its manifest names for the key. */
async function manifestEntry(key: string, { s3, bucket }: IngestDependencies): Promise<{ batch: string; sha256: string } | undefined> {
  const batch = batchInKey(key);
  if (!batch) return undefined;
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: manifestKey(batch) }));
    const manifest = batchManifestSchema.parse(JSON.parse(await object.Body!.transformToString()));
    const file = manifest.files.find((candidate) => candidate.key === key);
    return file && { batch, sha256: file.sha256 };
  } catch (error) {
    if (error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'ZodError' || error instanceof SyntaxError)) return undefined;
    throw error;
  }
}

async function streamedSha256(s3: S3Client, bucket: string, key: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const hash = createHash('sha256');
  for await (const chunk of object.Body as AsyncIterable<Uint8Array>) hash.update(chunk);
  return hash.digest('hex');
}

export interface OcrCompletion {
  jobId: string;
  /** Textract's job status: SUCCEEDED, FAILED, ERROR or PARTIAL_SUCCESS. */
  status: string;
  documentId: string;
}

/**
 * Finishes a document whose scanned pages an asynchronous OCR job has read: the job's pages take the
 * place of the scanned ones and the extraction runs as it would have in one step. A failed job still
 * yields a record, for review, saying why. A repeated completion message changes nothing.
 */
export function completeOcr(completion: OcrCompletion, dependencies: IngestDependencies): Promise<IngestOutcome> {
  return retryingConflicts(() => completeOcrOnce(completion, dependencies));
}

async function completeOcrOnce(completion: OcrCompletion, dependencies: IngestDependencies): Promise<IngestOutcome> {
  const { s3, table, bucket, config, asyncOcr } = dependencies;
  if (!asyncOcr) throw new Error('completeOcr needs an asynchronous OCR service');
  const stored = await table.get(completion.documentId);
  if (!stored) throw new Error(`no document ${completion.documentId} awaits OCR job ${completion.jobId}`);
  // A record saying the pipeline failed is replaced by the job a redrive started.
  if (stored.record && !failedInPipeline(stored.record)) return { kind: 'stored', key: stored.keys[0] ?? '', record: stored.record, reused: true };
  const job = stored.ocrJob;
  if (!job) throw new Error(`document ${completion.documentId} has neither a record nor an OCR job`);
  if (job.jobId !== completion.jobId) return { kind: 'skipped', key: job.key, reason: `job ${completion.jobId} is not the document's job ${job.jobId}` };

  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: job.key }));
  const bytes = await object.Body!.transformToByteArray();
  const now = dependencies.now?.() ?? new Date();
  const readings = new Map<number, OcrPage>();
  let failure: string | undefined;
  if (completion.status !== 'SUCCEEDED') {
    // The notice says only that the job failed; the service says why.
    const { message } = await asyncOcr.status(completion.jobId);
    failure = `OCR job ${completion.jobId} ended with status ${completion.status}${message ? `: ${message}` : ''}`;
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
  const extracted = await dependencies.reader.extract(bytes, baseName(job.key), { config, ocrReadings: readings, now: dependencies.now });
  const record: AgreementRecord = failure
    ? {
        ...extracted.record,
        status: extracted.record.status === 'valid' ? 'needs_review' : extracted.record.status,
        issues: [...extracted.record.issues, { path: 'document', code: 'ocr.failed', message: `The scanned pages could not be read: ${failure}` }],
      }
    : extracted.record;
  await saveExtraction({ record, text: extracted.text }, job.key, dependencies, { now, expectedVersion: stored.version, batchId: stored.batchId, textractPages: job.pages.length });
  // The same bytes may have arrived under other keys, in other batches, while the job was running.
  const requested = new Set<string>();
  for (const key of stored.keys.includes(job.key) ? stored.keys : [job.key, ...stored.keys]) {
    const batchId = await trackBatch(await batchOfObject(key, dependencies), key, record.documentId, dependencies, now);
    if (batchId) requested.add(batchId);
  }
  if (stored.record) await reportAgain(record.documentId, requested, dependencies);
  return { kind: 'stored', key: job.key, record, reused: false };
}

/** The batch an object was uploaded in; none when it has gone since. */
async function batchOfObject(key: string, { s3, bucket }: IngestDependencies): Promise<string | undefined> {
  try {
    return batchOf((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).Metadata);
  } catch (error) {
    if (error instanceof NotFound) return undefined;
    throw error;
  }
}

/**
 * Writes an extraction over the version of the document that was read: the record as
 * `records/<sha256>.json` and its text beside it, a rejected original copied to `quarantine/`, and —
 * last, so that a record in the table means the rest exists too — the table's item. When another writer
 * came first, `records/<sha256>.json` is set back to the record that writer stored, and the
 * `VersionConflictError` is thrown on.
 */
export async function saveExtraction(
  { record, text }: Extraction,
  key: string,
  { s3, table, bucket }: Pick<IngestDependencies, 's3' | 'table' | 'bucket'>,
  { now, expectedVersion, batchId, textractPages }: ExtractionWrite,
): Promise<void> {
  await writeRecordObject(s3, bucket, record);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: recordTextKey(record.documentId), Body: text, ContentType: 'text/plain; charset=utf-8' }));
  if (record.status === 'rejected') {
    await s3.send(
      new CopyObjectCommand({ Bucket: bucket, Key: quarantineKey(key), CopySource: `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}` }),
    );
  }
  await putOverVersion(record, { key, now, extractorVersion: EXTRACTOR_VERSION, batchId, expectedVersion, textractPages }, { s3, table, bucket });
}

/**
 * The table's item, over the version read. When another writer came first, `records/<sha256>.json` is
 * set back to the record that writer stored, and the `VersionConflictError` is thrown on.
 */
async function putOverVersion(record: AgreementRecord, write: RecordWrite, { s3, table, bucket }: Pick<IngestDependencies, 's3' | 'table' | 'bucket'>): Promise<void> {
  try {
    await table.put(record, write);
  } catch (error) {
    if (error instanceof VersionConflictError) {
      const current = await table.get(record.documentId);
      if (current?.record) await writeRecordObject(s3, bucket, current.record);
    }
    throw error;
  }
}

/** `records/<sha256>.json`: the record as stored in the table, for readers of the bucket. */
export async function writeRecordObject(s3: S3Client, bucket: string, record: AgreementRecord): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: recordKey(record.documentId), Body: JSON.stringify(record, null, 2), ContentType: 'application/json' }));
}

/** Saves the extraction and counts the key for its batch; returns the batch when counting it asked for its report. */
async function storeRecord(extraction: Extraction, key: string, dependencies: IngestDependencies, write: ExtractionWrite): Promise<string | undefined> {
  const { now, batchId } = write;
  await saveExtraction(extraction, key, dependencies, write);
  return trackBatch(batchId, key, extraction.record.documentId, dependencies, now);
}

/** Counts the key as processed for its batch; the key that completes the batch requests the report. */
async function trackBatch(batchId: string | undefined, key: string, documentId: string, { batches }: IngestDependencies, now: Date): Promise<string | undefined> {
  if (!batchId || !batches) return undefined;
  // The manifest, written before the first upload, says how many documents the batch expects.
  const outcome = await batches.tracker.documentStored({ batchId, key, documentId }, await batches.manifests.expected(batchId), now);
  return outcome.reportRequest === undefined ? undefined : batchId;
}
