import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { recordTextKey } from './keys.js';
import type { StoredDocument } from './records.js';

/** What the bucket holds of a stored document beside its record: the PDF as uploaded, and the text it was read from. */

interface Bucket {
  s3: S3Client;
  bucket: string;
}

const isMissing = (error: unknown) => error instanceof Error && error.name === 'NoSuchKey';

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
