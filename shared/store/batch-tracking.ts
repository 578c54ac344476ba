import { createHash } from 'node:crypto';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { batchManifestSchema } from '../schema/manifest.js';
import { type BatchesTable, type BatchMember, isComplete, type Membership } from './batches.js';
import { batchInKey, manifestKey } from '../keys.js';

/**
 * Batch bookkeeping as the pipeline and the CLI use it: what a stored document or a changed record does
 * to its batch, the report requests that follow, and the manifest a batch is counted against.
 */

/** A message on the report queue: write the batch's report; `request` numbers it among the batch's requests. */
export const reportRequestSchema = z.object({ batchId: z.string().min(1), request: z.number().int().positive().optional() });
export type ReportRequest = z.infer<typeof reportRequestSchema>;

/**
 * Sends report requests to the report queue, a FIFO queue: one batch's reports are written one after the
 * other, never two at once (a slower, older one could otherwise overwrite a newer one), and a request
 * sent twice (a retried send) is delivered once.
 */
export function reportRequestSender(sqs: SQSClient, queueUrl: string): (request: ReportRequest) => Promise<void> {
  return async (request) => {
    // Group and deduplication ids allow only some characters; a batch name from object metadata may hold others.
    const group = createHash('sha256').update(request.batchId).digest('hex');
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(request), MessageGroupId: group, MessageDeduplicationId: `${group}-${request.request ?? 0}` }),
    );
  };
}

/** What counting a stored document did to its batch, and the report request it made, if any. */
export interface TrackOutcome {
  membership: Membership;
  /** The number of the report request made, when this call made one. */
  reportRequest?: number;
}

/**
 * Batch bookkeeping as the pipeline and the CLI use it: a stored document is counted against its batch,
 * the document that completes the batch requests its report, and every later change to a record of a
 * complete batch requests it again, once per change.
 */
export class BatchTracker {
  constructor(
    readonly batches: BatchesTable,
    private readonly sendReportRequest: (request: ReportRequest) => Promise<void>,
  ) {}

  /**
   * Counts the key a document was stored under against its batch. The key that completes the batch
   * requests its report; a key new to a batch whose report was requested before, or a key whose bytes
   * changed, requests it again. A redelivery requests nothing.
   */
  async documentStored(member: Omit<BatchMember, 'addedAt'>, expected: number | undefined, now: Date): Promise<TrackOutcome> {
    const membership = await this.batches.addMember(member, expected, now);
    // A key added after the report was claimed, or other bytes under a key: the report changes.
    if ((membership.kind === 'added' && membership.afterReport) || membership.kind === 'replaced') {
      const reportRequest = await this.recordChanged(member.batchId);
      if (reportRequest !== undefined) return { membership, reportRequest };
    }
    // Otherwise the key may have completed the batch (or a first delivery that did so failed before asking).
    const reportRequest = await this.requestReportIfComplete(member.batchId, now);
    return reportRequest === undefined ? { membership } : { membership, reportRequest };
  }

  /** Requests the report of a batch that is complete but whose report nobody has claimed yet (as after a migration). */
  async requestReportIfComplete(batchId: string, now: Date): Promise<number | undefined> {
    const batch = await this.batches.get(batchId);
    return batch && isComplete(batch) && !batch.reportRequestedAt ? this.requestCompletionReport(batchId, now) : undefined;
  }

  /**
   * A record of the batch changed after it was counted (a redrive, a review, a reprocess): requests the
   * batch's report once more, and returns the request's number. A batch that is not complete yet, or
   * whose completion has not claimed its report yet, gets its report when it does; then nothing is sent.
   */
  async recordChanged(batchId: string): Promise<number | undefined> {
    const batch = await this.batches.get(batchId);
    if (!batch?.reportRequestedAt) return undefined;
    const request = await this.batches.addReportRequest(batchId);
    await this.sendReportRequest({ batchId, request });
    return request;
  }

  /**
   * The batches the document was uploaded in whose report has been asked for: those whose report a change
   * to its record changes (a batch still being uploaded gets its report when it is complete).
   */
  async batchesReporting(documentId: string): Promise<string[]> {
    const reporting: string[] = [];
    for (const batchId of await this.batches.batchesOf(documentId)) if ((await this.batches.get(batchId))?.reportRequestedAt) reporting.push(batchId);
    return reporting;
  }

  /** The document's record changed: requests the report of every batch it was uploaded in; returns those batches. */
  async documentChanged(documentId: string): Promise<string[]> {
    const requested: string[] = [];
    for (const batchId of await this.batches.batchesOf(documentId)) if ((await this.recordChanged(batchId)) !== undefined) requested.push(batchId);
    return requested;
  }

  private async requestCompletionReport(batchId: string, now: Date): Promise<number | undefined> {
    const request = await this.batches.claimCompletionReport(batchId, now);
    if (request === undefined) return undefined;
    try {
      await this.sendReportRequest({ batchId, request });
    } catch (error) {
      await this.batches.releaseCompletionReport(batchId, request);
      throw error;
    }
    return request;
  }
}

/**
 * The number of documents a batch's manifest expects, read again only when the manifest has changed
 * (a later run of the same batch adds files): each document of a large batch costs a conditional GET,
 * not the whole manifest.
 */
export class BatchManifests {
  private readonly known = new Map<string, { etag: string; expected: number | undefined }>();

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  /** Undefined when the batch has no manifest (uploaded by some other means) or an unreadable one: its size stays unknown. */
  async expected(batchId: string): Promise<number | undefined> {
    const cached = this.known.get(batchId);
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: manifestKey(batchId), IfNoneMatch: cached?.etag }));
      const text = await object.Body!.transformToString();
      let expected: number | undefined;
      try {
        expected = batchManifestSchema.parse(JSON.parse(text)).expected;
      } catch {
        expected = undefined;
      }
      if (object.ETag) this.known.set(batchId, { etag: object.ETag, expected });
      return expected;
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 304 && cached) return cached.expected;
      if (error instanceof Error && error.name === 'NoSuchKey') return undefined;
      throw error;
    }
  }
}

/** The batch an upload's key belongs to (`incoming/<batch>/…`) and the digest its batch's manifest names for the key. */
export async function manifestEntry(key: string, { s3, bucket }: { s3: S3Client; bucket: string }): Promise<{ batch: string; sha256: string } | undefined> {
  const batch = batchInKey(key);
  if (!batch) return undefined;
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: manifestKey(batch) }));
    const manifest = batchManifestSchema.parse(JSON.parse(await object.Body!.transformToString()));
    const file = manifest.files.find((candidate) => candidate.key === key);
    return file && { batch, sha256: file.sha256 };
  } catch (error) {
    if (error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'ZodError' || error instanceof SyntaxError)) return undefined;
    throw error;
  }
}
