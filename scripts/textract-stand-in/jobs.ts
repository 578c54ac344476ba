import { createHash, randomBytes } from 'node:crypto';
import type { Block } from '@aws-sdk/client-textract';
import { textractBlocks } from './blocks.js';
import { type ReadPage, TEXTRACT_LIMITS, UnreadableDocument } from './read-pages.js';

/**
 * Textract's asynchronous text detection, as the stand-in keeps it: jobs started idempotently by their
 * client request token, read one after another, their results paged as Textract pages them, and their
 * end published to the job's SNS topic in the message Textract publishes. Errors carry Textract's
 * exception names, which the AWS SDK turns into its exception classes.
 */

export class TextractError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export interface StandInDependencies {
  /** The object's size, or undefined when there is none (as S3's HeadObject answers). */
  size(bucket: string, key: string): Promise<number | undefined>;
  bytes(bucket: string, key: string): Promise<Uint8Array>;
  /** Reads every page of a document, or throws `UnreadableDocument` with Textract's reason. */
  read(bytes: Uint8Array): Promise<ReadPage[]>;
  publish(topicArn: string, message: string): Promise<void>;
}

type JobStatus = 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';

interface Job {
  jobId: string;
  jobTag?: string;
  bucket: string;
  key: string;
  topicArn?: string;
  status: JobStatus;
  statusMessage?: string;
  blocks: Block[];
  pages: number;
  /** What the start request asked for, to tell a repeated start from a different one with the same token. */
  request: string;
}

/** Textract's largest page of results, and its default. */
const MAX_RESULTS = 1000;
const MODEL_VERSION = '1.0';

const startSchema = {
  jobTag: /^[a-zA-Z0-9_.\-:]{1,64}$/,
  clientRequestToken: /^[a-zA-Z0-9-_]{1,64}$/,
};

interface StartInput {
  DocumentLocation?: { S3Object?: { Bucket?: string; Name?: string; Version?: string } };
  ClientRequestToken?: string;
  JobTag?: string;
  NotificationChannel?: { SNSTopicArn?: string; RoleArn?: string };
}

interface GetInput {
  JobId?: string;
  MaxResults?: number;
  NextToken?: string;
}

const invalid = (message = 'Request has invalid parameters') => new TextractError('InvalidParameterException', message);

export class TextDetectionJobs {
  private readonly jobs = new Map<string, Job>();
  private readonly byToken = new Map<string, string>();
  /** Jobs run one after another, as a single reader. */
  private queue: Promise<void> = Promise.resolve();
  private throttling: { remaining: number; operation?: string } = { remaining: 0 };
  private dropNext = 0;
  /** Pages read, over all jobs: what Textract would bill. */
  pagesRead = 0;
  throttled = 0;

  constructor(private readonly dependencies: StandInDependencies) {}

  /**
   * The next `count` requests (to `operation` only, when named) are refused as throttled, as Textract
   * refuses past a quota; 0 ends it.
   */
  throttle(count: number, operation?: string): void {
    this.throttling = { remaining: count, operation };
  }

  /** The next `count` finished jobs publish nothing, as if their notification were lost. */
  dropNotifications(count: number): void {
    this.dropNext = count;
  }

  /** Every request goes through here first, with the operation it names. */
  admit(operation: string): void {
    const { remaining, operation: throttled } = this.throttling;
    if (remaining > 0 && (throttled === undefined || throttled === operation)) {
      this.throttling.remaining--;
      this.throttled++;
      throw new TextractError('ProvisionedThroughputExceededException', 'Provisioned rate exceeded');
    }
  }

  async start(input: StartInput): Promise<{ JobId: string }> {
    const location = input.DocumentLocation?.S3Object;
    if (!location?.Bucket || !location.Name) throw invalid();
    if (input.JobTag !== undefined && !startSchema.jobTag.test(input.JobTag)) throw invalid('JobTag does not match the pattern [a-zA-Z0-9_.\\-:]+ of at most 64 characters');
    if (input.ClientRequestToken !== undefined && !startSchema.clientRequestToken.test(input.ClientRequestToken)) {
      throw invalid('ClientRequestToken does not match the pattern ^[a-zA-Z0-9-_]+$ of at most 64 characters');
    }
    if (input.NotificationChannel && (!input.NotificationChannel.SNSTopicArn || !input.NotificationChannel.RoleArn)) throw invalid();
    const request = JSON.stringify([location.Bucket, location.Name, location.Version, input.JobTag, input.NotificationChannel?.SNSTopicArn]);
    if (input.ClientRequestToken) {
      const earlier = this.byToken.get(input.ClientRequestToken);
      if (earlier) {
        if (this.jobs.get(earlier)!.request !== request) {
          throw new TextractError('IdempotentParameterMismatchException', 'A ClientRequestToken input parameter was reused with an operation, but at least one of the other input parameters is different from the previous call to the operation.');
        }
        return { JobId: earlier };
      }
    }
    if ((await this.dependencies.size(location.Bucket, location.Name)) === undefined) {
      throw new TextractError('InvalidS3ObjectException', 'Unable to get object metadata from S3. Check object key, region and/or access permissions.');
    }
    const jobId = createHash('sha256').update(randomBytes(32)).digest('hex');
    const job: Job = { jobId, jobTag: input.JobTag, bucket: location.Bucket, key: location.Name, topicArn: input.NotificationChannel?.SNSTopicArn, status: 'IN_PROGRESS', blocks: [], pages: 0, request };
    this.jobs.set(jobId, job);
    if (input.ClientRequestToken) this.byToken.set(input.ClientRequestToken, jobId);
    this.queue = this.queue.then(() => this.run(job));
    return { JobId: jobId };
  }

