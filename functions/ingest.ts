import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, S3Event, SQSEvent, SQSRecord } from 'aws-lambda';
import type { IngestOutcome } from '../shared/pipeline/dependencies.js';
import { ingestObject } from '../shared/pipeline/ingest-object.js';
import { describeError, recordPipelineFailure } from '../shared/pipeline/pipeline-failure.js';
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
    let outcome: IngestOutcome;
    try {
      outcome = await ingestObject(key, dependencies);
    } catch (error) {
      await recordIfLastDelivery(message, key, error);
      throw error;
    }
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

/**
 * On a message's last delivery, before SQS parks it in the dead-letter queue, the document gets its
 * record (`pipeline.failed`, with this error), so that its batch completes; the message itself stays
 * parked for a redrive.
 */
async function recordIfLastDelivery(message: SQSRecord, key: string, error: unknown): Promise<void> {
  const deliveries = Number(message.attributes.ApproximateReceiveCount);
  if (!dependencies.maxReceiveCount || !(deliveries >= dependencies.maxReceiveCount)) return;
  const lastError = describeError(error);
  try {
    const record = await recordPipelineFailure(key, lastError, deliveries, dependencies);
    logger.error('parked after its last delivery', { key, documentId: record?.documentId, deliveries, lastError });
    if (record) metrics.addMetric('documents_pipeline_failed', MetricUnit.Count, 1);
  } catch (recording) {
    logger.error('parked after its last delivery; its failure could not be recorded', { key, deliveries, lastError, recording: String(recording) });
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
