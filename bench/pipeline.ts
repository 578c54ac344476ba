import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { bulkAgreements } from '../fixtures/generator/bulk.js';
import { mergeBenchResults } from './results.js';
import { deployLocalPipeline } from '../scripts/local-emulator.js';
import { forEachLimited } from '../shared/concurrency.js';
import { extractionConfigSchema } from '../shared/config.js';
import { extractDocument } from '../shared/extract-document.js';
import { documentIdOf } from '../shared/extract/rejected.js';
import { incomingKey } from '../shared/keys.js';
import { RecordsTable } from '../shared/store/records.js';

/**
 * 100 digital agreements through the local pipeline (S3 → SQS → Lambda → DynamoDB in the emulator)
 * against the in-process extraction of the same documents in the same run, two at a time as the CLI
 * does. The ratio of the two times is the pipeline's overhead. `--json` writes the `pipeline` section of bench-results.json.
 */
const DOCUMENTS = Number(process.env.BENCH_DOCUMENTS ?? 100);
const documents = await bulkAgreements(DOCUMENTS, { prefix: 'bench' });
const seconds = (start: number) => (performance.now() - start) / 1000;

const config = extractionConfigSchema.parse({ ocr: 'never' });
let start = performance.now();
await forEachLimited(documents, 2, async (document) => {
  await extractDocument(document.bytes, document.fileName, { config });
});
const inProcessSeconds = seconds(start);

const { outputs } = await deployLocalPipeline();
const s3 = new S3Client({ forcePathStyle: true });
const records = new RecordsTable(DynamoDBDocumentClient.from(new DynamoDBClient({})), outputs.RecordsTableName!);
const run = Date.now().toString(36);
const pending = new Set(documents.map((document) => documentIdOf(document.bytes)));
start = performance.now();
await Promise.all(
  documents.map((document) =>
    s3.send(new PutObjectCommand({ Bucket: outputs.UploadBucketName, Key: incomingKey(`bench-${run}`, document.fileName), Body: document.bytes })),
  ),
);
const uploadedSeconds = seconds(start);
while (pending.size > 0 && seconds(start) < 900) {
  for (const documentId of [...pending]) if (await records.get(documentId)) pending.delete(documentId);
  if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 250));
}
const pipelineSeconds = seconds(start);
if (pending.size > 0) throw new Error(`${pending.size} documents had no record after 15 minutes`);

const results = {
  documents: DOCUMENTS,
  inProcessSeconds,
  inProcessDocumentsPerMinute: (DOCUMENTS / inProcessSeconds) * 60,
  uploadSeconds: uploadedSeconds,
  timeToLastRecordSeconds: pipelineSeconds,
  pipelineDocumentsPerMinute: (DOCUMENTS / pipelineSeconds) * 60,
  pipelineOverhead: pipelineSeconds / inProcessSeconds,
};
const round = (value: number) => Math.round(value * 100) / 100;
console.log(`in-process extraction: ${round(inProcessSeconds)} s for ${DOCUMENTS} documents (${round(results.inProcessDocumentsPerMinute)}/min)`);
console.log(`local pipeline: uploads done after ${round(uploadedSeconds)} s, last record after ${round(pipelineSeconds)} s (${round(results.pipelineDocumentsPerMinute)}/min)`);
console.log(`pipeline overhead: ${round(results.pipelineOverhead)}× the in-process time`);
if (process.argv.includes('--json')) mergeBenchResults('pipeline', results);