  get(input: GetInput) {
    if (!input.JobId) throw invalid();
    const job = this.jobs.get(input.JobId);
    if (!job) throw new TextractError('InvalidJobIdException', 'An invalid job identifier was passed.');
    if (input.MaxResults !== undefined && (!Number.isInteger(input.MaxResults) || input.MaxResults < 1)) throw invalid('MaxResults must be at least 1');
    if (job.status === 'IN_PROGRESS') return { JobStatus: job.status };
    if (job.status === 'FAILED') return { JobStatus: job.status, StatusMessage: job.statusMessage };
    const start = input.NextToken ? this.offsetOf(job, input.NextToken) : 0;
    const end = start + Math.min(input.MaxResults ?? MAX_RESULTS, MAX_RESULTS);
    return {
      DocumentMetadata: { Pages: job.pages },
      JobStatus: job.status,
      Blocks: job.blocks.slice(start, end),
      ...(end < job.blocks.length ? { NextToken: Buffer.from(`${job.jobId}:${end}`).toString('base64url') } : {}),
      DetectDocumentTextModelVersion: MODEL_VERSION,
    };
  }

  /** Where the next page of results starts; a token of another job, or none of ours, is refused. */
  private offsetOf(job: Job, token: string): number {
    const [jobId, offset] = Buffer.from(token, 'base64url').toString('utf8').split(':');
    const start = Number(offset);
    if (jobId !== job.jobId || !Number.isInteger(start) || start <= 0 || start >= job.blocks.length) throw invalid('The NextToken is not valid for this job.');
    return start;
  }

  stats() {
    return {
      pagesRead: this.pagesRead,
      throttled: this.throttled,
      jobs: [...this.jobs.values()].map(({ jobId, jobTag, bucket, key, status, statusMessage, pages }) => ({ jobId, jobTag, bucket, key, status, statusMessage, pages })),
    };
  }

  /** Resolves once every job started so far has ended (and published). */
  idle(): Promise<void> {
    return this.queue;
  }

  private async run(job: Job): Promise<void> {
    try {
      const size = await this.dependencies.size(job.bucket, job.key);
      if (size === undefined) throw new UnreadableDocument('Unable to get object metadata from S3. Check object key, region and/or access permissions.');
      if (size > TEXTRACT_LIMITS.maxBytes) {
        throw new UnreadableDocument(`DocumentTooLargeException: the document has ${size} bytes; the maximum for asynchronous operations on PDFs is 500 MB.`);
      }
      const pages = await this.dependencies.read(await this.dependencies.bytes(job.bucket, job.key));
      job.blocks = textractBlocks(pages);
      job.pages = pages.length;
      job.status = 'SUCCEEDED';
      this.pagesRead += pages.length;
    } catch (error) {
      job.status = 'FAILED';
      job.statusMessage = error instanceof UnreadableDocument ? error.message : `InternalServerError: ${error instanceof Error ? error.message : String(error)}`;
    }
    await this.notify(job).catch((error: unknown) => process.stderr.write(`could not publish the end of job ${job.jobId}: ${String(error)}\n`));
  }

  private async notify(job: Job): Promise<void> {
    if (!job.topicArn) return;
    if (this.dropNext > 0) {
      this.dropNext--;
      return;
    }
    const message = {
      JobId: job.jobId,
      Status: job.status,
      API: 'StartDocumentTextDetection',
      ...(job.jobTag !== undefined ? { JobTag: job.jobTag } : {}),
      Timestamp: Date.now(),
      DocumentLocation: { S3ObjectName: job.key, S3Bucket: job.bucket },
    };
    await this.dependencies.publish(job.topicArn, JSON.stringify(message));
  }
}
