import { readFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { DeleteObjectCommand, HeadObjectCommand, type HeadObjectCommandOutput, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { FoundFile } from '../files.js';
import { type FileDigest, MiB, StreamDigest } from './digest.js';
import { ChecksumMismatchError, FileChangedError, isNotFound } from './retry.js';

/**
 * One file to its object: a single PutObject with the file's SHA-256 for S3 to check, or a multipart
 * upload with a SHA-256 per part whose composite is compared with the one computed when the file was
 * hashed. The bytes are hashed again as they are read for sending, so that a file that changed since is
 * caught; an object whose checksum S3 reports differently is removed.
 */

export interface PlannedFile extends FoundFile {
  key: string;
  digest: FileDigest;
  multipart: boolean;
  partSize: number;
}

/** Where the files go: the bucket, the batch (in each object's metadata) and the run's cancellation. */
export interface Destination {
  s3: S3Client;
  bucket: string;
  batch: string;
  signal?: AbortSignal;
}

/** The object under the file's key, when there is one. */
export async function headObject({ s3, bucket, signal }: Destination, key: string): Promise<HeadObjectCommandOutput | undefined> {
  return s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }), { abortSignal: signal }).catch((error: unknown) => {
    if (isNotFound(error)) return undefined;
    throw error;
  });
}

/**
 * The object already holds the file: same size, same batch, and the same SHA-256 — S3's own checksum
 * where it has one comparable (the whole object's for a single PUT, the composite for a multipart upload
 * in the same parts), otherwise the `sha256` metadata written with it.
 */
export function isSameObject(head: HeadObjectCommandOutput, file: PlannedFile, batch: string): boolean {
  if (head.ContentLength !== file.digest.bytes) return false;
  if (head.Metadata?.batch !== batch) return false;
  const checksum = head.ChecksumSHA256;
  if (checksum && !checksum.includes('-')) return checksum === file.digest.sha256Base64;
  if (checksum && file.digest.composite && checksum.endsWith(`-${file.digest.composite.split('-')[1]}`)) return checksum === file.digest.composite;
  return head.Metadata?.sha256 === file.digest.sha256;
}

/** Sends the file as one object; `sent` is told the bytes sent. */
export async function sendFile(destination: Destination, file: PlannedFile, sent: (total: number) => void): Promise<void> {
  if (file.multipart) await putMultipart(destination, file, sent);
  else await putSingle(destination, file, sent);
}

async function putSingle({ s3, bucket, batch, signal }: Destination, file: PlannedFile, sent: (total: number) => void) {
  // At most one part's worth of bytes: read them, and send exactly the bytes that were hashed again.
  const body = await readFile(file.path);
  const digest = new StreamDigest(file.partSize);
  digest.update(body);
  const { sha256, sha256Base64, bytes } = digest.digest();
  if (bytes !== file.digest.bytes || sha256 !== file.digest.sha256) throw new FileChangedError();
  const response = await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: file.key,
      Body: body,
      ContentLength: bytes,
      ContentType: 'application/pdf',
      ChecksumAlgorithm: 'SHA256',
      ChecksumSHA256: sha256Base64,
      Metadata: { batch, sha256 },
    }),
    { abortSignal: signal },
  );
  if (response.ChecksumSHA256 && response.ChecksumSHA256 !== sha256Base64) {
    await removeObject(s3, bucket, file.key);
    throw new ChecksumMismatchError(`checksum mismatch: S3 reports SHA-256 ${response.ChecksumSHA256}, the file has ${sha256Base64}; the object was removed`);
  }
  sent(bytes);
}

async function putMultipart({ s3, bucket, batch, signal }: Destination, file: PlannedFile, sent: (total: number) => void) {
  // Streamed: hashed again as it is read; a difference fails the stream before the last part, so the
  // multipart upload is aborted and never completed.
  const expected = file.digest;
  const digest = new StreamDigest(file.partSize);
  const source = createReadStream(file.path, { highWaterMark: MiB });
  const checked = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      digest.update(chunk);
      if (digest.bytes > expected.bytes) callback(new FileChangedError());
      else callback(null, chunk);
    },
    flush(callback) {
      const actual = digest.digest();
      callback(actual.bytes === expected.bytes && actual.sha256 === expected.sha256 ? null : new FileChangedError());
    },
  });
  source.on('error', (error) => checked.destroy(error));
  source.pipe(checked);
  const abortController = new AbortController();
  const cancel = () => abortController.abort();
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    const upload = new Upload({
      client: s3,
      partSize: file.partSize,
      queueSize: 2,
      leavePartsOnError: false,
      abortController,
      params: {
        Bucket: bucket,
        Key: file.key,
        Body: checked,
        ContentLength: expected.bytes,
        ContentType: 'application/pdf',
        ChecksumAlgorithm: 'SHA256',
        Metadata: { batch, sha256: expected.sha256 },
      },
    });
    upload.on('httpUploadProgress', ({ loaded }) => {
      if (loaded !== undefined && loaded < expected.bytes) sent(loaded);
    });
    const response = await upload.done();
    const reported = 'ChecksumSHA256' in response ? response.ChecksumSHA256 : undefined;
    if (reported && expected.composite && reported !== expected.composite) {
      await removeObject(s3, bucket, file.key);
      throw new ChecksumMismatchError(`checksum mismatch: S3 reports SHA-256 ${reported} for the parts, the file has ${expected.composite}; the object was removed`);
    }
    sent(expected.bytes);
  } finally {
    signal?.removeEventListener('abort', cancel);
    source.destroy();
    checked.destroy();
  }
}

async function removeObject(s3: S3Client, bucket: string, key: string) {
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(() => undefined);
}
