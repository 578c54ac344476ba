import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { z } from 'zod';
import type { DeploymentOptions } from './deployment-options.js';
import type { DeploymentStores } from './deployment-stores.js';
import { describeCalls } from './errors.js';
import { UsageError } from './files.js';

const stackOutputsSchema = z
  .object({
    UploadBucketName: z.string(),
    RecordsTableName: z.string(),
    BatchesTableName: z.string(),
    BatchMembersTableName: z.string(),
    OcrEngine: z.enum(['textract', 'tesseract', 'none']),
    IngestQueueUrl: z.string(),
    ReportQueueUrl: z.string(),
    DeadLetterQueueUrl: z.string(),
    ReportDeadLetterQueueUrl: z.string(),
    OcrCompleteDeadLetterQueueUrl: z.string(),
    OcrCompleteFunctionName: z.string(),
  })
  .partial();
type StackOutputs = z.infer<typeof stackOutputsSchema>;

/** The outputs file's contents: the outputs themselves, or `{ <stack name>: outputs }` as cdk writes them. */
function readStackOutputs(path: string): StackOutputs {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`${path} cannot be read as JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const flat = stackOutputsSchema.safeParse(parsed);
  if (flat.success && Object.keys(flat.data).length > 0) return flat.data;
  const nested = Object.values(typeof parsed === 'object' && parsed !== null ? parsed : {}).map((value) => stackOutputsSchema.safeParse(value));
  return nested.find((candidate) => candidate.success && Object.keys(candidate.data).length > 0)?.data ?? {};
}

export function resolveDeployment(options: DeploymentOptions, { cwd = process.cwd(), env = process.env }: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const outputsFile = options.outputs ?? 'cdk.outputs.json';
  const path = resolve(cwd, outputsFile);
  const outputs = existsSync(path) ? readStackOutputs(path) : {};
  const need = (value: string | undefined, option: string, output: string) => {
    if (value) return value;
    const where = existsSync(path) ? `${outputsFile} has no ${output}` : `there is no ${outputsFile} (deploy first, or pass --outputs)`;
    throw new UsageError(`${option} is needed: it is not given and ${where}`);
  };
  const endpoint = options.endpoint ?? env.AWS_ENDPOINT_URL;
  if (endpoint && !z.url().safeParse(endpoint).success) throw new UsageError(`--endpoint must be a URL, not "${endpoint}"`);
  // Emulators serve buckets by path, not by virtual-hosted DNS names.
  const s3Config: S3ClientConfig = endpoint ? { endpoint, forcePathStyle: true } : {};
  let s3: S3Client | undefined;
  let stores: Promise<DeploymentStores> | undefined;
  const names = {
    endpoint,
    recordsTable: () => need(options.recordsTable ?? outputs.RecordsTableName, '--records-table', 'RecordsTableName'),
    batchesTable: () => need(options.batchesTable ?? outputs.BatchesTableName, '--batches-table', 'BatchesTableName'),
    batchMembersTable: () => need(options.batchMembersTable ?? outputs.BatchMembersTableName, '--batch-members-table', 'BatchMembersTableName'),
    reportQueue: () => need(options.reportQueue ?? outputs.ReportQueueUrl, '--report-queue', 'ReportQueueUrl'),
  };
  return {
    s3Config,
    bucket: () => need(options.bucket ?? outputs.UploadBucketName, '--bucket', 'UploadBucketName'),
    s3: () => (s3 ??= describeCalls(new S3Client(s3Config), endpoint)),
    /**
     * The tables, the queues and the functions. Their clients load only for the commands that use them:
     * DynamoDB's, SQS's and Lambda's take longer to load than an upload of a folder takes to start.
     */
    stores: () => (stores ??= import('./deployment-stores.js').then(({ deploymentStores }) => deploymentStores(names))),
    /**
     * Who reads the deployment's scans: the stack says (`OcrEngine`); a stack deployed before it said
     * so runs the default, Textract.
     */
    ocrEngine: () => outputs.OcrEngine ?? 'textract',
    /** The queues messages are parked in after their last delivery, and where each kind goes back to. */
    deadLetters: () => ({
      upload: { parked: need(outputs.DeadLetterQueueUrl, '--outputs', 'DeadLetterQueueUrl'), queue: need(outputs.IngestQueueUrl, '--outputs', 'IngestQueueUrl') },
      report: { parked: need(outputs.ReportDeadLetterQueueUrl, '--outputs', 'ReportDeadLetterQueueUrl'), queue: need(outputs.ReportQueueUrl, '--outputs', 'ReportQueueUrl') },
      ...(outputs.OcrCompleteDeadLetterQueueUrl && outputs.OcrCompleteFunctionName
        ? { ocrCompletion: { parked: outputs.OcrCompleteDeadLetterQueueUrl, functionName: outputs.OcrCompleteFunctionName } }
        : {}),
    }),
  };
}
export type Deployment = ReturnType<typeof resolveDeployment>;
