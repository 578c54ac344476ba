import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { BatchWriteCommand, type BatchWriteCommandInput, DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { readSheet } from 'read-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachLimited } from '../../shared/concurrency.js';
import { GEBIETSKOERPERSCHAFTEN } from '../../shared/data/gebietskoerperschaften.js';
import { type Report, textractCost } from '../../shared/report/model.js';
import type { AgreementRecord } from '../../shared/schema/record.js';
import { recordTextKey } from '../../shared/keys.js';
import { type DeployedPipeline, deployPipeline, functionStorageEnvironment, pipelineStores } from '../support/emulator.js';
import { loadFixtures } from '../support/fixtures.js';

/**
 * The report function over a batch of ten thousand stored records in the emulator, run in a process of
 * its own so that its memory can be read: it reads the batch page by page and stays far below the
 * function's 1,024 MB; the report it writes holds every record, with totals that equal its rows, an
 * HTML page with one closed table per recipient and a spreadsheet with a row per document.
 */

const DOCUMENTS = 10_000;
const MEMORY_SIZE_MB = 1024;
const run = Date.now().toString(36);
const batch = `large-${run}`;
let pipeline: DeployedPipeline;
let stores: ReturnType<typeof pipelineStores>;
let child: { result: unknown; maxRssBytes: number };

const template = loadFixtures().find((fixture) => fixture.expected.fileName === 'zv-2019-hochtaunuskreis.pdf')!.expected;
const amountIssue = { path: 'agreement.amount', code: 'amount.implausible', message: 'unplausibel' };
const reviewText = (record: AgreementRecord) => `Text von ${record.fileName}\fBetrag: ${record.agreement.amount!.text}`;
function recordOf(index: number): AgreementRecord {
  const recipient = GEBIETSKOERPERSCHAFTEN[index % GEBIETSKOERPERSCHAFTEN.length]!;
  const record = structuredClone(template);
  record.documentId = `sha256:${run.padStart(16, '0')}${index.toString(16).padStart(48, '0')}`;
  record.fileName = `zv-${String(index).padStart(5, '0')}.pdf`;
  record.agreement.budgetYear = 2011 + (index % 16);
  record.agreement.parties = [record.agreement.parties![0]!, { role: 'recipient', name: recipient.name, kind: recipient.kind }];
  record.evidence = [{ path: 'agreement.amount', page: 2, box: { left: 0.4, top: 0.7, width: 0.12, height: 0.016 }, source: 'textract', confidence: 0.7, text: record.agreement.amount!.text }];
  if (index % 50 === 0) Object.assign(record, { status: 'needs_review', issues: [amountIssue] });
  return record;
}
/** Pages Textract read for a document: one in ten was a scan of two pages. */
const textractPagesOf = (index: number) => (index % 10 === 0 ? 2 : undefined);

async function object(key: string): Promise<Buffer> {
  const response = await stores.s3.send(new GetObjectCommand({ Bucket: pipeline.bucket, Key: key }));
  return Buffer.from(await response.Body!.transformToByteArray());
}

beforeAll(async () => {
  pipeline = await deployPipeline();
  stores = pipelineStores(pipeline);
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
  // The batch as the pipeline leaves it: a record and a member item per document, the head complete and its report claimed.
  await forEachLimited(Array.from({ length: DOCUMENTS }, (_, index) => index), 16, async (index) => {
    const record = recordOf(index);
    const key = `incoming/${batch}/${record.fileName}`;
    const textractPages = textractPagesOf(index);
    await stores.records.put(record, { key, now: new Date(), extractorVersion: 'test', batchId: batch, expectedVersion: 0, ...(textractPages ? { textractPages } : {}) });
    if (record.status !== 'valid') await stores.s3.send(new PutObjectCommand({ Bucket: pipeline.bucket, Key: recordTextKey(record.documentId), Body: reviewText(record) }));
    await stores.batches.addMember({ batchId: batch, key, documentId: record.documentId }, DOCUMENTS, new Date());
  });
  await client.send(
    new UpdateCommand({ TableName: pipeline.batchesTable, Key: { batchId: batch }, UpdateExpression: 'SET reportRequestedAt = :now, reportRequests = :one', ExpressionAttributeValues: { ':now': new Date().toISOString(), ':one': 1 } }),
  );

  const event = { Records: [{ messageId: run, body: JSON.stringify({ batchId: batch, request: 1 }) }] };
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/support/run-handler.ts', 'functions/report.ts', JSON.stringify(event)], {
    env: {
      ...process.env,
      ...functionStorageEnvironment(pipeline),
      OCR_ENGINE: 'none',
      POWERTOOLS_LOG_LEVEL: 'WARN',
    },
    maxBuffer: 16 * 1024 * 1024,
  });
  child = JSON.parse(stdout.trim().split('\n').at(-1)!);
}, 1_800_000);

/**
 * The run's test files share the emulator and its tables: the batch's records, member items and head go
 * again, so that a file that selects records across the table (bulk's `reprocess --status needs_review`)
 * finds only its own, whichever order the files run in.
 */
