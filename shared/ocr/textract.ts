import {
  type Block,
  GetDocumentTextDetectionCommand,
  InvalidJobIdException,
  type GetDocumentTextDetectionCommandOutput,
  StartDocumentTextDetectionCommand,
  type TextractClient,
} from '@aws-sdk/client-textract';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SNSEvent } from 'aws-lambda';
import { z } from 'zod';
import { CELL_SEPARATOR, type PlacedWord } from '../pdf/text-layer.js';
import { ocrInputKey } from '../keys.js';
import { pdfWithPages } from '../pdf/select-pages.js';
import { type AsyncOcrService, OcrJobFailedError, type OcrPage, textConfidence } from './engine.js';

/**
 * Amazon Textract's asynchronous text detection, for the AWS pipeline: a job is started on the PDF in S3
 * (Textract reads multi-page PDFs only asynchronously) and reports to an SNS topic; its results are then
 * paged through and turned into the same per-page lines the tesseract.js engine gives.
 */

export class TextractJobFailed extends OcrJobFailedError {}

export interface TextDetectionJob {
  bucket: string;
  key: string;
  /** SNS topic Textract reports completion to, and the role it publishes with. */
  notification?: { topicArn: string; roleArn: string };
  /** Returned with the completion message, to find the document again. */
  jobTag?: string;
  /** Makes a repeated start return the first job instead of starting (and paying for) another. */
  clientRequestToken?: string;
}

/** The message Textract publishes to the job's SNS topic when an asynchronous job ends; our JobTag is the document's sha256. */
export const textractNoticeSchema = z.object({
  JobId: z.string().min(1),
  Status: z.string().min(1),
  API: z.string(),
  JobTag: z.string().regex(/^[0-9a-f]{64}$/),
});
export type TextractNotice = z.infer<typeof textractNoticeSchema>;

