import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { z } from 'zod';
import { type BatchManifest, batchManifestSchema, manifestKey as batchManifestKey } from '../shared/store/batches.js';
import { resolveDeployment } from './deployment.js';
import { findPdfFiles, type FoundFile, UsageError } from './files.js';
import { createUploadProgress, formatUploadSummary } from './upload-progress.js';

/**
 * `agreements upload`: sends agreement PDFs to the pipeline's bucket as one batch.
 *
 * Every file is hashed (SHA-256) before anything is sent, the batch's manifest is written, and then each
 * file goes to `incoming/<batch>/<relative path>` with its digest, so that S3 checks the bytes it
 * receives: a single PutObject carries the whole file's SHA-256, a multipart upload (files larger than
 * the part size) a SHA-256 per part, and the composite S3 reports back is compared with the one computed
 * locally. The bytes are hashed again as they are read for sending; if they are not the bytes hashed
 * first, the file changed and is reported failed. A run can be repeated with the same batch name:
 * objects already in the bucket with the same digest are skipped.
 */

export const MiB = 1024 * 1024;
/** S3's smallest part (all but the last) and largest number of parts of a multipart upload. */
const MIN_PART_SIZE = 5 * MiB;
const MAX_PARTS = 10_000;
const MAX_KEY_BYTES = 1024;
const RETRY_BASE_MS = 200;
const RETRY_CAP_MS = 20_000;

export type FileStatus = 'uploaded' | 'skipped' | 'failed';

export interface FileOutcome {
  /** The file on disk, as found (absolute; through symbolic links, not resolved). */
  path: string;
  /** Its path relative to the common root of the given paths, with forward slashes. */
  relativePath: string;
  key: string;
  bytes: number;
  /** Hex SHA-256 of the file as hashed before the upload; empty when it could not be read. */
  sha256: string;
  status: FileStatus;
  /** Sent (or would have been sent) as a multipart upload. */
  multipart: boolean;
  /** Attempts made at the bucket (0 when it never got that far). */
  attempts: number;
  reason?: string;
}

export interface UploadProgressSink {
  /** After the manifest is written, before the first file is checked or sent. */
  start(totalFiles: number, totalBytes: number): void | Promise<void>;
  /** Once per file, when it is uploaded, skipped or failed. */
  file(outcome: FileOutcome): void | Promise<void>;
  /** Bytes sent to the bucket since the last call (never counts a retried byte twice). */
  bytes(n: number): void;
  /** At the end, also after an error. */
  stop(): void;
}

export interface UploadOptions {
  s3: S3Client;
  bucket: string;
  /** Files or folders, found by the rules of `findPdfFiles` (a named file is sent only if its content is a PDF). */
  paths: string[];
  /** Batch name; default `upload-<UTC yyyyMMdd-HHmmss>`; sanitized to [A-Za-z0-9._-], at most 64 characters. */
  batch?: string;
  /** Files in flight at once; default 4. */
  concurrency?: number;
  /** Multipart part size in bytes, default 8 MiB, at least 5 MiB; larger files are sent in parts. */
  partSize?: number;
  /** Further attempts after a retryable error (network, 5xx, throttling); default 4. */
  retries?: number;
  progress?: UploadProgressSink;
  now?: () => Date;
  /** Stops starting files and cancels those in flight; they are reported failed ("cancelled"). */
  signal?: AbortSignal;
  /** Called right before a file is read for sending (on each attempt). For tests only. */
  beforeUpload?: (path: string) => void | Promise<void>;
}

export interface UploadResult {
  batch: string;
  manifestKey: string;
  uploaded: FileOutcome[];
  skipped: FileOutcome[];
  failed: (FileOutcome & { reason: string })[];
  ignored: { path: string; reason: string }[];
  /** Wall time of the whole run, hashing included. */
  elapsedMs: number;
}

/* ------------------------------------------------------------------------------------------------ */
/* Batch names and keys                                                                              */

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

export const incomingKey = (batch: string, relativePath: string) => `incoming/${batch}/${relativePath}`;

/* ------------------------------------------------------------------------------------------------ */
/* Hashing                                                                                           */

export interface FileDigest {
  bytes: number;
  /** Hex SHA-256 of the whole file. */
  sha256: string;
  sha256Base64: string;
  /** For a multipart upload: S3's composite checksum, base64(SHA-256 of the parts' digests)-<parts>. */
  composite?: string;
}

/** The part size used for a file: the one asked for, or larger when the file would need more than 10,000 parts. */
export const effectivePartSize = (bytes: number, partSize: number) => Math.max(partSize, Math.ceil(bytes / MAX_PARTS));

