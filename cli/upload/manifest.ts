import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { type BatchManifest, batchManifestSchema } from '../../shared/schema/manifest.js';
import { isNotFound } from './retry.js';
import type { Destination } from './send.js';

/**
 * The batch's manifest (`batches/<batch>/manifest.json`), written before the first file: how many
 * documents the batch expects and each file's key, size and SHA-256. A later run of the same batch
 * merges its files in.
 */

/** The files of both, by key; an entry of `next` replaces one of `previous` with the same key. */
export function mergeManifest(previous: BatchManifest | undefined, next: BatchManifest): BatchManifest {
  if (!previous) return next;
  const byKey = new Map(previous.files.map((file) => [file.key, file]));
  for (const file of next.files) byKey.set(file.key, file);
  const files = [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { batch: next.batch, createdAt: previous.createdAt, updatedAt: next.createdAt, files, expected: files.length };
}

export async function readManifest({ s3, bucket, signal }: Destination, key: string): Promise<BatchManifest | undefined> {
  let text: string;
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    text = (await object.Body?.transformToString('utf8')) ?? '';
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  const parsed = batchManifestSchema.safeParse(
    (() => {
      try {
        return JSON.parse(text);
      } catch {
        return undefined;
      }
    })(),
  );
  if (!parsed.success) throw new Error(`s3://${bucket}/${key} exists but is not a batch manifest; remove it or choose another batch name`);
  return parsed.data;
}

export async function writeManifest({ s3, bucket, batch, signal }: Destination, key: string, manifest: BatchManifest): Promise<void> {
  const body = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: body,
      ContentType: 'application/json',
      ChecksumAlgorithm: 'SHA256',
      ChecksumSHA256: createHash('sha256').update(body).digest('base64'),
      Metadata: { batch },
    }),
    { abortSignal: signal },
  );
}
