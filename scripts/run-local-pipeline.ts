import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { resolveDeployment } from '../cli/deployment.js';
import { formatSummary, formatTable } from '../cli/table.js';
import { defaultBatchName, uploadBatch } from '../cli/upload/batch.js';
import { createUploadProgress, formatUploadSummary } from '../cli/upload/progress.js';
import { reportKey } from '../shared/keys.js';
import type { Report } from '../shared/report/model.js';
import { deployLocalPipeline } from './local-emulator.js';

/**
 * The main job on a developer's machine (`npm start`): local emulator up (unless running), stack
 * deployed, the fixture PDFs uploaded as one batch, and once the pipeline has written the batch's
 * report, its records as a table and where the report is. The emulator keeps running for exploration.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
await deployLocalPipeline();

const deployment = resolveDeployment({}, { cwd: root });
const s3 = deployment.s3();
const bucket = deployment.bucket();
const batch = `fixtures-${defaultBatchName(new Date()).slice('upload-'.length)}`;
const uploaded = await uploadBatch({ s3, bucket, paths: [join(root, 'fixtures/pdf')], batch, progress: createUploadProgress(process.stderr) });
console.log(formatUploadSummary(uploaded, bucket));
if (uploaded.failed.length > 0) process.exit(1);

console.log('\nwaiting for the pipeline to store every document and write the batch report …');
const batches = (await deployment.stores()).batches();
const deadline = Date.now() + 15 * 60_000;
let reportKeys: string[] | undefined;
while (!reportKeys && Date.now() < deadline) {
  reportKeys = (await batches.get(batch))?.reportKeys;
  if (!reportKeys) await new Promise((resolve) => setTimeout(resolve, 1000));
}
if (!reportKeys) {
  console.log(`no report after 15 minutes; see where the batch stands with: npx agreements status --batch ${batch}`);
  process.exit(1);
}

const reportJson = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: reportKey({ kind: 'batch', batchId: batch }, 'json') }));
const report = JSON.parse(await reportJson.Body!.transformToString()) as Report;
console.log(`\n${formatTable(report.documents)}\n\n${formatSummary(report.documents)}`);
console.log(`\nThe batch's report, written by the pipeline:\n${reportKeys.map((key) => `  s3://${bucket}/${key}`).join('\n')}`);
console.log(`Save one locally with: set -a; . .local/emulator.env; set +a; npx agreements report --batch ${batch} --out report.html`);
console.log(`\nThe emulator keeps running at ${process.env.AWS_ENDPOINT_URL} (settings in .local/emulator.env); stop it with: npm run local:down`);
