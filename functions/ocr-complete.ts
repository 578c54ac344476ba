import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, EventBridgeEvent, SNSEvent } from 'aws-lambda';
import { z } from 'zod';
import { completeOcr, type IngestOutcome, sweepAwaitingOcr } from '../shared/store/ingest.js';
import { ocrCompleteDependencies } from './commons/pipeline.js';
import { logger, metrics, tracer } from './commons/powertools.js';

/**
 * Textract's completion notices (through SNS) → the finished record of each document whose scanned
 * pages the job read. A failure is thrown so that SNS retries the delivery; the work is idempotent.
 * On a schedule (EventBridge), the sweep looks after documents whose notice never came.
 */
const dependencies = ocrCompleteDependencies(process.env);

/** The message Textract publishes when an asynchronous job ends; JobTag carries the document's sha256. */
const textractCompletionSchema = z.object({
  JobId: z.string().min(1),
  Status: z.string().min(1),
  API: z.string(),
  JobTag: z.string().regex(/^[0-9a-f]{64}$/),
});

function report(outcome: IngestOutcome, jobId: string) {
  if (outcome.kind !== 'stored') {
    logger.warn('completion ignored', { jobId, reason: outcome.kind === 'skipped' ? outcome.reason : outcome.kind });
    return;
  }
  logger.info('stored', { key: outcome.key, documentId: outcome.record.documentId, status: outcome.record.status, reused: outcome.reused, jobId });
  if (!outcome.reused) {
    metrics.addMetric(`documents_${outcome.record.status}`, MetricUnit.Count, 1);
    metrics.addMetric('documents_ocr', MetricUnit.Count, 1);
  }
}

export const handler = async (event: SNSEvent | EventBridgeEvent<'Scheduled Event', unknown>, context: Context) => {
  logger.addContext(context);
  tracer.annotateColdStart();
  try {
    if (!('Records' in event)) {
      for (const swept of await sweepAwaitingOcr(dependencies)) {
        logger.info('swept', { documentId: swept.documentId, jobId: swept.jobId, kind: swept.kind });
        if (swept.kind === 'completed') report(swept.outcome, swept.jobId);
      }
      return;
    }
    for (const notification of event.Records) {
      const completion = textractCompletionSchema.parse(JSON.parse(notification.Sns.Message));
      report(await completeOcr({ jobId: completion.JobId, status: completion.Status, documentId: `sha256:${completion.JobTag}` }, dependencies), completion.JobId);
    }
  } finally {
    metrics.publishStoredMetrics();
  }
};