/** SHA-256 of a stream of bytes, whole and per part of `partSize` bytes (the parts S3 will check). */
class StreamDigest {
  private readonly whole = createHash('sha256');
  private part = createHash('sha256');
  private partFill = 0;
  private readonly partDigests: Buffer[] = [];
  bytes = 0;

  constructor(private readonly partSize: number) {}

  update(chunk: Buffer) {
    this.whole.update(chunk);
    this.bytes += chunk.length;
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(this.partSize - this.partFill, chunk.length - offset);
      this.part.update(chunk.subarray(offset, offset + take));
      this.partFill += take;
      offset += take;
      if (this.partFill === this.partSize) {
        this.partDigests.push(this.part.digest());
        this.part = createHash('sha256');
        this.partFill = 0;
      }
    }
  }

  digest(): FileDigest {
    const whole = this.whole.digest();
    if (this.partFill > 0 || this.partDigests.length === 0) this.partDigests.push(this.part.digest());
    const parts = this.partDigests.length;
    return {
      bytes: this.bytes,
      sha256: whole.toString('hex'),
      sha256Base64: whole.toString('base64'),
      composite: parts > 1 ? `${createHash('sha256').update(Buffer.concat(this.partDigests)).digest('base64')}-${parts}` : undefined,
    };
  }
}

/** Hashes a file as it streams past (never the whole file in memory). */
export async function hashFile(path: string, partSize: number): Promise<FileDigest> {
  const { size } = await stat(path);
  const digest = new StreamDigest(effectivePartSize(size, partSize));
  for await (const chunk of createReadStream(path, { highWaterMark: MiB })) digest.update(chunk as Buffer);
  return digest.digest();
}

/* ------------------------------------------------------------------------------------------------ */
/* Errors and retries                                                                                */

export class FileChangedError extends Error {
  constructor() {
    super('the file changed while it was being uploaded');
    this.name = 'FileChangedError';
  }
}

/** S3 stored something other than what was hashed here (reported after the fact, not by a rejection). */
class ChecksumMismatchError extends Error {
  override name = 'ChecksumMismatchError';
}

class CancelledError extends Error {
  override name = 'CancelledError';
}

interface ErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

const shape = (error: unknown): ErrorShape => (typeof error === 'object' && error !== null ? (error as ErrorShape) : {});

const CHECKSUM_ERRORS = new Set(['BadDigest', 'InvalidDigest', 'XAmzContentSHA256Mismatch', 'InvalidChecksum', 'ChecksumMismatchError']);
const THROTTLING_ERRORS = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export const isChecksumError = (error: unknown) => {
  const { name = '', message = '' } = shape(error);
  return CHECKSUM_ERRORS.has(name) || /checksum.*(mismatch|did not match)/i.test(message);
};

/** Worth another attempt: a network failure, a 5xx or throttling; never a checksum mismatch or other 4xx. */
export function isRetryable(error: unknown): boolean {
  const { name = '', code = '', message = '', $metadata, $retryable } = shape(error);
  if (error instanceof FileChangedError || error instanceof CancelledError || name === 'AbortError') return false;
  if (isChecksumError(error)) return false;
  const status = $metadata?.httpStatusCode;
  if (THROTTLING_ERRORS.has(name) || status === 429) return true;
  if (status !== undefined && status >= 500) return true;
  if (status !== undefined && status >= 400) return false;
  if ($retryable) return true;
  if (NETWORK_CODES.has(code) || NETWORK_CODES.has(name) || name === 'TimeoutError' || name === 'NetworkingError') return true;
  return /socket hang up|ECONNRESET|EPIPE/.test(message);
}

function describeError(error: unknown): string {
  if (error instanceof FileChangedError || error instanceof CancelledError) return error.message;
  const { name, message, code, $metadata } = shape(error);
  const status = $metadata?.httpStatusCode;
  const text = [name && name !== 'Error' ? name : code, message].filter(Boolean).join(': ') || String(error);
  const withStatus = status ? `${text} (HTTP ${status})` : text;
  return isChecksumError(error) ? `checksum mismatch, S3 rejected the bytes it received: ${withStatus}` : withStatus;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolveSleep) => {
    if (signal?.aborted) return resolveSleep();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolveSleep();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Exponential backoff with full jitter: a random wait up to base·2^(attempt-1), capped. */
export const backoffMs = (attempt: number, random = Math.random) => Math.floor(random() * Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** (attempt - 1)));

const isNotFound = (error: unknown) => {
  const { name, $metadata } = shape(error);
  return name === 'NotFound' || name === 'NoSuchKey' || $metadata?.httpStatusCode === 404;
};