afterAll(async () => {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const indexes = Array.from({ length: DOCUMENTS }, (_, index) => index);
  const deletions = indexes.flatMap((index): { table: string; key: Record<string, string> }[] => {
    const { documentId, fileName } = recordOf(index);
    return [
      { table: pipeline.recordsTable, key: { documentId } },
      { table: pipeline.batchMembersTable, key: { batchId: batch, key: `incoming/${batch}/${fileName}` } },
    ];
  });
  deletions.push({ table: pipeline.batchesTable, key: { batchId: batch } });
  const chunks = Array.from({ length: Math.ceil(deletions.length / 25) }, (_, chunk) => deletions.slice(chunk * 25, chunk * 25 + 25));
  await forEachLimited(chunks, 8, async (chunk) => {
    let requests: BatchWriteCommandInput['RequestItems'] = {};
    for (const { table, key } of chunk) (requests[table] ??= []).push({ DeleteRequest: { Key: key } });
    while (requests && Object.keys(requests).length > 0) requests = (await client.send(new BatchWriteCommand({ RequestItems: requests }))).UnprocessedItems;
  });
});

describe('the report of a batch of ten thousand documents', () => {
  it('is written by a function that stays within half its memory', async () => {
    expect(child.maxRssBytes / 2 ** 20).toBeLessThan(MEMORY_SIZE_MB / 2);
    expect(await stores.batches.get(batch)).toMatchObject({ reportedRequest: 1, reportKeys: ['html', 'csv', 'json', 'xlsx'].map((format) => `reports/${batch}/report.${format}`) });
  });

  it('holds every record once, with totals that equal its rows', async () => {
    const report: Report = JSON.parse((await object(`reports/${batch}/report.json`)).toString('utf8'));
    expect(report.documents).toHaveLength(DOCUMENTS);
    expect(new Set(report.documents.map((record) => record.documentId)).size).toBe(DOCUMENTS);
    // A valid record without its evidence, one under review with it.
    const { evidence: _evidence, ...validWithoutEvidence } = recordOf(42);
    expect(report.documents.find((record) => record.fileName === recordOf(42).fileName)).toEqual(validWithoutEvidence);
    for (const index of [0, DOCUMENTS - 50]) expect(report.documents.find((record) => record.fileName === recordOf(index).fileName)).toEqual(recordOf(index));
    const count = (status: string) => report.documents.filter((record) => record.status === status).length;
    expect(report.totals.byStatus).toEqual({ valid: count('valid'), needs_review: count('needs_review'), rejected: 0 });
    expect(report.totals.amountCents).toBe(report.documents.filter((record) => record.status === 'valid').reduce((sum, record) => sum + record.agreement.amount!.cents, 0));
    expect(report.totals.ocr).toEqual(textractCost((DOCUMENTS / 10) * 2));
    expect(report.review).toHaveLength(DOCUMENTS / 50);
    for (const item of report.review) {
      const record = recordOf(Number(item.fileName.slice(3, 8)));
      expect(item.text).toBe(reviewText(record));
      expect(item.values).toEqual([
        { path: 'agreement.amount', code: 'amount.implausible', page: 2, read: record.agreement.amount!.text, line: `Betrag: ${record.agreement.amount!.text}`, source: 'textract', confidence: 0.7 },
      ]);
    }
  }, 120_000);

  it('writes an HTML page with one closed table per recipient and a row per document', async () => {
    const html = (await object(`reports/${batch}/report.html`)).toString('utf8');
    expect(html.match(/<details class="recipient">/g)).toHaveLength(GEBIETSKOERPERSCHAFTEN.length);
    expect(html).not.toContain('<details class="recipient" open>');
    expect(html.match(/<tr class="(valid|needs_review|rejected)" data-document-id="/g)).toHaveLength(DOCUMENTS);
    expect(html.match(/<rect class="bar/g)).toHaveLength(15);
    expect(html.match(/<rect class="bar others"/g)).toHaveLength(1);
    expect(html).toContain(`<td class="number" id="ocr-pages">${(DOCUMENTS / 10) * 2}</td>`);
  }, 120_000);

  it('writes a spreadsheet with a row per document and per project, read back by a reader other than the writer', async () => {
    const xlsx = await object(`reports/${batch}/report.xlsx`);
    const documents = await readSheet(xlsx, 'Dokumente');
    expect(documents).toHaveLength(DOCUMENTS + 1);
    const status = documents[0]!.indexOf('Status');
    expect(documents.slice(1).filter((row) => row[status] === 'zu prüfen')).toHaveLength(DOCUMENTS / 50);
    const projects = template.agreement.measures!.reduce((sum, measure) => sum + Math.max(1, measure.projects.length), 0);
    expect(await readSheet(xlsx, 'Maßnahmen')).toHaveLength(DOCUMENTS * projects + 1);
    expect(await readSheet(xlsx, 'Zu prüfen')).toHaveLength(DOCUMENTS / 50 + 1);
  }, 300_000);
});
