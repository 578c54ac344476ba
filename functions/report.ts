import type { Context, EventBridgeEvent, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { publishReport, type ReportScope } from '../shared/store/reports.js';
import { reportDependencies } from './commons/pipeline.js';
import { logger, metrics, tracer } from './commons/powertools.js';

/**
 * Writes extraction reports to the bucket: a batch's report when its last document has been stored
 * (a request on the report queue), and the report over everything stored on a schedule (EventBridge).
 */
const stores = reportDependencies(process.env);
const reportRequestSchema = z.object({ batchId: z.string().min(1) });

async function report(scope: ReportScope) {
  const now = new Date();
  const keys = await publishReport(scope, stores, now);
  if (scope.kind === 'batch') await stores.batches.markReported(scope.batchId, keys, now);
  logger.info('report written', { scope, keys });
}

export const handler = async (event: SQSEvent | EventBridgeEvent<'Scheduled Event', unknown>, context: Context) => {
  logger.addContext(context);
  tracer.annotateColdStart();
  try {
    if ('Records' in event) {
      // One request per message; a failure fails the invocation and SQS retries it.
      for (const message of event.Records) await report({ kind: 'batch', batchId: reportRequestSchema.parse(JSON.parse(message.body)).batchId });
    } else {
      await report({ kind: 'all' });
    }
  } finally {
    metrics.publishStoredMetrics();
  }
};
