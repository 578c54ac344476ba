import { z } from 'zod';
import { extractionConfigFromEnv } from '../../shared/config.js';

/** What the pipeline's functions read from their environment, parsed once at cold start. */
const storageSchema = z.object({
  UPLOAD_BUCKET: z.string().min(1),
  RECORDS_TABLE: z.string().min(1),
  BATCHES_TABLE: z.string().min(1),
  /** Where the document that completes a batch asks for its report. */
  REPORT_QUEUE_URL: z.url(),
});

const ocrSchema = z.discriminatedUnion('OCR_ENGINE', [
  z.object({ OCR_ENGINE: z.literal('none') }),
  z.object({ OCR_ENGINE: z.literal('tesseract') }),
  z.object({
    OCR_ENGINE: z.literal('textract'),
    /** The SNS topic Textract reports finished jobs to, and the role it publishes with. */
    TEXTRACT_TOPIC_ARN: z.string().startsWith('arn:'),
    TEXTRACT_ROLE_ARN: z.string().startsWith('arn:'),
  }),
]);

export function functionSettings(env: Record<string, string | undefined>) {
  const defined = Object.fromEntries(Object.entries(env).filter(([, value]) => value));
  const storage = storageSchema.parse(defined);
  const ocr = ocrSchema.parse({ OCR_ENGINE: 'none', ...defined });
  return {
    bucket: storage.UPLOAD_BUCKET,
    tableName: storage.RECORDS_TABLE,
    batchesTableName: storage.BATCHES_TABLE,
    reportQueueUrl: storage.REPORT_QUEUE_URL,
    ocr: ocr.OCR_ENGINE === 'textract' ? { engine: ocr.OCR_ENGINE, topicArn: ocr.TEXTRACT_TOPIC_ARN, roleArn: ocr.TEXTRACT_ROLE_ARN } : { engine: ocr.OCR_ENGINE },
    extraction: extractionConfigFromEnv(env),
  };
}
