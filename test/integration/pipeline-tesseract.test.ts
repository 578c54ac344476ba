import { basename } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractionConfigSchema } from '../../shared/config.js';
import { extractDocument } from '../../shared/extract-document.js';
import { germanWords } from '../../shared/extract/german-lexicon.js';
import { documentIdOf } from '../../shared/extract/rejected.js';
import { TesseractOcrEngine } from '../../shared/ocr/tesseract.js';
import { RecordsTable } from '../../shared/store/records.js';
import { type DeployedPipeline, deployPipeline, waitFor } from '../support/emulator.js';
import { fixtureBytes, loadFixtures } from '../support/fixtures.js';

/**
 * The other supported configuration, `-c ocr=tesseract` (the ingest function reads scans itself with
 * tesseract.js), deployed as a stack of its own beside the default one: a scan and a digital agreement
 * come out as the in-process extraction with tesseract.js gives them.
 */
let pipeline: DeployedPipeline;
let s3: S3Client;
let records: RecordsTable;
const runId = Date.now().toString(36);
const documents = ['scanned/scan-2022-wetteraukreis.pdf', 'digital/zv-2019-hochtaunuskreis.pdf'].map((path) => {
  const fixture = loadFixtures().find((candidate) => candidate.path === path)!;
  // A comment after the end of file makes the bytes new to the table, whatever ran before.
  return { name: basename(path), bytes: Buffer.concat([fixtureBytes(fixture), Buffer.from(`\n% ${runId}\n`)]) };
});

beforeAll(async () => {
  pipeline = await deployPipeline({ ocr: 'tesseract' });
  s3 = new S3Client({ forcePathStyle: true });
  records = new RecordsTable(DynamoDBDocumentClient.from(new DynamoDBClient({})), pipeline.recordsTable);
  for (const { name, bytes } of documents) await s3.send(new PutObjectCommand({ Bucket: pipeline.bucket, Key: `incoming/${runId}/${name}`, Body: bytes }));
}, 900_000);

describe('ocr=tesseract, deployed', () => {
  it('says which engine reads its scans', () => {
    expect(pipeline.outputs.OcrEngine).toBe('tesseract');
    expect(pipeline.outputs.OcrCompleteFunctionName).toBeUndefined();
  });

  it('stores the record the in-process extraction with tesseract.js gives for the same bytes', async () => {
    const ocr = new TesseractOcrEngine();
    const config = extractionConfigSchema.parse({});
    try {
      for (const { name, bytes } of documents) {
        const documentId = documentIdOf(bytes);
        const record = await waitFor(`the record of ${name}`, () => records.get(documentId).then((item) => item?.record), 600_000);
        const local = await extractDocument(bytes, name, { config, ocr, lexicon: germanWords });
        expect(record.status, name).toBe(local.status);
        expect(record.textSource, name).toBe(local.textSource);
        expect(record.pages, name).toBe(local.pages);
        expect(record.agreement, name).toEqual(local.agreement);
        expect(record.issues, name).toEqual(local.issues);
      }
    } finally {
      await ocr.close();
    }
  }, 660_000);
});
