import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { TextractClient } from '@aws-sdk/client-textract';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ReaderPool } from '../../shared/isolation/reader-pool.js';
import { TextractOcrService, textractNoticeEvent } from '../../shared/ocr/textract.js';
import type { PipelineDependencies } from '../../shared/pipeline/dependencies.js';
import { BatchManifests, BatchTracker, reportRequestSender } from '../../shared/store/batch-tracking.js';
import { BatchesTable } from '../../shared/store/batches.js';
import { RecordsTable } from '../../shared/store/records.js';
import type { ReportStores } from '../../shared/store/reports.js';
import { tracer } from './powertools.js';
import {
  ingestSettings,
  migrateBatchesSettings,
  ocrCompleteSettings,
  type ReadingSettings,
  reportSettings,
  type StorageSettings,
  type TextractSettings,
  type TrackingSettings,
} from './settings.js';

/**
 * The adapters each function of the pipeline works with, built once per cold start from its parsed
 * environment: S3, the records and batches tables, the report queue, the reader processes documents are
 * read in, and the OCR engine the deployment chose — Textract in AWS, tesseract.js inside the ingest
 * function, or none.
 */

function stores(env: Record<string, string | undefined>, settings: StorageSettings) {
  // Emulators serve buckets by path, not by virtual-hosted DNS names.
  const s3 = tracer.captureAWSv3Client(new S3Client({ forcePathStyle: Boolean(env.AWS_ENDPOINT_URL) }));
  const dynamodb = DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), { marshallOptions: { removeUndefinedValues: true } });
  return {
    s3,
    records: new RecordsTable(dynamodb, settings.recordsTableName),
    batches: new BatchesTable(dynamodb, settings.batchesTableName, settings.batchMembersTableName),
  };
}

const sqsClient = () => tracer.captureAWSv3Client(new SQSClient({ useQueueUrlAsEndpoint: false }));

/** The stores, and the batch bookkeeping that asks for reports on the report queue. */
function trackingStores(env: Record<string, string | undefined>, settings: TrackingSettings, sqs = sqsClient()) {
  const { s3, records, batches } = stores(env, settings);
  return { s3, records, tracker: new BatchTracker(batches, reportRequestSender(sqs, settings.reportQueueUrl)) };
}

/** What a function that reads documents and stores their records needs, whatever reads its scans. */
function readingDependencies(env: Record<string, string | undefined>, settings: ReadingSettings, sqs = sqsClient()): PipelineDependencies {
  const { s3, records, tracker } = trackingStores(env, settings, sqs);
  return {
    s3,
    records,
    bucket: settings.bucket,
    config: settings.extraction,
    // Reader processes start on the first document and live as long as the function's instance.
    reader: new ReaderPool(settings.readers),
    batchTracking: { tracker, manifests: new BatchManifests(s3, settings.bucket) },
  };
}

function textractService(base: PipelineDependencies, settings: TextractSettings): TextractOcrService {
  // The endpoint is the SDK's own choice: Textract's, or AWS_ENDPOINT_URL_TEXTRACT where a local deployment set it.
  const textract = tracer.captureAWSv3Client(new TextractClient({}));
  return new TextractOcrService({ textract, s3: base.s3, bucket: base.bucket, notification: { topicArn: settings.topicArn, roleArn: settings.roleArn } });
}

export async function ingestDependencies(env: Record<string, string | undefined>): Promise<PipelineDependencies & { maxReceiveCount?: number }> {
  const settings = ingestSettings(env);
  const base = { ...readingDependencies(env, settings), maxReceiveCount: settings.maxReceiveCount };
  switch (settings.ocr.engine) {
    case 'textract':
      return { ...base, asyncOcr: textractService(base, settings.ocr), ocrPatienceMs: settings.ocr.patienceMs };
    case 'tesseract': {
      // tesseract.js, a canvas binding and the German model are loaded only where this engine is chosen.
      const { TesseractOcrEngine } = await import('../../shared/ocr/tesseract.js');
      return { ...base, ocr: new TesseractOcrEngine(undefined, settings.extraction.ocrDpi) };
    }
    case 'none':
      return { ...base, config: { ...settings.extraction, ocr: 'never' } };
  }
}

export function ocrCompleteDependencies(env: Record<string, string | undefined>): PipelineDependencies {
  const settings = ocrCompleteSettings(env);
  const sqs = sqsClient();
  const base = readingDependencies(env, settings, sqs);
  return {
    ...base,
    asyncOcr: textractService(base, settings.textract),
    ocrPatienceMs: settings.textract.patienceMs,
    ocrCompletionAttempts: settings.completionAttempts,
    // Parked as Lambda parks an asynchronous invocation's event: the event itself, Textract's notice as SNS delivers it.
    parkCompletion: async (completion) => {
      const notice = { JobId: completion.jobId, Status: completion.status, JobTag: completion.documentId.replace(/^sha256:/, '') };
      const body = JSON.stringify(textractNoticeEvent(notice, settings.textract.topicArn));
      await sqs.send(new SendMessageCommand({ QueueUrl: settings.deadLetterQueueUrl, MessageBody: body }));
    },
  };
}

export function reportDependencies(env: Record<string, string | undefined>): ReportStores {
  const settings = reportSettings(env);
  const { s3, records, batches } = stores(env, settings);
  return { s3, bucket: settings.bucket, records, batches, textractPricePer1000PagesUsd: settings.textractPricePer1000PagesUsd };
}

export function migrateBatchesDependencies(env: Record<string, string | undefined>): { tracker: BatchTracker; records: RecordsTable } {
  const { records, tracker } = trackingStores(env, migrateBatchesSettings(env));
  return { records, tracker };
}