/* ------------------------------------------------------------------------------------------------ */
/* Manifest                                                                                          */

/** The files of both, by key; an entry of `next` replaces one of `previous` with the same key. */
export function mergeManifest(previous: BatchManifest | undefined, next: BatchManifest): BatchManifest {
  if (!previous) return next;
  const byKey = new Map(previous.files.map((file) => [file.key, file]));
  for (const file of next.files) byKey.set(file.key, file);
  const files = [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { batch: next.batch, createdAt: previous.createdAt, updatedAt: next.createdAt, files, expected: files.length };
}

/* ------------------------------------------------------------------------------------------------ */
/* The upload                                                                                        */

interface PlannedFile extends FoundFile {
  key: string;
  digest: FileDigest;
  multipart: boolean;
  partSize: number;
}

/** Runs `work` on every item, at most `concurrency` at once; an unexpected error stops the rest and is rethrown once all have settled. */
async function runPool<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        await work(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  if (failure) throw failure.error;
}

function positiveInteger(value: number | undefined, fallback: number, name: string, minimum = 1): number {
  const resolved = value ?? fallback;
  if (!Number.isInteger(resolved) || resolved < minimum) throw new RangeError(`${name} must be a whole number of at least ${minimum}, not ${resolved}`);
  return resolved;
}

export async function uploadBatch(options: UploadOptions): Promise<UploadResult> {
  const { s3, bucket, signal } = options;
  const started = Date.now();
  const now = options.now ?? (() => new Date());
  const concurrency = positiveInteger(options.concurrency, 4, 'concurrency');
  const retries = positiveInteger(options.retries, 4, 'retries', 0);
  const partSize = positiveInteger(options.partSize, 8 * MiB, 'partSize', MIN_PART_SIZE);
  const batch = sanitizeBatchName(options.batch ?? defaultBatchName(now()));
  const manifestKey = batchManifestKey(batch);
  const progress = options.progress;

  const found = await findPdfFiles(options.paths, { namedFiles: 'pdf-content' });
  const ignored = [...found.skipped, ...found.foldersWithoutPdf.map((path) => ({ path, reason: 'no PDF files in this folder' }))];
  if (found.files.length === 0) {
    const others = found.skipped.length ? ` (${found.skipped.length} other ${found.skipped.length === 1 ? 'entry' : 'entries'} ignored)` : '';
    throw new UsageError(`no PDF files found in ${options.paths.join(', ')}${others}`);
  }

  const uploaded: FileOutcome[] = [];
  const skipped: FileOutcome[] = [];
  const failed: (FileOutcome & { reason: string })[] = [];
  const record = (outcome: FileOutcome) => {
    if (outcome.status === 'uploaded') uploaded.push(outcome);
    else if (outcome.status === 'skipped') skipped.push(outcome);
    else failed.push({ ...outcome, reason: outcome.reason ?? 'failed' });
  };

  // 1. Hash every file first: the manifest names each file's digest before any of them is sent.
  const planned: (PlannedFile | undefined)[] = new Array(found.files.length);
  await runPool(found.files, concurrency, async (file, index) => {
    const key = incomingKey(batch, file.relativePath);
    const base = { ...file, key, bytes: 0, sha256: '', multipart: false, attempts: 0 };
    if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
      record({ ...base, status: 'failed', reason: `the object key would be longer than S3's limit of ${MAX_KEY_BYTES} bytes` });
      return;
    }
    try {
      const digest = await hashFile(file.path, partSize);
      const filePartSize = effectivePartSize(digest.bytes, partSize);
      planned[index] = { ...file, key, digest, multipart: digest.bytes > filePartSize, partSize: filePartSize };
    } catch (error) {
      record({ ...base, status: 'failed', reason: `could not read the file: ${describeError(error)}` });
    }
  });
  const files = planned.filter((file): file is PlannedFile => file !== undefined);

  // Each call at the bucket, retried while the error is retryable.
  const attempt = async <T>(operation: (attemptNumber: number) => Promise<T>, count?: { attempts: number }): Promise<T> => {
    for (let attemptNumber = 1; ; attemptNumber++) {
      if (count) count.attempts = attemptNumber;
      try {
        return await operation(attemptNumber);
      } catch (error) {
        if (signal?.aborted) throw new CancelledError('cancelled while uploading');
        if (attemptNumber > retries || !isRetryable(error)) throw error;
        await sleep(backoffMs(attemptNumber), signal);
      }
    }
  };

  const baseOf = (file: PlannedFile) => ({
    path: file.path,
    relativePath: file.relativePath,
    key: file.key,
    bytes: file.digest.bytes,
    sha256: file.digest.sha256,
    multipart: file.multipart,
  });
  const result = (): UploadResult => ({ batch, manifestKey, uploaded, skipped, failed, ignored, elapsedMs: Date.now() - started });
  const cancelAll = () => {
    for (const file of files) record({ ...baseOf(file), status: 'failed', attempts: 0, reason: 'cancelled before it was uploaded' });
    return result();
  };
  if (files.length === 0) return result();
  if (signal?.aborted) return cancelAll();

  // 2. The manifest, merged with the one of an earlier run of the same batch, before the first upload.
  try {
    await writeManifest(files);
  } catch (error) {
    if (signal?.aborted) return cancelAll();
    throw error;
  }

  // 3. The files. Only objects already under the batch's prefix (from an earlier run) can be skipped, so
  // only those are looked at one by one; a retried file is looked at again, as its last attempt may
  // have arrived after all.
  // Without permission to list the bucket, every file is looked at.
  let present: Set<string> | undefined;
  try {
    present = await attempt(() => listKeys(s3, bucket, incomingKey(batch, ''), signal));
  } catch (error) {
    if (signal?.aborted) return cancelAll();
    if (shape(error).$metadata?.httpStatusCode !== 403) throw error;
  }
  try {
    await progress?.start(files.length, files.reduce((sum, file) => sum + file.digest.bytes, 0));
    await runPool(files, concurrency, async (file) => {
      const outcome = await uploadOne(file);
      record(outcome);
      await progress?.file(outcome);
    });
  } finally {
    progress?.stop();
  }
  return result();

  async function writeManifest(files: PlannedFile[]) {
    const manifest: BatchManifest = {
      batch,
      createdAt: now().toISOString(),
      files: files
        .map(({ relativePath, key, digest }) => ({ path: relativePath, key, bytes: digest.bytes, sha256: digest.sha256 }))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
      expected: files.length,
    };
    const previous = await attempt(() => readManifest(s3, bucket, manifestKey, signal));
    const merged = mergeManifest(previous, manifest);
    const body = Buffer.from(`${JSON.stringify(merged, null, 2)}\n`);
    await attempt(() =>
      s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: manifestKey,
          Body: body,
          ContentType: 'application/json',
          ChecksumAlgorithm: 'SHA256',
          ChecksumSHA256: createHash('sha256').update(body).digest('base64'),
          Metadata: { batch },
        }),
        { abortSignal: signal },
      ),
    );
  }

  async function uploadOne(file: PlannedFile): Promise<FileOutcome> {
    const base = baseOf(file);
    const count = { attempts: 0 };
    if (signal?.aborted) return { ...base, status: 'failed', attempts: 0, reason: 'cancelled before it was uploaded' };
    let sentBytes = 0; // the most bytes reported sent in any attempt, so that a retry does not count twice
    const sent = (total: number) => {
      if (total > sentBytes) {
        progress?.bytes(total - sentBytes);
        sentBytes = total;
      }
    };
    try {
      const status = await attempt(async (attemptNumber) => {
        const head =
          attemptNumber > 1 || !present || present.has(file.key)
            ? await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: file.key, ChecksumMode: 'ENABLED' }), { abortSignal: signal }).catch((error: unknown) => {
                if (isNotFound(error)) return undefined;
                throw error;
              })
            : undefined;
        if (head && isSameObject(head, file, batch)) return 'skipped' as const;
        await options.beforeUpload?.(file.path);
        if (file.multipart) await putMultipart(file, sent);
        else await putSingle(file, sent);
        return 'uploaded' as const;
      }, count);
      return { ...base, status, attempts: count.attempts };
    } catch (error) {
      const reason = describeError(error);
      const exhausted = count.attempts > 1 && isRetryable(error) ? ` (gave up after ${count.attempts} attempts)` : '';
      return { ...base, status: 'failed', attempts: count.attempts, reason: `${reason}${exhausted}` };
    }
  }

  async function putSingle(file: PlannedFile, sent: (total: number) => void) {
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
      await removeMismatched(file.key);
      throw new ChecksumMismatchError(`checksum mismatch: S3 reports SHA-256 ${response.ChecksumSHA256}, the file has ${sha256Base64}; the object was removed`);
    }
    sent(bytes);
  }

  async function putMultipart(file: PlannedFile, sent: (total: number) => void) {
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
        await removeMismatched(file.key);
        throw new ChecksumMismatchError(`checksum mismatch: S3 reports SHA-256 ${reported} for the parts, the file has ${expected.composite}; the object was removed`);
      }
      sent(expected.bytes);
    } finally {
      signal?.removeEventListener('abort', cancel);
      source.destroy();
      checked.destroy();
    }
  }

  async function removeMismatched(key: string) {
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(() => undefined);
  }
}

