import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, S3Event, SQSEvent, SQSRecord } from 'aws-lambda';
import { ingestObject } from '../shared/store/ingest.js';
import { ingestDependencies } from './commons/pipeline.js';
import { logger, metrics, tracer } from './commons/powertools.js';

/** SQS batch of S3 notifications → one record per uploaded PDF; failed messages alone are retried. */
const dependencies = await ingestDependencies(process.env);
const processor = new BatchProcessor(EventType.SQS);

/** S3 puts keys in notifications URL-encoded, with "+" for spaces. */
const decodeKey = (key: string) => decodeURIComponent(key.replace(/\+/g, ' '));

async function handleMessage(message: SQSRecord): Promise<void> {
  // S3's test event on subscription has no Records; it is acknowledged and dropped.
  const event = JSON.parse(message.body) as Partial<S3Event>;
  for (const notification of event.Records ?? []) {
    const key = decodeKey(notification.s3.object.key);
    const outcome = await ingestObject(key, dependencies);
    switch (outcome.kind) {
      case 'skipped':
        logger.info('skipped', { key, reason: outcome.reason });
        break;
      case 'awaiting-ocr':
        logger.info('sent to OCR', { key, documentId: outcome.documentId, pages: outcome.pages });
        metrics.addMetric('pages_sent_to_ocr', MetricUnit.Count, outcome.pages.length);
        break;
      case 'stored':
        logger.info('stored', { key, documentId: outcome.record.documentId, status: outcome.record.status, reused: outcome.reused });
        if (!outcome.reused) metrics.addMetric(`documents_${outcome.record.status}`, MetricUnit.Count, 1);
        if (!outcome.reused && outcome.record.textSource !== 'pdf-text') metrics.addMetric('documents_ocr', MetricUnit.Count, 1);
        break;
    }
  }
}

export const handler = async (event: SQSEvent, context: Context) => {
  logger.addContext(context);
  tracer.annotateColdStart();
  try {
    return await processPartialResponse(event, handleMessage, processor, { context });
  } finally {
    metrics.publishStoredMetrics();
  }
};
