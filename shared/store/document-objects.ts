import { createHash } from 'node:crypto';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { AgreementRecord } from '../schema/record.js';
import { quarantineKey, recordKey, recordTextKey } from '../keys.js';
import type { StoredDocument } from './records.js';

/**
 * What the bucket holds of a document: the PDF as uploaded, the record and the text it was read from
 * beside it, and a rejected original's copy in quarantine.
 */

export interface Bucket {
  s3: S3Client;
  bucket: string;
}

/** An object that is not there: GetObject says NoSuchKey, HeadObject (which has no body to say it in) NotFound. */
export const isMissing = (error: unknown) => error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound');

/** What S3 says of an upload before it is read: its size, its batch, and the SHA-256 it verified on upload, if any. */
export interface UploadHead {
  size: number;
  /** From the `x-amz-meta-batch` metadata `agreements upload` sets. */
  batchId?: string;
  /** The SHA-256 (hex) of a single PUT's bytes S3 checked on upload; a multipart upload's composite checksum is none. */
  sha256?: string;
}

export async function headUpload(key: string, { s3, bucket }: Bucket): Promise<UploadHead> {
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
  const checksum = head.ChecksumSHA256;
  return {
    size: head.ContentLength ?? 0,
    batchId: head.Metadata?.batch || undefined,
    sha256: checksum && !checksum.includes('-') ? Buffer.from(checksum, 'base64').toString('hex') : undefined,
  };
}

/** The batch an object was uploaded in; none when it has gone since. */
export async function batchOfUpload(key: string, bucket: Bucket): Promise<string | undefined> {
  try {
    return (await headUpload(key, bucket)).batchId;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

export async function readUpload(key: string, { s3, bucket }: Bucket): Promise<Uint8Array> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!object.Body) throw new Error(`object ${key} has no body`);
  return object.Body.transformToByteArray();
}

/** The SHA-256 (hex) of an object, hashed as it streams past: for one too large to hold. */
export async function streamedSha256(key: string, { s3, bucket }: Bucket): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const hash = createHash('sha256');
  for await (const chunk of object.Body as AsyncIterable<Uint8Array>) hash.update(chunk);
  return hash.digest('hex');
}

/** The PDF as uploaded, from the first of the document's keys still in the bucket, to be read or streamed. */
export async function openOriginal(stored: StoredDocument, { s3, bucket }: Bucket): Promise<{ key: string; object: GetObjectCommandOutput } | undefined> {
  for (const key of stored.keys) {
    try {
      return { key, object: await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })) };
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }
  return undefined;
}

/** `records/<sha256>.json`: the record as stored in the table, for readers of the bucket. */
export async function writeRecordObject(record: AgreementRecord, { s3, bucket }: Bucket): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: recordKey(record.documentId), Body: JSON.stringify(record, null, 2), ContentType: 'application/json' }));
}

/** `records/<sha256>.txt`: the text a record was read from, pages separated by form feeds. */
export async function writeRecordText(documentId: string, text: string, { s3, bucket }: Bucket): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: recordTextKey(documentId), Body: text, ContentType: 'text/plain; charset=utf-8' }));
}

/** The text a record was read from (`records/<sha256>.txt`, pages separated by form feeds); documents stored before texts were kept have none. */
export async function readRecordText(documentId: string, { s3, bucket }: Bucket): Promise<string | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: recordTextKey(documentId) }));
    return await object.Body!.transformToString('utf8');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** Copies a rejected upload's original to quarantine/, where a person finds what was not read. */
export async function quarantine(key: string, { s3, bucket }: Bucket): Promise<void> {
  await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: quarantineKey(key), CopySource: `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}` }));
}

/** Takes an upload's copy out of quarantine/, once it has been read after all. */
export async function releaseFromQuarantine(key: string, { s3, bucket }: Bucket): Promise<void> {
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: quarantineKey(key) }));
}
