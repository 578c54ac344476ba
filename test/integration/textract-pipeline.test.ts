import { basename } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Block, GetDocumentTextDetectionCommand, ProvisionedThroughputExceededException, StartDocumentTextDetectionCommand, TextractClient } from '@aws-sdk/client-textract';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, SNSEvent, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../fixtures/generator/catalogue.js';
import { renderAgreement } from '../../fixtures/generator/render-digital.js';
import { extractionConfigSchema } from '../../shared/config.js';
import { documentIdOf } from '../../shared/extract/rejected.js';
import { PdfDocument } from '../../shared/pdf/document.js';
import { ingestObject } from '../../shared/pipeline/ingest-object.js';
import { RecordsTable } from '../../shared/store/records.js';
import { type DeployedPipeline, deployPipeline, functionStorageEnvironment } from '../support/emulator.js';
import { type Fixture, fixtureBytes, loadFixtures } from '../support/fixtures.js';
import { textractPageFromLines } from '../support/textract.js';

/**
 * The AWS OCR path, with the ingest and OCR-complete handlers running in this process against the
 * emulator's S3 and DynamoDB. Only Textract is simulated (no emulator has it), with responses in its
 * JSON shape: the lines a perfect reading of the scanned page gives, paged with NextToken.
 */
const TOPIC = 'arn:aws:sns:eu-central-1:000000000000:ocr-completed';
const ROLE = 'arn:aws:iam::000000000000:role/textract-publisher';

let pipeline: DeployedPipeline;
let s3: S3Client;
let records: RecordsTable;
const textract = mockClient(TextractClient);
const run = `textract-${Date.now().toString(36)}`;
const fixtures = loadFixtures();
const pick = (path: string) => fixtures.find((fixture) => fixture.path === path) as Fixture;
const mixed = pick('mixed/mixed-2024-werra-meissner-kreis.pdf');
const scanned = pick('scanned/scan-2019-stadt-kassel.pdf');
/** A scan whose completion meets a throttled Textract at every attempt. */
const stuck = pick('scanned/scan-2022-wetteraukreis.pdf');
const keyOf = (fixture: Fixture) => `elsewhere/${run}/${basename(fixture.path)}`;
/**
 * The fixture's bytes with a comment after the end of file, which readers ignore: other tests store the
 * same fixtures through the deployed stack, and this test needs documents the table has not seen.
 */
const bytesOf = (fixture: Fixture) => Buffer.concat([fixtureBytes(fixture), Buffer.from(`\n% ${run}\n`)]);
const idOf = (fixture: Fixture) => documentIdOf(bytesOf(fixture));
const hexOf = (fixture: Fixture) => idOf(fixture).slice('sha256:'.length);

const sqsEvent = (...keys: string[]): SQSEvent => ({
  Records: keys.map((key, index) => ({
    messageId: `message-${index}`,
    receiptHandle: `message-${index}`,
    body: JSON.stringify({ Records: [{ s3: { object: { key: encodeURIComponent(key).replace(/%2F/g, '/') } } }] }),
    attributes: {} as SQSEvent['Records'][number]['attributes'],
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-central-1:000000000000:ingest',
    awsRegion: 'eu-central-1',
  })),
});

/** The notice Textract publishes to SNS when a job ends. */
const completionEvent = (jobId: string, status: string, jobTag: string): SNSEvent => ({
  Records: [
    {
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: `${TOPIC}:subscription`,
      Sns: {
        Type: 'Notification',
        MessageId: `${jobId}-notice`,
        TopicArn: TOPIC,
        Subject: '',
        Message: JSON.stringify({ JobId: jobId, Status: status, API: 'StartDocumentTextDetection', JobTag: jobTag, Timestamp: Date.now(), DocumentLocation: { S3ObjectName: `ocr-input/${jobTag}.pdf`, S3Bucket: pipeline.bucket } }),
        Timestamp: new Date().toISOString(),
        SignatureVersion: '1',
        Signature: '',
        SigningCertUrl: '',
        UnsubscribeUrl: '',
        MessageAttributes: {},
      },
    },
  ],
});

