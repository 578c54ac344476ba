import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import {
  type Block,
  GetDocumentTextDetectionCommand,
  InvalidJobIdException,
  InvalidS3ObjectException,
  IdempotentParameterMismatchException,
  ProvisionedThroughputExceededException,
  StartDocumentTextDetectionCommand,
  TextractClient,
} from '@aws-sdk/client-textract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TextDetectionJobs } from '../../scripts/textract-stand-in/jobs.js';
import { closeReader, readPages, type ReadPage, UnreadableDocument } from '../../scripts/textract-stand-in/read-pages.js';
import { textractServer } from '../../scripts/textract-stand-in/server.js';
import { pagesFromBlocks } from '../../shared/ocr/textract.js';
import { pdfWithPages } from '../../shared/pdf/select-pages.js';
import { fixturesRoot } from '../support/fixtures.js';

/**
 * The Textract stand-in, driven with the real AWS SDK over HTTP on the loopback: its protocol, paging,
 * idempotency, notifications and failures, and Textract's own limits, which the pipeline's smaller
 * limits never let a document reach. Documents come from an in-memory bucket; the pages of most jobs
 * are read by a fixed reading, one test reads a real scan.
 */
const fixture = (path: string) => new Uint8Array(readFileSync(`${fixturesRoot}pdf/${path}`));

/** Two pages, the second with two columns on one row. */
const reading: ReadPage[] = [
  { width: 1000, height: 2000, lines: [[{ text: 'Zielvereinbarung', confidence: 96, x0: 100, y0: 100, x1: 400, y1: 130 }, { text: '2024', confidence: 91, x0: 420, y0: 100, x1: 500, y1: 130 }]] },
  {
    width: 1000,
    height: 2000,
    lines: [[
      { text: 'Wiesbaden,', confidence: 90, x0: 100, y0: 500, x1: 260, y1: 530 },
      { text: 'Kassel,', confidence: 88, x0: 600, y0: 500, x1: 720, y1: 530 },
    ]],
  },
];

const objects = new Map<string, Uint8Array | number>();
const published: { topicArn: string; message: Record<string, unknown> }[] = [];
let readCalls = 0;
const jobs = new TextDetectionJobs({
  size: async (bucket, key) => {
    const object = objects.get(`${bucket}/${key}`);
    return typeof object === 'number' ? object : object?.length;
  },
  bytes: async (bucket, key) => objects.get(`${bucket}/${key}`) as Uint8Array,
  read: async (bytes) => {
    readCalls++;
    if (Buffer.from(bytes).toString('latin1').startsWith('%PDF-stand-in-fake')) return reading;
    return readPages(bytes);
  },
  publish: async (topicArn, message) => {
    published.push({ topicArn, message: JSON.parse(message) });
  },
});
const server = textractServer(jobs);
let textract: TextractClient;
let endpoint: string;
const client = (maxAttempts?: number) =>
  new TextractClient({ endpoint, region: 'eu-central-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, ...(maxAttempts ? { maxAttempts } : {}) });
const TOPIC = 'arn:aws:sns:eu-central-1:000000000000:ocr-completed';
const ROLE = 'arn:aws:iam::000000000000:role/textract-publisher';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  endpoint = `http://127.0.0.1:${port}`;
  textract = client();
  objects.set('bucket/fake.pdf', Buffer.from('%PDF-stand-in-fake'));
});
afterAll(async () => {
  server.close();
  await closeReader();
});

const start = (key: string, extra: Partial<StartDocumentTextDetectionCommand['input']> = {}) =>
  textract.send(new StartDocumentTextDetectionCommand({ DocumentLocation: { S3Object: { Bucket: 'bucket', Name: key } }, NotificationChannel: { SNSTopicArn: TOPIC, RoleArn: ROLE }, ...extra }));

async function finished(jobId: string) {
  await jobs.idle();
  return textract.send(new GetDocumentTextDetectionCommand({ JobId: jobId }));
}

