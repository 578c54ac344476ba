import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { formatSummary, formatTable } from '../cli/table.js';
import { documentIdOf } from '../shared/extract/extract-document.js';
import type { AgreementRecord } from '../shared/schema/record.js';
import { RecordsTable } from '../shared/store/records.js';

/**
 * The main job on a developer's machine (`npm start`): local emulator up (unless running), stack
 * deployed, the fixture PDFs uploaded under incoming/, and once every one has its record, the summary.
 * The emulator keeps running for exploration.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
execFileSync('bash', ['scripts/local-up.sh'], { cwd: root, stdio: 'inherit' });
execFileSync('bash', ['scripts/local-deploy.sh'], { cwd: root, stdio: 'inherit' });
for (const line of readFileSync(join(root, '.local/emulator.env'), 'utf8').split('\n')) {
  const at = line.indexOf('=');
  if (at > 0) process.env[line.slice(0, at)] = line.slice(at + 1);
}
const outputs = JSON.parse(readFileSync(join(root, 'cdk.outputs.json'), 'utf8'));

const pdfs = (folder: string): string[] =>
  readdirSync(folder, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? pdfs(join(folder, entry.name)) : /\.pdf$/i.test(entry.name) ? [join(folder, entry.name)] : []))
    .sort();
const files = pdfs(join(root, 'fixtures/pdf'));
const s3 = new S3Client({ forcePathStyle: true });
const table = new RecordsTable(DynamoDBDocumentClient.from(new DynamoDBClient({})), outputs.RecordsTableName);
const run = new Date().toISOString().replace(/[:.]/g, '-');
await Promise.all(
  files.map((file) => s3.send(new PutObjectCommand({ Bucket: outputs.UploadBucketName, Key: `incoming/${run}/${basename(file)}`, Body: readFileSync(file) }))),
);
console.log(`uploaded ${files.length} PDFs to s3://${outputs.UploadBucketName}/incoming/${run}/; waiting for their records …`);

const pending = new Map(files.map((file) => [documentIdOf(readFileSync(file)), file]));
const records: AgreementRecord[] = [];
const deadline = Date.now() + 15 * 60_000;
while (pending.size > 0 && Date.now() < deadline) {
  for (const documentId of [...pending.keys()]) {
    const item = await table.get(documentId);
    if (item?.record) {
      records.push(item.record);
      pending.delete(documentId);
    }
  }
  if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 1000));
}
console.log(`\n${formatTable(records)}\n\n${formatSummary(records)}`);
if (pending.size > 0) {
  console.log(`no record after 15 minutes for: ${[...pending.values()].map((file) => basename(file)).join(', ')}`);
  process.exitCode = 1;
}
console.log(`\nThe emulator keeps running at ${process.env.AWS_ENDPOINT_URL} (settings in .local/emulator.env); stop it with: npm run local:down`);
