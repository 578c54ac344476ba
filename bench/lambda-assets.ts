import { readdirSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetFunctionConfigurationCommand, LambdaClient, UpdateFunctionConfigurationCommand, waitUntilFunctionUpdatedV2 } from '@aws-sdk/client-lambda';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { bulkAgreements } from '../fixtures/generator/bulk.js';
import { deployLocalPipeline } from '../scripts/local-emulator.js';
import { documentIdOf } from '../shared/extract/rejected.js';
import { incomingKey } from '../shared/keys.js';
import { RecordsTable } from '../shared/store/records.js';
import { pipelineFunctions, synthesizeApp } from '../test/support/template.js';

/** Bytes of every file under a folder, as Lambda counts an unzipped asset. */
function folderBytes(folder: string): number {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((bytes, entry) => bytes + statSync(join(entry.parentPath, entry.name)).size, 0);
}

/** Each function's unzipped asset in MB, as `cdk synth` bundles the configuration given (by default the one users deploy). */
export async function assetSizes(context: Record<string, string> = {}): Promise<Record<string, number>> {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-assets-'));
  try {
    const template = await synthesizeApp(context, outdir);
    return Object.fromEntries(
      pipelineFunctions(template).map(({ id, resource }) => [id, Math.round(folderBytes(join(outdir, resource.Metadata!['aws:asset:path'] as string)) / 1e5) / 10]),
    );
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export interface ColdStart {
  /** From the first upload to a freshly deployed stack to its record: the ingest function starts cold. */
  firstRecordSeconds: number;
  /** The same for the next upload, the function warm: the difference is the cold start. */
  warmRecordSeconds: number;
  coldStartSeconds: number;
}

/**
 * The cold start of the ingest function on the local emulator, the stack deployed as `npm run
 * local:deploy` deploys it: its configuration touched, which retires its running environments (in AWS
 * as in the emulator), then one digital agreement uploaded and timed to its record, then another. Both
 * times include the queue's delivery, which the difference cancels.
 */
export async function coldStart(): Promise<ColdStart> {
  const { outputs } = await deployLocalPipeline();
  const lambda = new LambdaClient({});
  const FunctionName = outputs.IngestFunctionName!;
  const { Environment } = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName }));
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName, Environment: { Variables: { ...Environment?.Variables, BENCH_COLD_START: Date.now().toString(36) } } }));
  await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 120 }, { FunctionName });
  const s3 = new S3Client({ forcePathStyle: true });
  const records = new RecordsTable(DynamoDBDocumentClient.from(new DynamoDBClient({})), outputs.RecordsTableName!);
  const [first, second] = await bulkAgreements(2, { seed: 29_11_2026, prefix: `kaltstart-${Date.now().toString(36)}` });
  const timeToRecord = async ({ fileName, bytes }: { fileName: string; bytes: Uint8Array }) => {
    const start = performance.now();
    await s3.send(new PutObjectCommand({ Bucket: outputs.UploadBucketName, Key: incomingKey('kaltstart', fileName), Body: bytes }));
    const documentId = documentIdOf(bytes);
    while (!(await records.get(documentId))) {
      if (performance.now() - start > 300_000) throw new Error(`${fileName} had no record after 5 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return (performance.now() - start) / 1000;
  };
  const firstRecordSeconds = await timeToRecord(first!);
  const warmRecordSeconds = await timeToRecord(second!);
  return { firstRecordSeconds, warmRecordSeconds, coldStartSeconds: firstRecordSeconds - warmRecordSeconds };
}