/** The pages of a fixture's digital original, as a perfect OCR reads them, numbered as the job was given them. */
async function perfectReading(kind: 'mixed' | 'scanned', fixture: Fixture, pages: (count: number) => number[]): Promise<Block[]> {
  const spec = catalogue()[kind].find((candidate) => candidate.fileName === basename(fixture.path))!;
  const rendered = await renderAgreement(spec);
  const document = await PdfDocument.open(rendered.bytes, extractionConfigSchema.parse({}).limits);
  try {
    const texts = await document.pageTexts();
    return pages(texts.length).flatMap((page, index) => textractPageFromLines(index + 1, texts[page - 1]!.lines));
  } finally {
    await document.close();
  }
}

/** The signature page of the mixed fixture: its last. */
const signaturePageBlocks = () => perfectReading('mixed', mixed, (count) => [count]);

let handlers: { ingest: typeof import('../../functions/ingest.js').handler; complete: typeof import('../../functions/ocr-complete.js').handler };
const context = { functionName: 'test', awsRequestId: run } as Context;

beforeAll(async () => {
  pipeline = await deployPipeline();
  Object.assign(process.env, {
    ...functionStorageEnvironment(pipeline),
    OCR_ENGINE: 'textract',
    TEXTRACT_TOPIC_ARN: TOPIC,
    TEXTRACT_ROLE_ARN: ROLE,
    OCR_COMPLETION_ATTEMPTS: '3',
    OCR_COMPLETE_DEAD_LETTER_QUEUE_URL: pipeline.outputs.OcrCompleteDeadLetterQueueUrl,
  });
  s3 = new S3Client({ forcePathStyle: true });
  records = new RecordsTable(DynamoDBDocumentClient.from(new DynamoDBClient({})), pipeline.recordsTable);
  for (const fixture of [mixed, scanned, stuck]) {
    await s3.send(new PutObjectCommand({ Bucket: pipeline.bucket, Key: keyOf(fixture), Body: bytesOf(fixture) }));
  }
  handlers = { ingest: (await import('../../functions/ingest.js')).handler, complete: (await import('../../functions/ocr-complete.js')).handler };
}, 600_000);

