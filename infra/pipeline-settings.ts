import { Duration } from 'aws-cdk-lib';
import type { Node } from 'constructs';
import { z } from 'zod';

/**
 * What a deployment of the pipeline can choose (`cdk -c key=value`), and how the functions that read
 * documents share their memory and time: the numbers the stack is built from, apart from the stack.
 */

export const pipelineSettingsSchema = z.object({
  /** Where Lambdas run: arm64 in AWS; the local emulator runs them on the host's architecture. */
  architecture: z.enum(['arm64', 'x86_64']).default('arm64'),
  /**
   * Who reads scanned pages: Amazon Textract (AWS), tesseract.js inside the ingest function (emulators,
   * which have no Textract), or nobody (scanned pages are left for review).
   */
  ocr: z.enum(['textract', 'tesseract', 'none']).default('textract'),
  /** Deliveries of one message before it is parked in the dead-letter queue. */
  maxReceiveCount: z.coerce.number().int().min(1).max(10).default(3),
  /** Longest a function may run on one batch. */
  functionTimeoutSeconds: z.coerce.number().int().min(10).max(900).default(300),
  /**
   * How long a delivered message stays hidden, and so how soon a failed one is retried. AWS advises six
   * times the function's timeout; local runs shorten it so that retries happen within a test.
   */
  visibilityTimeoutSeconds: z.coerce.number().int().min(10).max(43_200).optional(),
  /** Keep the bucket and the table when the stack is deleted (production) or not (local runs). */
  retainData: z.coerce.boolean().default(true),
  /**
   * Local deployments only: where the functions reach Textract instead of AWS (the project's Textract
   * stand-in), handed to the AWS SDK as AWS_ENDPOINT_URL_TEXTRACT.
   */
  textractEndpoint: z.url().optional(),
  /**
   * How long a document waits for its Textract job before the sweep asks after the job (a completion
   * notice may be lost); local runs shorten it so that a test sees the sweep at work.
   */
  ocrPatienceSeconds: z.coerce.number().int().min(10).max(86_400).default(3600),
  /** The price per 1,000 pages the reports estimate Textract's cost at: DetectDocumentText's list price. */
  textractPricePer1000PagesUsd: z.coerce.number().nonnegative().default(1.5),
});
export type PipelineSettings = z.infer<typeof pipelineSettingsSchema>;

/** The queue's visibility timeout: as set, or six times the function's timeout; never shorter than the timeout. */
export function visibilityTimeout(settings: PipelineSettings): Duration {
  const seconds = settings.visibilityTimeoutSeconds ?? settings.functionTimeoutSeconds * 6;
  if (seconds < settings.functionTimeoutSeconds) {
    throw new Error(`visibilityTimeoutSeconds (${seconds}) must not be shorter than functionTimeoutSeconds (${settings.functionTimeoutSeconds})`);
  }
  return Duration.seconds(seconds);
}

/** Settings from `cdk -c key=value`, parsed like every other configuration. */
export function pipelineSettingsFromContext(node: Node): PipelineSettings {
  const keys = Object.keys(pipelineSettingsSchema.shape) as (keyof PipelineSettings)[];
  return pipelineSettingsSchema.parse(Object.fromEntries(keys.map((key) => [key, node.tryGetContext(key)]).filter(([, value]) => value !== undefined)));
}

/** Lambda's retries of a failed asynchronous invocation (its default, stated): Textract's notices arrive so. */
export const COMPLETION_RETRIES = 2;

/**
 * What a function's own process needs beside its readers: the runtime with the SDK and Powertools
 * loaded (about 150 MB), the bytes of the document it reads, twice while they are handed to the
 * reader (200 MB for a file at the default size limit of 100 MiB), and the German word list its readers
 * look the words OCR read up in (about 15 MB with what it remembers of words; shared/extract/german-lexicon.ts).
 */
export const OWN_MEMORY_MIB = 384;
/** The same, with tesseract.js reading pages in the function's process: a worker per core and one for single words, with the pages they read. */
export const OWN_MEMORY_WITH_OCR_MIB = 1280;

/**
 * How a function that reads documents shares its memory and time: the function's own process keeps
 * `ownMemoryMiB`; the rest is split evenly among its reader processes, each stopped at its share. Every
 * message of a batch is read at once, so each document may take the function's timeout but for a margin
 * to store its record: a document past a limit is rejected and recorded before the function itself would
 * be stopped (by its timeout, or at its memory size), and no hostile file is ever retried into the
 * dead-letter queue.
 */
export function readerBudget({ memorySizeMiB, timeoutSeconds, readers, ownMemoryMiB }: { memorySizeMiB: number; timeoutSeconds: number; readers: number; ownMemoryMiB: number }) {
  const memoryMiB = Math.floor((memorySizeMiB - ownMemoryMiB) / readers);
  if (memoryMiB < 256) throw new Error(`${readers} readers in ${memorySizeMiB} MB, ${ownMemoryMiB} MB kept for the function, leave each less than 256 MiB`);
  // A fifth of the timeout, at least 15 s, to store the record (S3, DynamoDB, the batch) after a document is stopped.
  const timeoutMs = Math.floor((timeoutSeconds - Math.max(15, timeoutSeconds / 5)) * 1000);
  return {
    environment: { EXTRACTION_READERS: String(readers), EXTRACTION_MEMORY_MIB: String(memoryMiB), EXTRACTION_TIMEOUT_MS: String(timeoutMs) },
    /** Messages per invocation: one per reader. */
    batchSize: readers,
  };
}
