import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { BatchesTable } from './batches.js';
import type { StoredDocument } from './records.js';

/**
 * Asking for a batch's report: a message on the report queue, which the report function answers by
 * writing `reports/<batch>/` again. The pipeline asks when a batch is complete; review and `reprocess`
 * ask again when they change a record of a batch whose report has been written or asked for.
 */

export interface BatchReports {
  table: BatchesTable;
  requestReport: (batchId: string) => Promise<void>;
}

export function reportQueueRequester(sqs: SQSClient, queueUrl: string): (batchId: string) => Promise<void> {
  return async (batchId) => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ batchId }) }));
  };
}

/** The batch of "incoming/<batch>/…", the key `agreements upload` gives a file of a batch. */
export const batchInKey = (key: string) => /^incoming\/([^/]+)\/./.exec(key)?.[1];

/**
 * The batches a document may belong to: the one it first arrived in, and those the other keys it was
 * uploaded under name. A key's folder may be no batch at all; the batches table has the last word.
 */
export function batchesNamedBy(stored: Pick<StoredDocument, 'batchId' | 'keys'>): string[] {
  return [...new Set([stored.batchId, ...stored.keys.map(batchInKey)].filter((batchId): batchId is string => batchId !== undefined))];
}

/**
 * The batches whose report shows the document and is due already: of the batches it was named in (see
 * `batchesNamedBy`), those that hold it and whose report has been asked for (a batch still being
 * uploaded gets its report when it is complete).
 */
export async function batchesReporting(stored: Pick<StoredDocument, 'documentId' | 'batchId' | 'keys'>, table: BatchesTable): Promise<string[]> {
  const reporting: string[] = [];
  for (const batchId of batchesNamedBy(stored)) {
    const batch = await table.get(batchId);
    if (batch?.reportRequestedAt && batch.documentIds.includes(stored.documentId)) reporting.push(batchId);
  }
  return reporting;
}

/** Asks again for the report of every batch that shows the document (see `batchesReporting`); returns those batches. */
export async function requestReportsAfterChange(stored: Pick<StoredDocument, 'documentId' | 'batchId' | 'keys'>, { table, requestReport }: BatchReports): Promise<string[]> {
  const batches = await batchesReporting(stored, table);
  for (const batchId of batches) await requestReport(batchId);
  return batches;
}