/** Textract's notice of a job's end as SNS delivers it to a function (the event Lambda parks when every attempt failed). */
export function textractNoticeEvent(notice: Omit<TextractNotice, 'API'>, topicArn: string, now = new Date()): SNSEvent {
  const message = { ...notice, API: 'StartDocumentTextDetection', Timestamp: now.getTime() };
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topicArn}:parked`,
        Sns: {
          Type: 'Notification',
          MessageId: `${notice.JobId}-${now.getTime()}`,
          TopicArn: topicArn,
          Subject: '',
          Message: JSON.stringify(message),
          Timestamp: now.toISOString(),
          SignatureVersion: '1',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: {},
        },
      },
    ],
  };
}

export async function startTextDetection(client: TextractClient, job: TextDetectionJob): Promise<string> {
  const { JobId } = await client.send(
    new StartDocumentTextDetectionCommand({
      DocumentLocation: { S3Object: { Bucket: job.bucket, Name: job.key } },
      ...(job.notification ? { NotificationChannel: { SNSTopicArn: job.notification.topicArn, RoleArn: job.notification.roleArn } } : {}),
      ...(job.jobTag ? { JobTag: job.jobTag } : {}),
      ...(job.clientRequestToken ? { ClientRequestToken: job.clientRequestToken } : {}),
    }),
  );
  if (!JobId) throw new TextractJobFailed('Textract started no job');
  return JobId;
}

/** All result pages of a finished job, following NextToken; a failed job throws `TextractJobFailed` with Textract's reason. */
export async function textDetectionBlocks(client: TextractClient, jobId: string): Promise<Block[]> {
  const blocks: Block[] = [];
  let nextToken: string | undefined;
  do {
    const page: GetDocumentTextDetectionCommandOutput = await client.send(
      new GetDocumentTextDetectionCommand({ JobId: jobId, MaxResults: 1000, NextToken: nextToken }),
    );
    // The job's answer about the document, which its record keeps: without the job's id, so that it reads alike from any job.
    if (page.JobStatus === 'FAILED') throw new TextractJobFailed(`the Textract job failed: ${page.StatusMessage ?? 'no reason given'}`);
    // Not a failure of the job: asked too early, it is asked again.
    if (page.JobStatus === 'IN_PROGRESS') throw new Error(`Textract job ${jobId} has not finished`);
    blocks.push(...(page.Blocks ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return blocks;
}

interface PlacedLine {
  text: string;
  top: number;
  left: number;
  height: number;
  /** The line's words, as shares of the page, with how surely each was read (0–1). */
  words: PlacedWord[];
}

/** A block's bounding box as a placed word's box, in shares of the page; NaN where Textract gave none. */
function boxOf(block: Block): Pick<PlacedWord, 'left' | 'top' | 'right' | 'bottom'> {
  const box = block.Geometry?.BoundingBox;
  const left = box?.Left ?? Number.NaN;
  const top = box?.Top ?? Number.NaN;
  return { left, top, right: left + (box?.Width ?? Number.NaN), bottom: top + (box?.Height ?? Number.NaN) };
}

/** Textract's confidences are percentages; the extraction's are shares. */
const share = (confidence: number | undefined) => (confidence ?? 0) / 100;

/**
 * Textract's LINE blocks per page, in reading order, with their WORD blocks' boxes (Textract gives them
 * in shares of the page, so the page's size is 1 × 1 here) and confidences. Textract returns the two
 * halves of side-by-side signature blocks as separate lines at the same height; those are joined into
 * one line with the cell separator between them, as the text layer and tesseract give them.
 */
export function pagesFromBlocks(blocks: readonly Block[]): Map<number, OcrPage> {
  const byId = new Map(blocks.flatMap((block) => (block.Id ? [[block.Id, block] as const] : [])));
  const byPage = new Map<number, PlacedLine[]>();
  for (const block of blocks) {
    if (block.BlockType !== 'LINE' || !block.Text) continue;
    const lineBox = boxOf(block);
    const children = (block.Relationships ?? []).filter((relation) => relation.Type === 'CHILD').flatMap((relation) => relation.Ids ?? []);
    const words = children.flatMap((id): PlacedWord[] => {
      const word = byId.get(id);
      return word?.BlockType === 'WORD' && word.Text ? [{ text: word.Text, ...boxOf(word), confidence: share(word.Confidence) }] : [];
    });
    const line: PlacedLine = {
      text: words.length ? words.map((word) => word.text).join(' ') : block.Text,
      top: Number.isFinite(lineBox.top) ? lineBox.top : 0,
      left: Number.isFinite(lineBox.left) ? lineBox.left : 0,
      height: Number.isFinite(lineBox.bottom - lineBox.top) ? lineBox.bottom - lineBox.top : 0,
      // Without its words, a line still says where it lies: its words share the line's box.
      words: words.length ? words : block.Text.split(/\s+/).map((text) => ({ text, ...lineBox, confidence: share(block.Confidence) })),
    };
    const page = block.Page ?? 1;
    byPage.set(page, [...(byPage.get(page) ?? []), line]);
  }
  const pages = new Map<number, OcrPage>();
  for (const [page, lines] of [...byPage.entries()].sort((a, b) => a[0] - b[0])) {
    const rows: PlacedLine[][] = [];
    for (const line of [...lines].sort((a, b) => a.top - b.top || a.left - b.left)) {
      const row = rows.at(-1);
      const rowLine = row?.[0];
      // Same row when the vertical centres lie within half a line height of each other.
      if (row && rowLine && Math.abs(rowLine.top + rowLine.height / 2 - (line.top + line.height / 2)) < Math.max(rowLine.height, line.height) / 2) {
        row.push(line);
      } else {
        rows.push([line]);
      }
    }
    const ordered = rows.map((row) => row.sort((a, b) => a.left - b.left));
    pages.set(page, {
      reader: 'textract',
      lines: ordered.map((row) => row.map((line) => line.text).join(CELL_SEPARATOR)),
      geometry: ordered.map((row) => ({ words: row.flatMap((line) => line.words), endX: Number.NaN })),
      size: { width: 1, height: 1 },
      confidence: textConfidence(lines.map((line) => line.words)),
    });
  }
  return pages;
}

export interface TextractOcrServiceOptions {
  textract: TextractClient;
  s3: S3Client;
  /** Where the pages to read are put for Textract: `ocr-input/<sha256>.pdf` in this bucket. */
  bucket: string;
  /** Where Textract reports a finished job; without it, the caller asks (`status`) until the job has ended. */
  notification?: { topicArn: string; roleArn: string };
}

/**
 * Textract behind the pipeline's asynchronous OCR interface. Only the scanned pages go to Textract (it
 * charges per page): a document scanned throughout is sent as it is, the scanned pages of a mixed one
 * as a PDF of their own. The job is tagged with the document's sha256, which also makes it idempotent.
 */
export class TextractOcrService implements AsyncOcrService {
  constructor(private readonly options: TextractOcrServiceOptions) {}

  async start({ documentId, bytes, pages, attempt }: { documentId: string; bytes: Uint8Array; pages: number[]; attempt: number }): Promise<string> {
    const hex = documentId.replace(/^sha256:/, '');
    const key = ocrInputKey(documentId);
    const pageCount = Math.max(...pages);
    const everyPage = pages.length === pageCount && pages.every((page, index) => page === index + 1);
    const body = everyPage ? bytes : await pdfWithPages(bytes, pages);
    await this.options.s3.send(new PutObjectCommand({ Bucket: this.options.bucket, Key: key, Body: body, ContentType: 'application/pdf' }));
    return startTextDetection(this.options.textract, {
      bucket: this.options.bucket,
      key,
      notification: this.options.notification,
      jobTag: hex,
      // At most 64 characters: enough of the hash to be unique, and the attempt.
      clientRequestToken: `${hex.slice(0, 48)}-${attempt}`,
    });
  }

  async collect(jobId: string): Promise<Map<number, OcrPage>> {
    return pagesFromBlocks(await textDetectionBlocks(this.options.textract, jobId));
  }

  async status(jobId: string): ReturnType<AsyncOcrService['status']> {
    try {
      const result = await this.options.textract.send(new GetDocumentTextDetectionCommand({ JobId: jobId, MaxResults: 1 }));
      const status = result?.JobStatus ?? 'unknown';
      return { status, ...(result?.StatusMessage ? { message: result.StatusMessage } : {}) };
    } catch (error) {
      if (error instanceof InvalidJobIdException) return { status: 'unknown' };
      throw error;
    }
  }
}