/**
 * The object already holds the file: same size, same batch, and the same SHA-256 — S3's own checksum
 * where it has one comparable (the whole object's for a single PUT, the composite for a multipart upload
 * in the same parts), otherwise the `sha256` metadata written with it.
 */
function isSameObject(head: HeadObjectCommandOutput, file: PlannedFile, batch: string): boolean {
  if (head.ContentLength !== file.digest.bytes) return false;
  if (head.Metadata?.batch !== batch) return false;
  const checksum = head.ChecksumSHA256;
  if (checksum && !checksum.includes('-')) return checksum === file.digest.sha256Base64;
  if (checksum && file.digest.composite && checksum.endsWith(`-${file.digest.composite.split('-')[1]}`)) return checksum === file.digest.composite;
  return head.Metadata?.sha256 === file.digest.sha256;
}

async function listKeys(s3: S3Client, bucket: string, prefix: string, signal?: AbortSignal): Promise<Set<string>> {
  const keys = new Set<string>();
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }), { abortSignal: signal });
    for (const object of page.Contents ?? []) if (object.Key) keys.add(object.Key);
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

async function readManifest(s3: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<BatchManifest | undefined> {
  let text: string;
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    text = (await object.Body?.transformToString('utf8')) ?? '';
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  const parsed = batchManifestSchema.safeParse((() => {
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  })());
  if (!parsed.success) throw new Error(`s3://${bucket}/${key} exists but is not a batch manifest; remove it or choose another batch name`);
  return parsed.data;
}

/* ------------------------------------------------------------------------------------------------ */
/* The command                                                                                       */

const number = (minimum: number, integer = true) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value), integer ? z.number().int().min(minimum) : z.number().min(minimum));

