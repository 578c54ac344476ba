import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { forEachLimited } from '../../shared/concurrency.js';
import type { BatchManifest } from '../../shared/schema/manifest.js';
import { incomingKey, manifestKey as batchManifestKey } from '../../shared/keys.js';
import { findPdfFiles, type FoundFile, UsageError } from '../files.js';
import { DEFAULT_PART_SIZE, DEFAULT_RETRIES, DEFAULT_UPLOAD_CONCURRENCY } from './defaults.js';
import { effectivePartSize, hashFile, MIN_PART_SIZE } from './digest.js';
import { mergeManifest, readManifest, writeManifest } from './manifest.js';
import type { FileOutcome, UploadProgressSink, UploadResult } from './model.js';
import { describeUploadError, errorShape, isRetryable, type RetryPolicy, withRetries } from './retry.js';
import { type Destination, headObject, isSameObject, type PlannedFile, sendFile } from './send.js';

/**
 * `agreements upload`: sends agreement PDFs to the pipeline's bucket as one batch.
 *
 * Every file is hashed (SHA-256) before anything is sent, the batch's manifest is written, and then each
 * file goes to `incoming/<batch>/<relative path>` with its digest, so that S3 checks the bytes it
 * receives (see send.ts). A run can be repeated with the same batch name: objects already in the bucket
 * with the same digest are skipped.
 */

const MAX_KEY_BYTES = 1024;

export interface UploadOptions {
  s3: S3Client;
  bucket: string;
  /** Files or folders, found by the rules of `findPdfFiles` (a named file is sent only if its content is a PDF). */
  paths: string[];
  /** Batch name; default `upload-<UTC yyyyMMdd-HHmmss>`; sanitized to [A-Za-z0-9._-], at most 64 characters. */
  batch?: string;
  /** Files in flight at once. */
  concurrency?: number;
  /** Multipart part size in bytes, at least 5 MiB; larger files are sent in parts. */
  partSize?: number;
  /** Further attempts after a retryable error (network, 5xx, throttling). */
  retries?: number;
  progress?: UploadProgressSink;
  now?: () => Date;
  /** Stops starting files and cancels those in flight; they are reported failed ("cancelled"). */
  signal?: AbortSignal;
  /** Called right before a file is read for sending (on each attempt). For tests only. */
  beforeUpload?: (path: string) => void | Promise<void>;
}

const uploadSettingsSchema = z.object({
  concurrency: z.number().int().min(1).default(DEFAULT_UPLOAD_CONCURRENCY),
  retries: z.number().int().min(0).default(DEFAULT_RETRIES),
  partSize: z.number().int().min(MIN_PART_SIZE).default(DEFAULT_PART_SIZE),
});

/** The batch name as used in keys and metadata: [A-Za-z0-9._-], at most 64 characters. */
export function sanitizeBatchName(name: string): string {
  const sanitized = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+/, '')
    .slice(0, 64)
    .replace(/[-.]+$/, '');
  if (!/[A-Za-z0-9]/.test(sanitized)) throw new UsageError(`the batch name "${name}" has no letters or digits`);
  return sanitized;
}

