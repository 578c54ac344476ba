import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Command } from 'commander';
import { z } from 'zod';
import { BatchesTable } from '../shared/store/batches.js';
import { RecordsTable } from '../shared/store/records.js';
import { UsageError } from './files.js';

/**
 * Where the deployed pipeline is: the stack's outputs as `npm run local:deploy` or
 * `cdk deploy --outputs-file` writes them, or names given on the command line; the endpoint for an
 * emulator (otherwise the AWS SDK's usual configuration applies, AWS_ENDPOINT_URL included).
 */
export interface DeploymentOptions {
  outputs: string;
  bucket?: string;
  recordsTable?: string;
  batchesTable?: string;
  endpoint?: string;
}

const stackOutputsSchema = z
  .object({ UploadBucketName: z.string(), RecordsTableName: z.string(), BatchesTableName: z.string() })
  .partial();

export function addDeploymentOptions(command: Command): Command {
  return command
    .option('--outputs <file>', 'stack outputs written by the deployment', 'cdk.outputs.json')
    .option('--bucket <name>', 'upload bucket (default: UploadBucketName from the outputs)')
    .option('--records-table <name>', 'records table (default: RecordsTableName from the outputs)')
    .option('--batches-table <name>', 'batches table (default: BatchesTableName from the outputs)')
    .option('--endpoint <url>', 'AWS endpoint, e.g. a local emulator (default: AWS_ENDPOINT_URL or AWS)');
}

export function resolveDeployment(options: DeploymentOptions) {
  const path = resolve(options.outputs);
  const outputs = existsSync(path) ? stackOutputsSchema.parse(JSON.parse(readFileSync(path, 'utf8'))) : {};
  const need = (value: string | undefined, option: string, output: string) => {
    if (!value) throw new UsageError(`${option} is needed: it is not given and ${options.outputs} has no ${output}`);
    return value;
  };
  const endpoint = options.endpoint ?? process.env.AWS_ENDPOINT_URL;
  const clientConfig = endpoint ? { endpoint } : {};
  const dynamodb = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig), { marshallOptions: { removeUndefinedValues: true } });
  return {
    bucket: () => need(options.bucket ?? outputs.UploadBucketName, '--bucket', 'UploadBucketName'),
    // Emulators serve buckets by path, not by virtual-hosted DNS names.
    s3: () => new S3Client({ ...clientConfig, forcePathStyle: Boolean(endpoint) }),
    records: () => new RecordsTable(dynamodb, need(options.recordsTable ?? outputs.RecordsTableName, '--records-table', 'RecordsTableName')),
    batches: () => new BatchesTable(dynamodb, need(options.batchesTable ?? outputs.BatchesTableName, '--batches-table', 'BatchesTableName')),
  };
}
