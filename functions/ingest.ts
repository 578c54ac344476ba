import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { S3Event, SQSEvent, SQSRecord, Context } from 'aws-lambda';
import { ingestObject } from '../shared/store/ingest.js';
import { RecordsTable } from '../shared/store/records.js';
import { logger, metrics } from './commons/powertools.js';
import { functionSettings } from './commons/settings.js';

/** SQS batch of S3 notifications → one record per uploaded PDF; failed messages alone are retried. */
const settings = functionSettings(process.env);
const s3 = new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL) });
const table = new RecordsTable(DynamoDBDocumentClient.from(new DynamoDBClient({})), settings.tableName);
// The OCR engine (tesseract.js, a canvas binding, the German model) is loaded only where OCR is on.
const ocr =
  settings.extraction.ocr === 'never'
    ? undefined
    : new (await import('../shared/ocr/tesseract.js')).TesseractOcrEngine(undefined, settings.extraction.ocrDpi);
const processor = new BatchProcessor(EventType.SQS);

/** S3 puts keys in notifications URL-encoded, with "+" for spaces. */
const decodeKey = (key: string) => decodeURIComponent(key.replace(/\+/g, ' '));

async function handleMessage(message: SQSRecord): Promise<void> {
  const event = JSON.parse(message.body) as Partial<S3Event> & { Event?: string };
  for (const notification of event.Records ?? []) {
    const key = decodeKey(notification.s3.object.key);
    const outcome = await ingestObject(key, { s3, table, bucket: settings.bucket, config: settings.extraction, ocr });
    if (outcome.kind === 'skipped') {
      logger.info('skipped', { key, reason: outcome.reason });
      continue;
    }
    logger.info('stored', { key, documentId: outcome.record.documentId, status: outcome.record.status, reused: outcome.reused });
    if (!outcome.reused) metrics.addMetric(`documents_${outcome.record.status}`, MetricUnit.Count, 1);
  }
}

export const handler = async (event: SQSEvent, context: Context) => {
  logger.addContext(context);
  try {
    return await processPartialResponse(event, handleMessage, processor, { context });
  } finally {
    metrics.publishStoredMetrics();
  }
};
