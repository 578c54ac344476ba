import { z } from 'zod';
import { type ExtractionConfig, extractionConfigFromEnv, extractionEnvSchema } from '../../shared/config.js';

/**
 * What each of the pipeline's functions reads from its environment: one schema per function, parsed
 * once at cold start. The stack gives each function these variables and no others (the infrastructure
 * test parses every function's environment in every configuration with its schema); the variables the
 * Lambda runtime sets itself (AWS_REGION, …) are not ours and are ignored.
 */

/** The bucket (uploads, records, reports) and the records table. */
const storageEnv = {
  UPLOAD_BUCKET: z.string().min(1),
  RECORDS_TABLE: z.string().min(1),
};

/** The batches: their head items (counter, report requests), and one member item per uploaded key. */
const batchesEnv = {
  BATCHES_TABLE: z.string().min(1),
  BATCH_MEMBERS_TABLE: z.string().min(1),
};

/** Batch progress: the batches, and the queue on which the document that completes a batch asks for its report. */
const batchTrackingEnv = {
  ...batchesEnv,
  REPORT_QUEUE_URL: z.url(),
};

/** Amazon Textract's asynchronous text detection. */
const textractEnv = {
  /** The SNS topic Textract reports finished jobs to, and the role it publishes with. */
  TEXTRACT_TOPIC_ARN: z.string().startsWith('arn:'),
  TEXTRACT_ROLE_ARN: z.string().startsWith('arn:'),
  /**
   * Where the AWS SDK sends Textract's requests instead of Textract's own endpoint; only a local
   * deployment sets it (to the project's Textract stand-in). The SDK reads it, no code of ours does.
   */
  AWS_ENDPOINT_URL_TEXTRACT: z.url().optional(),
  /** How long a document waits for its job before it is looked after (its notice may be lost). */
  OCR_JOB_PATIENCE_SECONDS: z.coerce.number().int().positive().optional(),
};

/** How many documents a function reads at once, each in a reader process of its own (`readerBudget` in the stack). */
const readersEnv = { EXTRACTION_READERS: z.coerce.number().int().min(1).default(1) };

const readingEnv = { ...storageEnv, ...batchTrackingEnv, ...extractionEnvSchema.shape, ...readersEnv };

const deliveryEnv = {
  /** Deliveries of an upload notice before it is parked: the last one records the document's failure. */
  MAX_RECEIVE_COUNT: z.coerce.number().int().min(1).optional(),
};

/** The ingest function reads uploads; its OCR engine decides what else it needs. */
export const ingestEnvSchema = z.discriminatedUnion('OCR_ENGINE', [
  z.object({ ...readingEnv, ...deliveryEnv, OCR_ENGINE: z.literal('none') }),
  z.object({ ...readingEnv, ...deliveryEnv, OCR_ENGINE: z.literal('tesseract') }),
  z.object({ ...readingEnv, ...deliveryEnv, OCR_ENGINE: z.literal('textract'), ...textractEnv }),
]);

/** The OCR-complete function finishes the documents Textract has read. */
export const ocrCompleteEnvSchema = z.object({
  ...readingEnv,
  ...textractEnv,
  /** The attempts Lambda makes at an asynchronous invocation: the last failed one records the document's failure. */
  OCR_COMPLETION_ATTEMPTS: z.coerce.number().int().min(1),
  /** The function's own dead-letter queue, where the sweep parks a completion it failed on at every attempt. */
  OCR_COMPLETE_DEAD_LETTER_QUEUE_URL: z.url(),
});

/** The report function reads records and batches and writes reports; it reads no PDF. */
export const reportEnvSchema = z.object({
  ...storageEnv,
  ...batchesEnv,
  /** The price per 1,000 pages the reports estimate Textract's cost at (default Textract's list price). */
  TEXTRACT_PRICE_PER_1000_PAGES_USD: z.coerce.number().nonnegative().optional(),
});

/** The migration of batches tracked in sets reads records and batches and may ask for reports; it reads no PDF. */
export const migrateBatchesEnvSchema = z.object({ ...storageEnv, ...batchTrackingEnv });

