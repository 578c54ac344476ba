import { basename } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractionConfigSchema } from '../../shared/config.js';
import { documentIdOf, extractDocument } from '../../shared/extract/extract-document.js';
import { TesseractOcrEngine } from '../../shared/ocr/tesseract.js';
import type { AgreementRecord } from '../../shared/schema/record.js';
import { RecordsTable } from '../../shared/store/records.js';
import { type DeployedPipeline, deployPipeline, waitFor } from '../support/emulator.js';
import { type Fixture, fixtureBytes, loadFixtures } from '../support/fixtures.js';

/**
 * The deployed stack in the local emulator, driven over HTTP with the real AWS SDK: PDFs uploaded under
 * incoming/ must come out as records in DynamoDB and under records/, equal to what the in-process
 * extraction gives for the same bytes.
 */
let pipeline: DeployedPipeline;
let s3: S3Client;
let table: RecordsTable;
const fixtures = loadFixtures();
const pick = (path: string) => fixtures.find((fixture) => fixture.path === path) as Fixture;
const uploads = [
  pick('digital/zielvereinbarung-2025-main-taunus-kreis.pdf'),
  pick('digital/zv-2022-kreis-offenbach.pdf'),
  pick('scanned/scan-2019-stadt-kassel.pdf'),
  pick('mixed/mixed-2024-werra-meissner-kreis.pdf'),
  pick('bad/not-a-pdf.pdf'),
  pick('bad/Zielvereinbarung 2024 – Stadt Offenbach (Kopie) äöü #1.PDF'),
];

const stored = (documentId: string) => () => table.get(documentId).then((item) => item ?? undefined);

beforeAll(async () => {
  pipeline = deployPipeline();
  s3 = new S3Client({ forcePathStyle: true });
  table = new RecordsTable(DynamoDBDocumentClient.from(new DynamoDBClient({})), pipeline.table);
  const runId = Date.now().toString(36);
  await Promise.all(
    uploads.map((fixture) =>
      s3.send(new PutObjectCommand({ Bucket: pipeline.bucket, Key: `incoming/${runId}/${basename(fixture.path)}`, Body: fixtureBytes(fixture) })),
    ),
  );
}, 600_000);

afterAll(() => {
  pipeline?.stop();
});

describe('the local pipeline', () => {
  it('stores for every uploaded PDF the record the extraction gives for the same bytes', async () => {
    const ocr = new TesseractOcrEngine();
    const config = extractionConfigSchema.parse({});
    try {
      for (const fixture of uploads) {
        const bytes = fixtureBytes(fixture);
        const { record } = await waitFor(`the record of ${fixture.path}`, stored(documentIdOf(bytes)), 300_000);
        const local = await extractDocument(bytes, basename(fixture.path), { config, ocr });
        expect(record.documentId).toBe(fixture.expected.documentId);
        expect(record.fileName).toBe(fixture.expected.fileName);
        expect(record.status).toBe(local.status);
        expect(record.textSource).toBe(local.textSource);
        expect(record.pages).toBe(local.pages);
        expect(record.agreement).toEqual(local.agreement);
        expect(record.issues).toEqual(local.issues);
      }
    } finally {
      await ocr.close();
    }
  }, 600_000);

  it('writes the same record as JSON under records/<sha256>.json', async () => {
    for (const fixture of uploads) {
      const hex = fixture.expected.documentId.slice('sha256:'.length);
      const object = await s3.send(new GetObjectCommand({ Bucket: pipeline.bucket, Key: `records/${hex}.json` }));
      const fromS3 = JSON.parse(await object.Body!.transformToString()) as AgreementRecord;
      const fromTable = (await table.get(fixture.expected.documentId))!.record;
      expect(fromS3).toEqual(fromTable);
    }
  });

  it('copies a rejected original to quarantine/', async () => {
    const rejected = uploads.find((fixture) => fixture.path === 'bad/not-a-pdf.pdf')!;
    const { record, keys } = (await table.get(rejected.expected.documentId))!;
    expect(record.status).toBe('rejected');
    expect(record.issues.map((issue) => issue.code)).toEqual(['pdf.not_pdf']);
    const quarantined = keys[0]!.replace(/^incoming\//, 'quarantine/');
    const head = await s3.send(new HeadObjectCommand({ Bucket: pipeline.bucket, Key: quarantined }));
    expect(head.ContentLength).toBe(fixtureBytes(rejected).length);
  });

  it('makes no duplicate when the same bytes arrive again under another key', async () => {
    const seed = uploads[0]!;
    const before = (await table.get(seed.expected.documentId))!;
    const copyKey = `incoming/again-${Date.now().toString(36)}/kopie.pdf`;
    await s3.send(new PutObjectCommand({ Bucket: pipeline.bucket, Key: copyKey, Body: fixtureBytes(seed) }));
    const after = await waitFor('the second key on the seed record', async () => {
      const item = await table.get(seed.expected.documentId);
      return item && item.keys.includes(copyKey) ? item : undefined;
    });
    expect(after.keys).toEqual([...before.keys, copyKey].sort());
    expect(after.record).toEqual(before.record);
  }, 180_000);
});
