import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { TextractClient } from '@aws-sdk/client-textract';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TextractOcrService } from '../../shared/ocr/textract.js';
import { BatchesTable } from '../../shared/store/batches.js';
import type { IngestDependencies } from '../../shared/store/ingest.js';
import { RecordsTable } from '../../shared/store/records.js';
import { reportQueueRequester } from '../../shared/store/report-requests.js';
import { tracer } from './powertools.js';
import { functionSettings } from './settings.js';

/**
 * The adapters every function of the pipeline works with, built once per cold start from the parsed
 * environment: S3, the records and batches tables, the report queue, and the OCR engine the deployment
 * chose — Textract in AWS, tesseract.js where no Textract exists (the local emulator), or none.
 */
export async function pipelineDependencies(env: Record<string, string | undefined>): Promise<IngestDependencies & { batchesTable: BatchesTable }> {
  const settings = functionSettings(env);
  // Emulators serve buckets by path, not by virtual-hosted DNS names.
  const s3 = tracer.captureAWSv3Client(new S3Client({ forcePathStyle: Boolean(env.AWS_ENDPOINT_URL) }));
  const dynamodb = DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), { marshallOptions: { removeUndefinedValues: true } });
  const sqs = tracer.captureAWSv3Client(new SQSClient({ useQueueUrlAsEndpoint: false }));
  const batchesTable = new BatchesTable(dynamodb, settings.batchesTableName);
  const base = {
    s3,
    table: new RecordsTable(dynamodb, settings.tableName),
    bucket: settings.bucket,
    config: settings.extraction,
    batchesTable,
    batches: { table: batchesTable, requestReport: reportQueueRequester(sqs, settings.reportQueueUrl) },
  };
  switch (settings.ocr.engine) {
    case 'textract': {
      const textract = tracer.captureAWSv3Client(new TextractClient({}));
      return { ...base, asyncOcr: new TextractOcrService({ textract, s3, bucket: settings.bucket, notification: settings.ocr }) };
    }
    case 'tesseract': {
      // tesseract.js, a canvas binding and the German model are loaded only where this engine is chosen.
      const { TesseractOcrEngine } = await import('../../shared/ocr/tesseract.js');
      return { ...base, ocr: new TesseractOcrEngine(undefined, settings.extraction.ocrDpi) };
    }
    case 'none':
      return { ...base, config: { ...settings.extraction, ocr: 'never' } };
  }
}