export const uploadCommandOptionsSchema = z.object({
  bucket: z.string().min(1).optional(),
  outputs: z.string().min(1).optional(),
  endpoint: z.url().optional(),
  batch: z.string().min(1).optional(),
  concurrency: number(1).default(4),
  /** In MiB. */
  partSize: number(5, false).default(8),
  retries: number(0).default(4),
  json: z.boolean().default(false),
});
export type UploadCommandOptions = z.input<typeof uploadCommandOptionsSchema>;

export interface UploadCommandIo {
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Builds the S3 client from the configuration the command chose. */
  createS3?: (config: S3ClientConfig) => S3Client;
  /** Cancels the run; without one, the first Ctrl-C does. */
  signal?: AbortSignal;
  now?: () => Date;
}

/**
 * The `agreements upload <paths...>` action: checks the options, finds the bucket, uploads with a
 * progress bar (a line per file when stderr is not a terminal), prints the summary (or the result as
 * JSON with --json), and sets exit code 1 when a file failed. Usage errors throw `UsageError`.
 */
export async function runUpload(paths: string[], rawOptions: UploadCommandOptions = {}, io: UploadCommandIo = {}): Promise<UploadResult> {
  const parsed = uploadCommandOptionsSchema.safeParse(rawOptions);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`invalid option ${issue?.path.length ? `--${String(issue.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : ''}: ${issue?.message ?? 'invalid'}`);
  }
  const options = parsed.data;
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const deployment = resolveDeployment(options, { cwd: io.cwd, env: io.env });
  const bucket = deployment.bucket();
  const s3 = io.createS3 ? io.createS3(deployment.s3Config) : deployment.s3();

  const controller = new AbortController();
  const onSigint = () => {
    stderr.write('\ncancelling: files in flight are stopped; run again with the same --batch to continue\n');
    controller.abort();
  };
  const external = io.signal;
  const forward = () => controller.abort();
  if (external) external.addEventListener('abort', forward, { once: true });
  else process.once('SIGINT', onSigint);
  try {
    const result = await uploadBatch({
      s3,
      bucket,
      paths,
      batch: options.batch,
      concurrency: options.concurrency,
      partSize: Math.round(options.partSize * MiB),
      retries: options.retries,
      progress: createUploadProgress(stderr, { tty: Boolean(stderr.isTTY) }),
      now: io.now,
      signal: controller.signal,
    });
    stdout.write(options.json ? `${JSON.stringify({ bucket, ...result }, null, 2)}\n` : `${formatUploadSummary(result, bucket)}\n`);
    if (result.failed.length > 0) process.exitCode = 1;
    return result;
  } finally {
    if (external) external.removeEventListener('abort', forward);
    else process.removeListener('SIGINT', onSigint);
    if (!io.createS3) s3.destroy();
  }
}