/** `upload-<UTC yyyyMMdd-HHmmss>`. */
export function defaultBatchName(now: Date): string {
  const iso = now.toISOString(); // 2025-01-02T03:04:05.678Z
  return `upload-${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
}

/** The outcomes of a run, by status, in the order they came. */
class Outcomes {
  readonly uploaded: FileOutcome[] = [];
  readonly skipped: FileOutcome[] = [];
  readonly failed: (FileOutcome & { reason: string })[] = [];

  add(outcome: FileOutcome) {
    if (outcome.status === 'uploaded') this.uploaded.push(outcome);
    else if (outcome.status === 'skipped') this.skipped.push(outcome);
    else this.failed.push({ ...outcome, reason: outcome.reason ?? 'failed' });
  }
}

const outcomeBase = (file: PlannedFile) => ({
  path: file.path,
  relativePath: file.relativePath,
  key: file.key,
  bytes: file.digest.bytes,
  sha256: file.digest.sha256,
  multipart: file.multipart,
});

export async function uploadBatch(options: UploadOptions): Promise<UploadResult> {
  const started = Date.now();
  const now = options.now ?? (() => new Date());
  const { concurrency, retries, partSize } = uploadSettingsSchema.parse({ concurrency: options.concurrency, retries: options.retries, partSize: options.partSize });
  const batch = sanitizeBatchName(options.batch ?? defaultBatchName(now()));
  const manifestKey = batchManifestKey(batch);
  const destination: Destination = { s3: options.s3, bucket: options.bucket, batch, signal: options.signal };
  const retry: RetryPolicy = { retries, signal: options.signal };

  const found = await findPdfFiles(options.paths, { namedFiles: 'pdf-content' });
  const ignored = [...found.skipped, ...found.foldersWithoutPdf.map((path) => ({ path, reason: 'no PDF files in this folder' }))];
  if (found.files.length === 0) {
    const others = found.skipped.length ? ` (${found.skipped.length} other ${found.skipped.length === 1 ? 'entry' : 'entries'} ignored)` : '';
    throw new UsageError(`no PDF files found in ${options.paths.join(', ')}${others}`);
  }

  const outcomes = new Outcomes();
  const result = (): UploadResult => ({ batch, manifestKey, ...outcomes, ignored, elapsedMs: Date.now() - started });

  // 1. Hash every file first: the manifest names each file's digest before any of them is sent.
  const files = await planFiles(found.files, { batch, partSize, concurrency, outcomes });
  const cancelAll = () => {
    for (const file of files) outcomes.add({ ...outcomeBase(file), status: 'failed', attempts: 0, reason: 'cancelled before it was uploaded' });
    return result();
  };
  if (files.length === 0) return result();
  if (options.signal?.aborted) return cancelAll();

  // 2. The manifest, merged with the one of an earlier run of the same batch, before the first upload.
  // 3. Only objects already under the batch's prefix (from an earlier run) can be skipped, so only those
  // are looked at one by one; without permission to list the bucket, every file is looked at.
  let present: Set<string> | undefined;
  try {
    const previous = await withRetries(() => readManifest(destination, manifestKey), retry);
    await withRetries(() => writeManifest(destination, manifestKey, mergeManifest(previous, manifestOf(batch, files, now()))), retry);
    present = await withRetries(() => listKeys(destination, incomingKey(batch, '')), retry).catch((error: unknown) => {
      if (errorShape(error).$metadata?.httpStatusCode === 403 && !options.signal?.aborted) return undefined;
      throw error;
    });
  } catch (error) {
    if (options.signal?.aborted) return cancelAll();
    throw error;
  }

  // 4. The files.
  const { progress } = options;
  try {
    await progress?.start(files.length, files.reduce((sum, file) => sum + file.digest.bytes, 0));
    await forEachLimited(files, concurrency, async (file) => {
      const outcome = await uploadFile(file, { destination, retry, present, progress, beforeUpload: options.beforeUpload });
      outcomes.add(outcome);
      await progress?.file(outcome);
    });
  } finally {
    progress?.stop();
  }
  return result();
}

/** Each file's key and digest; a file that cannot be read, or whose key would be too long, is recorded failed. */
async function planFiles(
  found: readonly FoundFile[],
  { batch, partSize, concurrency, outcomes }: { batch: string; partSize: number; concurrency: number; outcomes: Outcomes },
): Promise<PlannedFile[]> {
  const planned: (PlannedFile | undefined)[] = new Array(found.length);
  await forEachLimited(found, concurrency, async (file, index) => {
    const key = incomingKey(batch, file.relativePath);
    const failed = (reason: string) => outcomes.add({ ...file, key, bytes: 0, sha256: '', multipart: false, attempts: 0, status: 'failed', reason });
    if (Buffer.byteLength(key) > MAX_KEY_BYTES) return failed(`the object key would be longer than S3's limit of ${MAX_KEY_BYTES} bytes`);
    try {
      const digest = await hashFile(file.path, partSize);
      const filePartSize = effectivePartSize(digest.bytes, partSize);
      planned[index] = { ...file, key, digest, multipart: digest.bytes > filePartSize, partSize: filePartSize };
    } catch (error) {
      failed(`could not read the file: ${describeUploadError(error)}`);
    }
  });
  return planned.filter((file): file is PlannedFile => file !== undefined);
}

function manifestOf(batch: string, files: readonly PlannedFile[], createdAt: Date): BatchManifest {
  return {
    batch,
    createdAt: createdAt.toISOString(),
    files: files
      .map(({ relativePath, key, digest }) => ({ path: relativePath, key, bytes: digest.bytes, sha256: digest.sha256 }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    expected: files.length,
  };
}

interface FileUpload {
  destination: Destination;
  retry: RetryPolicy;
  /** The keys already under the batch's prefix; undefined when the bucket could not be listed. */
  present: Set<string> | undefined;
  progress?: UploadProgressSink;
  beforeUpload?: (path: string) => void | Promise<void>;
}

/**
 * One file, with retries: skipped when its object already holds the same bytes (looked at where the
 * listing has the key, and again on every retry, as a failed attempt may have arrived after all).
 */
async function uploadFile(file: PlannedFile, { destination, retry, present, progress, beforeUpload }: FileUpload): Promise<FileOutcome> {
  const base = outcomeBase(file);
  const count = { attempts: 0 };
  if (destination.signal?.aborted) return { ...base, status: 'failed', attempts: 0, reason: 'cancelled before it was uploaded' };
  let sentBytes = 0; // the most bytes reported sent in any attempt, so that a retry does not count twice
  const sent = (total: number) => {
    if (total > sentBytes) {
      progress?.bytes(total - sentBytes);
      sentBytes = total;
    }
  };
  try {
    const status = await withRetries(
      async (attempt) => {
        const head = attempt > 1 || !present || present.has(file.key) ? await headObject(destination, file.key) : undefined;
        if (head && isSameObject(head, file, destination.batch)) return 'skipped' as const;
        await beforeUpload?.(file.path);
        await sendFile(destination, file, sent);
        return 'uploaded' as const;
      },
      retry,
      count,
    );
    return { ...base, status, attempts: count.attempts };
  } catch (error) {
    const exhausted = count.attempts > 1 && isRetryable(error) ? ` (gave up after ${count.attempts} attempts)` : '';
    return { ...base, status: 'failed', attempts: count.attempts, reason: `${describeUploadError(error)}${exhausted}` };
  }
}

async function listKeys({ s3, bucket, signal }: Destination, prefix: string): Promise<Set<string>> {
  const keys = new Set<string>();
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }), { abortSignal: signal });
    for (const object of page.Contents ?? []) if (object.Key) keys.add(object.Key);
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}