describe('the Textract stand-in', () => {
  it('reads a document and gives PAGE, LINE and WORD blocks with geometry, confidence and relationships, columns as separate lines', async () => {
    const { JobId } = await start('fake.pdf', { JobTag: 'abc123' });
    const result = await finished(JobId!);
    expect(result.JobStatus).toBe('SUCCEEDED');
    expect(result.DocumentMetadata).toEqual({ Pages: 2 });
    expect(result.DetectDocumentTextModelVersion).toBe('1.0');
    expect(result.NextToken).toBeUndefined();
    const blocks = result.Blocks!;
    expect(blocks.map((block) => `${block.BlockType}:${block.Page}:${block.Text ?? ''}`)).toEqual([
      'PAGE:1:', 'LINE:1:Zielvereinbarung 2024', 'WORD:1:Zielvereinbarung', 'WORD:1:2024',
      'PAGE:2:', 'LINE:2:Wiesbaden,', 'LINE:2:Kassel,', 'WORD:2:Wiesbaden,', 'WORD:2:Kassel,',
    ]);
    const byId = new Map(blocks.map((block) => [block.Id!, block]));
    const [page, line, word] = blocks as [Block, Block, Block];
    expect(page.Relationships).toEqual([{ Type: 'CHILD', Ids: [line.Id] }]);
    expect(line.Relationships![0]!.Ids!.map((id) => byId.get(id)!.Text)).toEqual(['Zielvereinbarung', '2024']);
    expect(line.Confidence).toBeCloseTo(93.5);
    expect(word).toMatchObject({ TextType: 'PRINTED', Confidence: 96 });
    expect(word.Geometry).toEqual({
      BoundingBox: { Width: 0.3, Height: 0.015, Left: 0.1, Top: 0.05 },
      Polygon: [{ X: 0.1, Y: 0.05 }, { X: 0.4, Y: 0.05 }, { X: 0.4, Y: 0.065 }, { X: 0.1, Y: 0.065 }],
    });
    expect(page.Geometry!.BoundingBox).toEqual({ Width: 1, Height: 1, Left: 0, Top: 0 });
    // The pipeline's Textract adapter reads the two columns back as one row with a cell separator.
    expect(pagesFromBlocks(blocks).get(2)!.lines).toEqual(['Wiesbaden,\tKassel,']);
  });

  it('publishes the end of a job to its topic in the message Textract publishes, echoing the JobTag', async () => {
    published.length = 0;
    const { JobId } = await start('fake.pdf', { JobTag: 'sha-of-document' });
    await jobs.idle();
    expect(published).toHaveLength(1);
    expect(published[0]!.topicArn).toBe(TOPIC);
    expect(published[0]!.message).toEqual({
      JobId,
      Status: 'SUCCEEDED',
      API: 'StartDocumentTextDetection',
      JobTag: 'sha-of-document',
      Timestamp: expect.any(Number),
      DocumentLocation: { S3ObjectName: 'fake.pdf', S3Bucket: 'bucket' },
    });
    expect(Math.abs((published[0]!.message.Timestamp as number) - Date.now())).toBeLessThan(60_000);
  });

  it('pages the results with MaxResults and NextToken as Textract does, DocumentMetadata in every page', async () => {
    const { JobId } = await start('fake.pdf');
    const whole = (await finished(JobId!)).Blocks!;
    const pages: Block[][] = [];
    let token: string | undefined;
    do {
      const page = await textract.send(new GetDocumentTextDetectionCommand({ JobId, MaxResults: 4, NextToken: token }));
      expect(page.DocumentMetadata).toEqual({ Pages: 2 });
      pages.push(page.Blocks!);
      token = page.NextToken;
    } while (token);
    expect(pages.map((page) => page.length)).toEqual([4, 4, 1]);
    expect(pages.flat()).toEqual(whole);
    await expect(textract.send(new GetDocumentTextDetectionCommand({ JobId, NextToken: 'not-a-token' }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(textract.send(new GetDocumentTextDetectionCommand({ JobId: 'no-such-job' }))).rejects.toBeInstanceOf(InvalidJobIdException);
  });

  it('starts one job for one ClientRequestToken, and refuses the token for another request', async () => {
    const reads = readCalls;
    const first = await start('fake.pdf', { ClientRequestToken: 'document-1', JobTag: 'one' });
    const again = await start('fake.pdf', { ClientRequestToken: 'document-1', JobTag: 'one' });
    expect(again.JobId).toBe(first.JobId);
    await jobs.idle();
    expect(readCalls).toBe(reads + 1);
    await expect(start('fake.pdf', { ClientRequestToken: 'document-1', JobTag: 'two' })).rejects.toBeInstanceOf(IdempotentParameterMismatchException);
    const other = await start('fake.pdf', { ClientRequestToken: 'document-2', JobTag: 'one' });
    expect(other.JobId).not.toBe(first.JobId);
  });

  it('refuses a start for an object that is not there', async () => {
    await expect(start('missing.pdf')).rejects.toBeInstanceOf(InvalidS3ObjectException);
  });

  it('throttles on demand; the SDK retries, as it does Textract', async () => {
    const throttledBefore = jobs.throttled;
    jobs.throttle(2);
    const { JobId } = await start('fake.pdf');
    expect(JobId).toMatch(/^[0-9a-f]{64}$/);
    expect(jobs.throttled - throttledBefore).toBe(2);
    const once = client(1);
    jobs.throttle(1);
    await expect(once.send(new GetDocumentTextDetectionCommand({ JobId }))).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
  });

  it('throttles one operation on demand and lets the other through', async () => {
    const { JobId } = await start('fake.pdf');
    const once = client(1);
    jobs.throttle(5, 'StartDocumentTextDetection');
    await expect(once.send(new StartDocumentTextDetectionCommand({ DocumentLocation: { S3Object: { Bucket: 'bucket', Name: 'fake.pdf' } } }))).rejects.toBeInstanceOf(
      ProvisionedThroughputExceededException,
    );
    expect((await once.send(new GetDocumentTextDetectionCommand({ JobId }))).JobStatus).toMatch(/^(IN_PROGRESS|SUCCEEDED)$/);
    jobs.throttle(0);
    expect((await once.send(new StartDocumentTextDetectionCommand({ DocumentLocation: { S3Object: { Bucket: 'bucket', Name: 'fake.pdf' } } }))).JobId).toMatch(/^[0-9a-f]{64}$/);
  });

  const failure = async (key: string, bytes: Uint8Array | number) => {
    objects.set(`bucket/${key}`, bytes);
    published.length = 0;
    const { JobId } = await start(key, { JobTag: 'failing' });
    const result = await finished(JobId!);
    expect(published.map((notice) => notice.message.Status)).toEqual(['FAILED']);
    expect(result.Blocks).toBeUndefined();
    expect(result.JobStatus).toBe('FAILED');
    return result.StatusMessage;
  };

  it('fails a job, with the reason in StatusMessage, for a file that is not a PDF and for a password-protected PDF', async () => {
    expect(await failure('not-a-pdf.pdf', fixture('bad/not-a-pdf.pdf'))).toBe('UnsupportedDocumentException: Request has unsupported document format');
    expect(await failure('encrypted.pdf', fixture('bad/encrypted-user-password.pdf'))).toBe(
      'UnsupportedDocumentException: Request has unsupported document format (the PDF is password protected).',
    );
  });

  it('fails a job past Textract\'s own limits: 3,000 pages, 500 MB, 9,000 points a side', async () => {
    expect(await failure('thousands.pdf', fixture('bad/thousands-of-pages.pdf'))).toBe(
      'DocumentTooLargeException: the document has 5000 pages; the maximum for asynchronous operations is 3000.',
    );
    expect(await failure('huge.pdf', 500 * 1024 * 1024 + 1)).toBe(
      `DocumentTooLargeException: the document has ${500 * 1024 * 1024 + 1} bytes; the maximum for asynchronous operations on PDFs is 500 MB.`,
    );
    expect(await failure('giant-page.pdf', fixture('bad/giant-page.pdf'))).toBe('UnsupportedDocumentException: a page is larger than 9000 points on a side.');
  });

  it('reads through a reader process under hard limits: a document that hangs its reader fails the job, saying which limit stopped it', async () => {
    const hanging = new Uint8Array(readFileSync(`${fixturesRoot}hostile/endless-content.pdf`));
    const started = Date.now();
    const reading = readPages(hanging, { pageTimeoutMs: 2_000, timeoutMs: 10_000 });
    await expect(reading).rejects.toBeInstanceOf(UnreadableDocument);
    // Its operator list grows for as long as the page runs: the page's time limit or the memory limit
    // stops it, whichever it reaches first (as in hostile.test).
    await expect(reading).rejects.toThrow(/^UnsupportedDocumentException: Request has unsupported document format \(the stand-in's reader was stopped: .*(EXTRACTION_PAGE_TIMEOUT_MS|EXTRACTION_MEMORY_MIB)/);
    // Stopped at a limit of the page's or the reader's, not after the document's.
    expect(Date.now() - started).toBeLessThan(10_000);
    // The next document gets a fresh reader.
    expect(await readPages(await pdfWithPages(fixture('mixed/mixed-2024-werra-meissner-kreis.pdf'), [2]))).toHaveLength(1);
  }, 120_000);

  it('reads a scanned page with tesseract.js: its words, where they lie on the page', async () => {
    const signaturePage = await pdfWithPages(fixture('mixed/mixed-2024-werra-meissner-kreis.pdf'), [2]);
    await expect(readPages(new Uint8Array([1, 2, 3]))).rejects.toBeInstanceOf(UnreadableDocument);
    const [page, ...rest] = await readPages(signaturePage);
    expect(rest).toEqual([]);
    expect(page!.width).toBeGreaterThan(2000);
    const text = page!.lines.map((line) => line.map((word) => word.text).join(' ')).join('\n');
    expect(text).toMatch(/Werra-Mei(ß|ss)ner-Kreis/);
    for (const word of page!.lines.flat()) {
      expect(word.x0).toBeLessThan(word.x1);
      expect(word.y0).toBeLessThan(word.y1);
      expect(word.x1).toBeLessThanOrEqual(page!.width);
      expect(word.y1).toBeLessThanOrEqual(page!.height);
    }
  }, 120_000);
});
