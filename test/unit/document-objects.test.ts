import { CopyObjectCommand, GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { batchOfUpload, headUpload, openOriginal, quarantine, readRecordText } from '../../shared/store/document-objects.js';
import type { StoredDocument } from '../../shared/store/records.js';

const s3 = mockClient(S3Client);
const bucket = { s3: new S3Client({ region: 'eu-central-1' }), bucket: 'uploads' };
const documentId = `sha256:${'a'.repeat(64)}`;

const missing = () => new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
/** A response body as the SDK gives it, as far as the store reads it. */
const body = (text: string) => ({ transformToString: async () => text }) as never;
const stored = (keys: string[]): StoredDocument => ({ documentId, keys, audit: [], version: 1 });

beforeEach(() => s3.reset());

describe('openOriginal', () => {
  it('opens the first of the document keys still in the bucket, skipping those deleted since', async () => {
    s3.on(GetObjectCommand, { Key: 'incoming/zv-2025/a.pdf' }).rejects(missing());
    s3.on(GetObjectCommand, { Key: 'incoming/nachtrag/a.pdf' }).resolves({ Body: body('%PDF-1.7'), ContentLength: 8 });
    const opened = await openOriginal(stored(['incoming/zv-2025/a.pdf', 'incoming/nachtrag/a.pdf', 'incoming/later/a.pdf']), bucket);
    expect(opened?.key).toBe('incoming/nachtrag/a.pdf');
    expect(await opened?.object.Body?.transformToString()).toBe('%PDF-1.7');
    expect(s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input)).toEqual([
      { Bucket: 'uploads', Key: 'incoming/zv-2025/a.pdf' },
      { Bucket: 'uploads', Key: 'incoming/nachtrag/a.pdf' },
    ]);
  });

  it('gives nothing when every key is gone', async () => {
    s3.on(GetObjectCommand).rejects(missing());
    expect(await openOriginal(stored(['incoming/a.pdf', 'incoming/b.pdf']), bucket)).toBeUndefined();
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(2);
  });

  it('passes on any other failure instead of trying the next key', async () => {
    s3.on(GetObjectCommand).rejects(new S3ServiceException({ name: 'AccessDenied', $fault: 'client', message: 'Access Denied', $metadata: { httpStatusCode: 403 } }));
    await expect(openOriginal(stored(['incoming/a.pdf', 'incoming/b.pdf']), bucket)).rejects.toThrow('Access Denied');
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
  });
});

describe('readRecordText', () => {
  it('reads the text a record was read from, beside the record', async () => {
    s3.on(GetObjectCommand, { Bucket: 'uploads', Key: `records/${'a'.repeat(64)}.txt` }).resolves({ Body: body('Seite 1\fSeite 2 – Zielvereinbarung') });
    expect(await readRecordText(documentId, bucket)).toBe('Seite 1\fSeite 2 – Zielvereinbarung');
  });

  it('gives nothing for a record stored before texts were kept', async () => {
    s3.on(GetObjectCommand).rejects(missing());
    expect(await readRecordText(documentId, bucket)).toBeUndefined();
  });

  it('passes on any other failure', async () => {
    s3.on(GetObjectCommand).rejects(new S3ServiceException({ name: 'SlowDown', $fault: 'server', message: 'Please reduce your request rate.', $metadata: { httpStatusCode: 503 } }));
    await expect(readRecordText(documentId, bucket)).rejects.toThrow('Please reduce your request rate.');
  });
});

describe('headUpload', () => {
  it('gives the size, the batch and the SHA-256 S3 verified on a single PUT, in hex', async () => {
    const sha256 = 'ab'.repeat(32);
    s3.on(HeadObjectCommand, { Bucket: 'uploads', Key: 'incoming/b/a.pdf', ChecksumMode: 'ENABLED' }).resolves({
      ContentLength: 1234,
      Metadata: { batch: 'zv-2025' },
      ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
    });
    expect(await headUpload('incoming/b/a.pdf', bucket)).toEqual({ size: 1234, batchId: 'zv-2025', sha256 });
  });

  it('takes no digest from a multipart upload\'s composite checksum, and no batch from an empty one', async () => {
    s3.on(HeadObjectCommand).resolves({ ContentLength: 99, Metadata: { batch: '' }, ChecksumSHA256: 'q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=-3' });
    expect(await headUpload('incoming/a.pdf', bucket)).toEqual({ size: 99, batchId: undefined, sha256: undefined });
  });
});

describe('batchOfUpload', () => {
  it('gives no batch for an object gone since, and passes on any other failure', async () => {
    s3.on(HeadObjectCommand, { Key: 'incoming/gone.pdf' }).rejects(new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } }));
    s3.on(HeadObjectCommand, { Key: 'incoming/denied.pdf' }).rejects(new S3ServiceException({ name: 'AccessDenied', $fault: 'client', message: 'Access Denied', $metadata: { httpStatusCode: 403 } }));
    expect(await batchOfUpload('incoming/gone.pdf', bucket)).toBeUndefined();
    await expect(batchOfUpload('incoming/denied.pdf', bucket)).rejects.toThrow('Access Denied');
  });
});

describe('quarantine', () => {
  it('copies a rejected original from incoming/ to quarantine/, its key encoded as a copy source', async () => {
    s3.on(CopyObjectCommand).resolves({});
    await quarantine('incoming/zv 2025/Kopie #1.pdf', bucket);
    expect(s3.commandCalls(CopyObjectCommand).map((call) => call.args[0].input)).toEqual([
      { Bucket: 'uploads', Key: 'quarantine/zv 2025/Kopie #1.pdf', CopySource: 'uploads/incoming/zv%202025/Kopie%20%231.pdf' },
    ]);
  });
});