/** The environment without empty values, which count as unset. */
const defined = (env: Record<string, string | undefined>) => Object.fromEntries(Object.entries(env).filter(([, value]) => value));

export interface StorageSettings {
  bucket: string;
  recordsTableName: string;
  batchesTableName: string;
  batchMembersTableName: string;
}

/** Where every function finds the bucket, the records table and the batch tables, from its parsed environment. */
function storageSettings(env: { UPLOAD_BUCKET: string; RECORDS_TABLE: string; BATCHES_TABLE: string; BATCH_MEMBERS_TABLE: string }): StorageSettings {
  return { bucket: env.UPLOAD_BUCKET, recordsTableName: env.RECORDS_TABLE, batchesTableName: env.BATCHES_TABLE, batchMembersTableName: env.BATCH_MEMBERS_TABLE };
}

export interface TrackingSettings extends StorageSettings {
  reportQueueUrl: string;
}

export interface ReadingSettings extends TrackingSettings {
  readers: number;
  extraction: ExtractionConfig;
}

export interface TextractSettings {
  topicArn: string;
  roleArn: string;
  patienceMs?: number;
}

function readingSettings(env: z.infer<typeof ocrCompleteEnvSchema> | z.infer<typeof ingestEnvSchema>): ReadingSettings {
  return {
    ...storageSettings(env),
    reportQueueUrl: env.REPORT_QUEUE_URL,
    readers: env.EXTRACTION_READERS,
    extraction: extractionConfigFromEnv({ ...env, EXTRACTION_READERS: undefined }),
  };
}

function textractSettings(env: { TEXTRACT_TOPIC_ARN: string; TEXTRACT_ROLE_ARN: string; OCR_JOB_PATIENCE_SECONDS?: number }): TextractSettings {
  return {
    topicArn: env.TEXTRACT_TOPIC_ARN,
    roleArn: env.TEXTRACT_ROLE_ARN,
    ...(env.OCR_JOB_PATIENCE_SECONDS ? { patienceMs: env.OCR_JOB_PATIENCE_SECONDS * 1000 } : {}),
  };
}

export function ingestSettings(
  env: Record<string, string | undefined>,
): ReadingSettings & { maxReceiveCount?: number; ocr: { engine: 'none' | 'tesseract' } | ({ engine: 'textract' } & TextractSettings) } {
  const parsed = ingestEnvSchema.parse(defined(env));
  return {
    ...readingSettings(parsed),
    ...(parsed.MAX_RECEIVE_COUNT ? { maxReceiveCount: parsed.MAX_RECEIVE_COUNT } : {}),
    ocr: parsed.OCR_ENGINE === 'textract' ? { engine: 'textract', ...textractSettings(parsed) } : { engine: parsed.OCR_ENGINE },
  };
}

export function ocrCompleteSettings(
  env: Record<string, string | undefined>,
): ReadingSettings & { textract: TextractSettings; completionAttempts: number; deadLetterQueueUrl: string } {
  const parsed = ocrCompleteEnvSchema.parse(defined(env));
  return {
    ...readingSettings(parsed),
    textract: textractSettings(parsed),
    completionAttempts: parsed.OCR_COMPLETION_ATTEMPTS,
    deadLetterQueueUrl: parsed.OCR_COMPLETE_DEAD_LETTER_QUEUE_URL,
  };
}

export function reportSettings(env: Record<string, string | undefined>): StorageSettings & { textractPricePer1000PagesUsd?: number } {
  const parsed = reportEnvSchema.parse(defined(env));
  return {
    ...storageSettings(parsed),
    ...(parsed.TEXTRACT_PRICE_PER_1000_PAGES_USD !== undefined ? { textractPricePer1000PagesUsd: parsed.TEXTRACT_PRICE_PER_1000_PAGES_USD } : {}),
  };
}

export function migrateBatchesSettings(env: Record<string, string | undefined>): TrackingSettings {
  const parsed = migrateBatchesEnvSchema.parse(defined(env));
  return {
    ...storageSettings(parsed),
    reportQueueUrl: parsed.REPORT_QUEUE_URL,
  };
}
