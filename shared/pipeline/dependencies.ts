import type { S3Client } from '@aws-sdk/client-s3';
import type { ExtractionConfig } from '../config.js';
import type { ReaderPool } from '../isolation/reader-pool.js';
import type { AsyncOcrService, OcrEngine } from '../ocr/engine.js';
import type { AgreementRecord } from '../schema/record.js';
import type { BatchManifests, BatchTracker } from '../store/batch-tracking.js';
import { type RecordsTable, VersionConflictError } from '../store/records.js';

/**
 * What the pipeline's use case works with, and what it answers: the stores and readers a deployment
 * gives it (functions/commons/pipeline.ts builds them from a function's environment), and the outcome
 * of each step.
 */

export interface PipelineDependencies {
  s3: S3Client;
  records: RecordsTable;
  bucket: string;
  config: ExtractionConfig;
  /** The reader processes every document is read in, under the limits of `config`. */
  reader: ReaderPool;
  /** OCR in this process (tesseract.js). */
  ocr?: OcrEngine;
  /** OCR in the background (Textract); takes precedence over `ocr`. */
  asyncOcr?: AsyncOcrService;
  /** Batch progress; with it, the document that completes a batch asks for the batch's report. */
  batchTracking?: { tracker: BatchTracker; manifests: BatchManifests };
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

export type IngestOutcome =
  | { kind: 'skipped'; key: string; reason: string }
  | { kind: 'stored'; key: string; record: AgreementRecord; reused: boolean }
  | { kind: 'awaiting-ocr'; key: string; documentId: string; pages: number[] };

export interface OcrCompletion {
  jobId: string;
  /** Textract's job status: SUCCEEDED, FAILED, ERROR or PARTIAL_SUCCESS. */
  status: string;
  documentId: string;
}

/**
 * How long a document waits for its OCR job by default before the sweep asks after the job, or a new
 * delivery of its upload starts another.
 */
export const OCR_JOB_PATIENCE_MS = 60 * 60 * 1000;

export const patienceOf = (dependencies: Pick<PipelineDependencies, 'ocrPatienceMs'>) => dependencies.ocrPatienceMs ?? OCR_JOB_PATIENCE_MS;

export const isPdfKey = (key: string) => /\.pdf$/i.test(key);

export const baseName = (key: string) => key.slice(key.lastIndexOf('/') + 1);

/** How often a write that lost a race with another writer of the same document is tried again. */
const CONFLICT_ATTEMPTS = 3;

/**
 * Runs `step` again when another writer stored the same document between its read and its write (two
 * deliveries of the same bytes): the next attempt reads what the other one stored.
 */
export async function retryingConflicts<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= CONFLICT_ATTEMPTS) throw error;
    }
  }
}
