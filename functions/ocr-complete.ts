import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, EventBridgeEvent, SNSEvent } from 'aws-lambda';
import { textractNoticeSchema } from '../shared/ocr/textract.js';
import type { IngestOutcome, OcrCompletion } from '../shared/pipeline/dependencies.js';
import { completeOcr, noteFailedCompletion, sweepAwaitingOcr } from '../shared/pipeline/ocr-completion.js';
import { ocrCompleteDependencies } from './commons/pipeline.js';
import { logger, metrics, tracer } from './commons/powertools.js';

/**
 * Textract's completion notices (through SNS) → the finished record of each document whose scanned
 * pages the job read. A failure is thrown so that Lambda tries the asynchronous invocation again, and
 * parks its event in the dead-letter queue after the last attempt; the work is idempotent. Each failure
 * is counted against the document, and the last attempt gives it a `pipeline.failed` record, so that
 * its batch completes. On a schedule (EventBridge), the sweep looks after documents whose notice never
 * came.
 */
const dependencies = ocrCompleteDependencies(process.env);

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

/** Counts the failed attempt; the last one records the document's failure (Lambda parks the event itself). */
async function recordIfLastAttempt(completion: OcrCompletion, error: unknown): Promise<void> {
  try {
    const record = await noteFailedCompletion(completion, error, dependencies);
    if (!record) return;
    logger.error('completion failed at its last attempt', { documentId: completion.documentId, jobId: completion.jobId, error: String(error) });
    metrics.addMetric('documents_pipeline_failed', MetricUnit.Count, 1);
  } catch (recording) {
    logger.error('completion failed; the failure could not be counted', { documentId: completion.documentId, jobId: completion.jobId, error: String(error), recording: String(recording) });
  }
}

export const handler = async (event: SNSEvent | EventBridgeEvent<'Scheduled Event', unknown>, context: Context) => {
  logger.addContext(context);
  tracer.annotateColdStart();
  try {
    if (!('Records' in event)) {
      for (const swept of await sweepAwaitingOcr(dependencies)) {
        if (swept.kind === 'failed') {
          logger.error('sweep failed on a document', { documentId: swept.documentId, jobId: swept.jobId, error: swept.error, recorded: swept.recorded !== undefined });
          if (swept.recorded) metrics.addMetric('documents_pipeline_failed', MetricUnit.Count, 1);
          continue;
        }
        logger.info('swept', { documentId: swept.documentId, jobId: swept.jobId, kind: swept.kind });
        if (swept.kind === 'completed') report(swept.outcome, swept.jobId);
      }
      return;
    }
    for (const notification of event.Records) {
      const notice = textractNoticeSchema.parse(JSON.parse(notification.Sns.Message));
      const completion = { jobId: notice.JobId, status: notice.Status, documentId: `sha256:${notice.JobTag}` };
      try {
        report(await completeOcr(completion, dependencies), completion.jobId);
      } catch (error) {
        await recordIfLastAttempt(completion, error);
        throw error;
      }
    }
  } finally {
    metrics.publishStoredMetrics();
  }
};
