import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { deployLocalPipeline, type LocalConfiguration, type LocalEmulator } from '../../scripts/local-emulator.js';
import { BatchesTable } from '../../shared/store/batches.js';
import { RecordsTable } from '../../shared/store/records.js';

export { startLocalEmulator as startEmulator, type LocalEmulator as Emulator } from '../../scripts/local-emulator.js';

export interface DeployedPipeline extends LocalEmulator {
  bucket: string;
  recordsTable: string;
  batchesTable: string;
  batchMembersTable: string;
  ingestQueueUrl: string;
  reportQueueUrl: string;
  deadLetterQueueUrl: string;
  /** Every output of the stack, the function names among them. */
  outputs: Record<string, string>;
}

/**
 * The emulator (started unless running) with the stack deployed into it, and this process's AWS SDK
 * pointed at it. The test run's global teardown stops an emulator the run started.
 */
export async function deployPipeline(configuration?: LocalConfiguration): Promise<DeployedPipeline> {
  const { outputs, ...emulator } = await deployLocalPipeline(configuration);
  return {
    ...emulator,
    bucket: outputs.UploadBucketName!,
    recordsTable: outputs.RecordsTableName!,
    batchesTable: outputs.BatchesTableName!,
    batchMembersTable: outputs.BatchMembersTableName!,
    ingestQueueUrl: outputs.IngestQueueUrl!,
    reportQueueUrl: outputs.ReportQueueUrl!,
    deadLetterQueueUrl: outputs.DeadLetterQueueUrl!,
    outputs,
  };
}

/** The deployed bucket's client and the records and batches tables, as the tests read and write them. */
/** The environment the deployed functions find their bucket, tables and report queue in, for running their handlers in this process. */
export function functionStorageEnvironment(pipeline: DeployedPipeline): Record<string, string> {
  return {
    UPLOAD_BUCKET: pipeline.bucket,
    RECORDS_TABLE: pipeline.recordsTable,
    BATCHES_TABLE: pipeline.batchesTable,
    BATCH_MEMBERS_TABLE: pipeline.batchMembersTable,
    REPORT_QUEUE_URL: pipeline.reportQueueUrl,
  };
}

export function pipelineStores(pipeline: DeployedPipeline) {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
  return { s3: new S3Client({ forcePathStyle: true }), records: new RecordsTable(client, pipeline.recordsTable), batches: new BatchesTable(client, pipeline.batchesTable, pipeline.batchMembersTable) };
}

/** Polls until `probe` returns a value or the deadline passes; the error says what was awaited. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`waited ${timeoutMs} ms for ${what}`);
}

/** Runs the OCR-complete function's sweep now, as its EventBridge schedule would, and waits for it to end. */
export async function runOcrSweep(pipeline: DeployedPipeline): Promise<void> {
  const now = new Date();
  const event = { version: '0', id: `sweep-${now.getTime()}`, 'detail-type': 'Scheduled Event', source: 'aws.events', account: '000000000000', time: now.toISOString(), region: pipeline.region, resources: [], detail: {} };
  await new LambdaClient({}).send(new InvokeCommand({ FunctionName: pipeline.outputs.OcrCompleteFunctionName, Payload: Buffer.from(JSON.stringify(event)) }));
}