describe('OCR with Textract', () => {
  it('sends only the scanned pages of a mixed document to Textract and waits for the job', async () => {
    textract
      .on(StartDocumentTextDetectionCommand, { JobTag: hexOf(mixed) })
      .resolves({ JobId: 'job-mixed' })
      .on(StartDocumentTextDetectionCommand, { JobTag: hexOf(scanned) })
      .resolves({ JobId: 'job-scanned' });
    const response = await handlers.ingest(sqsEvent(keyOf(mixed), keyOf(scanned)), context);
    expect(response.batchItemFailures).toEqual([]);

    // The batch's messages are processed concurrently; the jobs may start in either order.
    const starts = textract.commandCalls(StartDocumentTextDetectionCommand).map((call) => call.args[0].input);
    starts.sort((a, b) => (a.JobTag === hexOf(mixed) ? -1 : b.JobTag === hexOf(mixed) ? 1 : 0));
    expect(starts).toEqual([
      {
        DocumentLocation: { S3Object: { Bucket: pipeline.bucket, Name: `ocr-input/${hexOf(mixed)}.pdf` } },
        NotificationChannel: { SNSTopicArn: TOPIC, RoleArn: ROLE },
        JobTag: hexOf(mixed),
        ClientRequestToken: expect.stringMatching(new RegExp(`^${hexOf(mixed).slice(0, 48)}-\\d+$`)),
      },
      {
        DocumentLocation: { S3Object: { Bucket: pipeline.bucket, Name: `ocr-input/${hexOf(scanned)}.pdf` } },
        NotificationChannel: { SNSTopicArn: TOPIC, RoleArn: ROLE },
        JobTag: hexOf(scanned),
        ClientRequestToken: expect.stringMatching(new RegExp(`^${hexOf(scanned).slice(0, 48)}-\\d+$`)),
      },
    ]);

    // The mixed document's text pages stay home: Textract gets a PDF of its one scanned page.
    const mixedInput = await s3.send(new GetObjectCommand({ Bucket: pipeline.bucket, Key: `ocr-input/${hexOf(mixed)}.pdf` }));
    const onePage = await PdfDocument.open(await mixedInput.Body!.transformToByteArray(), extractionConfigSchema.parse({}).limits);
    expect(onePage.pageCount).toBe(1);
    await onePage.close();
    // A document scanned throughout goes as it is.
    const scannedInput = await s3.send(new GetObjectCommand({ Bucket: pipeline.bucket, Key: `ocr-input/${hexOf(scanned)}.pdf` }));
    expect(Buffer.from(await scannedInput.Body!.transformToByteArray()).equals(bytesOf(scanned))).toBe(true);

    const waiting = await records.get(idOf(mixed));
    expect(waiting?.record).toBeUndefined();
    expect(waiting?.ocrJob).toMatchObject({ jobId: 'job-mixed', pages: [mixed.expected.pages], key: keyOf(mixed) });
    expect((await records.get(idOf(scanned)))?.ocrJob?.pages).toEqual(Array.from({ length: scanned.expected.pages }, (_, page) => page + 1));
  }, 120_000);

  it('starts no second job when the same message or the same bytes arrive again', async () => {
    const before = textract.commandCalls(StartDocumentTextDetectionCommand).length;
    const again = `elsewhere/${run}/kopie.pdf`;
    await s3.send(new PutObjectCommand({ Bucket: pipeline.bucket, Key: again, Body: bytesOf(mixed) }));
    const response = await handlers.ingest(sqsEvent(keyOf(mixed), again), context);
    expect(response.batchItemFailures).toEqual([]);
    expect(textract.commandCalls(StartDocumentTextDetectionCommand)).toHaveLength(before);
    expect((await records.get(idOf(mixed)))?.keys).toEqual([again, keyOf(mixed)].sort());
  }, 60_000);

  it('starts another job when the first has not reported back within the hour', async () => {
    const { ingestDependencies } = await import('../../functions/commons/pipeline.js');
    const later = new Date(Date.now() + 61 * 60_000);
    const outcome = await ingestObject(keyOf(scanned), { ...(await ingestDependencies(process.env)), now: () => later });
    expect(outcome.kind).toBe('awaiting-ocr');
    const tokens = textract
      .commandCalls(StartDocumentTextDetectionCommand)
      .filter((call) => call.args[0].input.JobTag === hexOf(scanned))
      .map((call) => call.args[0].input.ClientRequestToken);
    expect(tokens).toHaveLength(2);
    expect(new Set(tokens).size).toBe(2);
    expect((await records.get(idOf(scanned)))?.ocrJob?.startedAt).toBe(later.toISOString());
  }, 60_000);

  it('finishes the record from the job results, paged with NextToken, as the fixture expects it', async () => {
    const blocks = await signaturePageBlocks();
    const half = Math.ceil(blocks.length / 2);
    textract
      .on(GetDocumentTextDetectionCommand, { JobId: 'job-mixed', NextToken: undefined })
      .resolves({ JobStatus: 'SUCCEEDED', DocumentMetadata: { Pages: 1 }, Blocks: blocks.slice(0, half), NextToken: 'page-2' })
      .on(GetDocumentTextDetectionCommand, { JobId: 'job-mixed', NextToken: 'page-2' })
      .resolves({ JobStatus: 'SUCCEEDED', DocumentMetadata: { Pages: 1 }, Blocks: blocks.slice(half) });
    await handlers.complete(completionEvent('job-mixed', 'SUCCEEDED', hexOf(mixed)), context);

    const stored = await records.get(idOf(mixed));
    expect(stored?.ocrJob).toBeUndefined();
    expect(stored?.record?.status).toBe('valid');
    expect(stored?.record?.textSource).toBe('mixed');
    expect(stored?.record?.pages).toBe(mixed.expected.pages);
    expect(stored?.record?.fileName).toBe(basename(mixed.path));
    expect(stored?.record?.agreement).toEqual(mixed.expected.agreement);
    expect(stored?.record?.issues).toEqual([]);
    const json = await s3.send(new GetObjectCommand({ Bucket: pipeline.bucket, Key: `records/${hexOf(mixed)}.json` }));
    expect(JSON.parse(await json.Body!.transformToString())).toEqual(stored?.record);

    // SNS delivers at least once: the same notice again changes nothing and reads nothing.
    const reads = textract.commandCalls(GetDocumentTextDetectionCommand).length;
    await handlers.complete(completionEvent('job-mixed', 'SUCCEEDED', hexOf(mixed)), context);
    expect(textract.commandCalls(GetDocumentTextDetectionCommand)).toHaveLength(reads);
    expect((await records.get(idOf(mixed)))?.record).toEqual(stored?.record);
  }, 120_000);

  it('gives a record for review, with Textract\'s reason, when the job failed', async () => {
    await handlers.complete(completionEvent('job-scanned', 'FAILED', hexOf(scanned)), context);
    const record = (await records.get(idOf(scanned)))?.record;
    expect(record?.status).toBe('needs_review');
    expect(record?.textSource).toBe('pdf-text');
    expect(record?.pages).toBe(scanned.expected.pages);
    expect(record?.issues.map((issue) => issue.code)).toEqual([
      ...Array.from({ length: scanned.expected.pages }, () => 'ocr.skipped'),
      'document.unread',
      'ocr.failed',
    ]);
    expect(record?.issues.find((issue) => issue.code === 'ocr.failed')?.message).toMatch(/^The scanned pages could not be read: the OCR job ended with status FAILED/);
  }, 120_000);

  it('records the pipeline\'s failure when a completion fails at every attempt, keeps the job, and a redriven completion replaces the record', async () => {
    textract.on(StartDocumentTextDetectionCommand, { JobTag: hexOf(stuck) }).resolves({ JobId: 'job-stuck' });
    expect((await handlers.ingest(sqsEvent(keyOf(stuck)), context)).batchItemFailures).toEqual([]);
    // Throttling is a fault of the moment, not the job's answer: each attempt fails, and none is recorded as unread.
    textract.on(GetDocumentTextDetectionCommand, { JobId: 'job-stuck' }).rejects(new ProvisionedThroughputExceededException({ message: 'Provisioned rate exceeded', $metadata: {} }));
    for (const attempt of [1, 2]) {
      await expect(handlers.complete(completionEvent('job-stuck', 'SUCCEEDED', hexOf(stuck)), context)).rejects.toThrow('Provisioned rate exceeded');
      const waiting = await records.get(idOf(stuck));
      expect(waiting?.record).toBeUndefined();
      expect(waiting?.ocrJob).toMatchObject({ jobId: 'job-stuck', failedCompletions: attempt });
    }
    // Lambda's last attempt (the third): the document gets its record, and the event is parked for a redrive.
    await expect(handlers.complete(completionEvent('job-stuck', 'SUCCEEDED', hexOf(stuck)), context)).rejects.toThrow('Provisioned rate exceeded');
    const failed = await records.get(idOf(stuck));
    expect(failed?.record).toEqual({
      documentId: idOf(stuck),
      fileName: basename(stuck.path),
      status: 'rejected',
      textSource: 'pdf-text',
      pages: 0,
      agreement: {},
      issues: [
        {
          path: 'document',
          code: 'pipeline.failed',
          message:
            "The pipeline failed to complete this document with its OCR job's results at each of 3 attempts; the last error: ProvisionedThroughputExceededException: Provisioned rate exceeded. The job's completion waits in the dead-letter queue for a redrive (agreements redrive).",
        },
      ],
      evidence: [],
    });
    expect(failed?.ocrJob).toMatchObject({ jobId: 'job-stuck', key: keyOf(stuck), failedCompletions: 3 });
    const json = await s3.send(new GetObjectCommand({ Bucket: pipeline.bucket, Key: `records/${hexOf(stuck)}.json` }));
    expect(JSON.parse(await json.Body!.transformToString())).toEqual(failed?.record);

    // Redriven after the fix, the parked notice completes the document with the job it kept.
    const blocks = await perfectReading('scanned', stuck, (count) => Array.from({ length: count }, (_, page) => page + 1));
    textract.on(GetDocumentTextDetectionCommand, { JobId: 'job-stuck' }).resolves({ JobStatus: 'SUCCEEDED', DocumentMetadata: { Pages: stuck.expected.pages }, Blocks: blocks });
    await handlers.complete(completionEvent('job-stuck', 'SUCCEEDED', hexOf(stuck)), context);
    const read = await records.get(idOf(stuck));
    expect(read?.ocrJob).toBeUndefined();
    expect(read?.textractPages).toBe(stuck.expected.pages);
    expect(read?.record?.status).toBe('valid');
    expect(read?.record?.textSource).toBe('ocr');
    expect(read?.record?.agreement).toEqual(stuck.expected.agreement);
    expect(read?.record?.issues).toEqual([]);
  }, 180_000);
});
