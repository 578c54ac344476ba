import type { Context, EventBridgeEvent, SQSEvent } from 'aws-lambda';
import { reportRequestSchema } from '../shared/store/batch-tracking.js';
import { publishBatchReport, publishReport } from '../shared/store/reports.js';
import { reportDependencies } from './commons/pipeline.js';
import { logger, metrics, tracer } from './commons/powertools.js';

/**
 * Writes extraction reports to the bucket: a batch's report when its last document has been stored, and
 * again after a record of it changed (requests on the report queue), and the report over everything
 * stored on a schedule (EventBridge).
 */
const stores = reportDependencies(process.env);

export const handler = async (event: SQSEvent | EventBridgeEvent<'Scheduled Event', unknown>, context: Context) => {
  logger.addContext(context);
  tracer.annotateColdStart();
  try {
    if ('Records' in event) {
      // One request per message; a failure fails the invocation and SQS retries it.
      for (const message of event.Records) {
        const request = reportRequestSchema.parse(JSON.parse(message.body));
        const outcome = await publishBatchReport(request, stores, new Date());
        logger.info(outcome.kind === 'written' ? 'report written' : 'report already covers the request', { request, ...outcome });
      }
    } else {
      const keys = await publishReport({ kind: 'all' }, stores, new Date());
      logger.info('report written', { scope: { kind: 'all' }, keys });
    }
  } finally {
    metrics.publishStoredMetrics();
  }
};
