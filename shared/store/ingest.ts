import { createHash } from 'node:crypto';
import { CopyObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ExtractionConfig } from '../config.js';
import { extractDocument } from '../extract/extract-document.js';
import type { OcrEngine } from '../ocr/engine.js';
import type { AgreementRecord } from '../schema/record.js';
import type { RecordsTable } from './records.js';

/**
 * One uploaded object through the pipeline: size checked before download, record extracted (or taken
 * from the table when the same bytes were seen before), stored in the table and as
 * records/<sha256>.json, and a rejected original copied to quarantine/. Safe to run twice for the same
 * object or for the same bytes under another key.
 */

export interface IngestDependencies {
  s3: S3Client;
  table: RecordsTable;
  bucket: string;
  config: ExtractionConfig;
  ocr?: OcrEngine;
  now?: () => Date;
}

export type IngestOutcome =
  | { kind: 'skipped'; key: string; reason: string }
  | { kind: 'stored'; key: string; record: AgreementRecord; reused: boolean };

export const isPdfKey = (key: string) => /\.pdf$/i.test(key);

export const baseName = (key: string) => key.slice(key.lastIndexOf('/') + 1);

export async function ingestObject(key: string, dependencies: IngestDependencies): Promise<IngestOutcome> {
  const { s3, table, bucket, config } = dependencies;
  if (!isPdfKey(key)) return { kind: 'skipped', key, reason: 'not a .pdf key' };
  const now = dependencies.now?.() ?? new Date();

  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  const size = head.ContentLength ?? 0;
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const body = object.Body;
  if (!body) throw new Error(`object ${key} has no body`);

  let record: AgreementRecord;
  if (size > config.limits.maxFileBytes) {
    // Too large to extract: hash it as it streams past, keep none of it, and reject it.
    const hash = createHash('sha256');
    for await (const chunk of body as AsyncIterable<Uint8Array>) hash.update(chunk);
    record = {
      documentId: `sha256:${hash.digest('hex')}`,
      fileName: baseName(key),
      status: 'rejected',
      textSource: 'pdf-text',
      pages: 0,
      agreement: {},
      issues: [{ path: 'document', code: 'limit.file_size', message: `The file has ${size} bytes, more than the limit of ${config.limits.maxFileBytes} bytes.` }],
    };
  } else {
    const bytes = await body.transformToByteArray();
    const documentId = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const known = await table.get(documentId);
    if (known) {
      await table.addKey(documentId, key);
      return { kind: 'stored', key, record: known.record, reused: true };
    }
    record = await extractDocument(bytes, baseName(key), { config, ocr: dependencies.ocr, now: dependencies.now });
  }

  const hex = record.documentId.slice('sha256:'.length);
  await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: `records/${hex}.json`, Body: JSON.stringify(record, null, 2), ContentType: 'application/json' }),
  );
  if (record.status === 'rejected') {
    await s3.send(
      new CopyObjectCommand({ Bucket: bucket, Key: `quarantine/${key.replace(/^incoming\//, '')}`, CopySource: `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}` }),
    );
  }
  await table.put(record, key, now);
  return { kind: 'stored', key, record, reused: false };
}
