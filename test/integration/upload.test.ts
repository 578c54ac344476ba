import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/files.js';
import { runUpload } from '../../cli/upload-command.js';
import { type UploadOptions, uploadBatch } from '../../cli/upload/batch.js';
import type { FileOutcome, UploadProgressSink, UploadResult } from '../../cli/upload/model.js';
import type { BatchManifest } from '../../shared/schema/manifest.js';
import { type Emulator, startEmulator } from '../support/emulator.js';

const MiB = 1024 * 1024;
const PART_SIZE = 5 * MiB;
const fixtures = new URL('../../fixtures/pdf/', import.meta.url).pathname;

let emulator: Emulator;
let s3: S3Client;
/** A bucket of its own, new in every run: no pipeline listens to it. */
const bucket = `upload-test-${Date.now().toString(36)}`;
const clientConfig = (): S3ClientConfig => ({
  endpoint: emulator.endpoint,
  forcePathStyle: true,
  region: emulator.region,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

beforeAll(async () => {
  emulator = await startEmulator();
  s3 = new S3Client(clientConfig());
  await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: emulator.region as never } }));
}, 300_000);

afterAll(() => {
  s3?.destroy();
});

/* ---------------------------------------------------------------------------------------------- */
/* Helpers                                                                                          */

/** Bodies are compared by digest: a deep comparison of an 11 MiB buffer takes vitest most of a minute. */
const sha256Hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const sha256Base64 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('base64');
/** S3's composite checksum of a multipart upload in parts of `partSize`, computed independently of the uploader. */
function composite(bytes: Buffer, partSize: number): string {
  const digests: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += partSize) digests.push(createHash('sha256').update(bytes.subarray(offset, offset + partSize)).digest());
  return `${createHash('sha256').update(Buffer.concat(digests)).digest('base64')}-${digests.length}`;
}

/** The PDFs of the test tree, by their path relative to its root. */
const SMALL_PDFS: Record<string, string> = {
  'Zielvereinbarung 2024 – Stadt Offenbach (Kopie) äöü #1.PDF': 'bad/Zielvereinbarung 2024 – Stadt Offenbach (Kopie) äöü #1.PDF',
  'bad/broken-xref.pdf': 'bad/broken-xref.pdf',
  'bad/empty.pdf': 'bad/empty.pdf',
  'digital/2024/nested/deeper/zv-2022-kreis-offenbach.pdf': 'digital/zv-2022-kreis-offenbach.pdf',
  'digital/2024/zv-2024-stadt-offenbach-am-main.pdf': 'digital/zv-2024-stadt-offenbach-am-main.pdf',
  'digital/zielvereinbarung-2025-main-taunus-kreis.pdf': 'digital/zielvereinbarung-2025-main-taunus-kreis.pdf',
  'digital/zv-2011-landkreis-fulda.pdf': 'digital/zv-2011-landkreis-fulda.pdf',
  'digital/zv-2013-stadt-kassel.pdf': 'digital/zv-2013-stadt-kassel.pdf',
  'mixed/mixed-2020-vogelsbergkreis.pdf': 'mixed/mixed-2020-vogelsbergkreis.pdf',
  'scanned/scan-2014-lahn-dill-kreis.pdf': 'scanned/scan-2014-lahn-dill-kreis.pdf',
  'scanned/scan-2022-wetteraukreis.pdf': 'scanned/scan-2022-wetteraukreis.pdf',
  'Übersicht März/Größe (2) – Kreis #7.pdf': 'digital/zv-2019-hochtaunuskreis.pdf',
};
const LARGE = 'large/gross-2025.pdf';
const LINKED = 'linked.pdf';
/** Everything that is uploaded: the small PDFs, the one reached through a file symlink, the large one. */
const ALL = [...Object.keys(SMALL_PDFS), LINKED, LARGE].sort();

interface Tree {
  root: string;
  file: (relativePath: string) => string;
  bytes: (relativePath: string) => Buffer;
}

/**
 * ~12 small fixture PDFs in nested folders (spaces, umlauts, '#', parentheses, an upper-case .PDF, an
 * empty one), a symlinked PDF, an ~11 MiB PDF (a fixture with a large '%' comment block after it), a
 * text file, hidden files and a hidden folder, and a symlink back to the root.
 */
function buildTree(): Tree {
  const root = mkdtempSync(join(tmpdir(), 'upload-tree-'));
  const file = (relativePath: string) => join(root, relativePath);
  const put = (relativePath: string, content: Buffer | string) => {
    mkdirSync(join(file(relativePath), '..'), { recursive: true });
    writeFileSync(file(relativePath), content);
  };
  for (const [target, source] of Object.entries(SMALL_PDFS)) {
    mkdirSync(join(file(target), '..'), { recursive: true });
    copyFileSync(join(fixtures, source), file(target));
  }
  const lines: string[] = [];
  for (let size = 0; size < 11 * MiB; size += 101) lines.push(`%${randomBytes(50).toString('hex')}\n`);
  put(LARGE, Buffer.concat([readFileSync(join(fixtures, 'digital/zv-2026-main-kinzig-kreis.pdf')), Buffer.from(`\n${lines.join('')}`)]));
  symlinkSync(file('digital/zv-2011-landkreis-fulda.pdf'), file(LINKED));
  symlinkSync('.', file('loop'));
  put('notes.txt', 'not an agreement');
  put('.DS_Store', 'finder');
  put('.cache/hidden.pdf', readFileSync(join(fixtures, 'digital/zv-2013-stadt-kassel.pdf')));
  put('digital/.~lock.zv-2013-stadt-kassel.pdf#', 'lock');
  return { root, file, bytes: (relativePath) => readFileSync(file(relativePath)) };
}

const IGNORED = (tree: Tree) =>
  [
    { path: tree.file('.DS_Store'), reason: 'hidden file' },
    { path: tree.file('.cache'), reason: 'hidden folder' },
    { path: tree.file('digital/.~lock.zv-2013-stadt-kassel.pdf#'), reason: 'hidden file' },
    { path: tree.file('loop'), reason: `symbolic link loop: it leads back to ${tree.root}` },
    { path: tree.file('notes.txt'), reason: 'not a .pdf file' },
  ].sort(byPath);

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
const keysOf = (outcomes: readonly FileOutcome[]) => outcomes.map((outcome) => outcome.key).sort();
const keys = (batch: string, relativePaths: readonly string[]) => relativePaths.map((path) => `incoming/${batch}/${path}`).sort();

async function listKeys(prefix: string): Promise<string[]> {
  const found: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    found.push(...(page.Contents ?? []).map((object) => object.Key ?? ''));
    token = page.NextContinuationToken;
  } while (token);
  return found.sort();
}

async function getBytes(key: string): Promise<Buffer> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await object.Body!.transformToByteArray());
}

const head = (key: string): Promise<HeadObjectCommandOutput | undefined> =>
  s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' })).catch((error: { $metadata?: { httpStatusCode?: number } }) => {
    if (error.$metadata?.httpStatusCode === 404) return undefined;
    throw error;
  });

const readManifest = async (batch: string): Promise<BatchManifest> => JSON.parse((await getBytes(`batches/${batch}/manifest.json`)).toString('utf8'));

async function pendingMultipartKeys(prefix: string): Promise<string[]> {
  const listing = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }));
  return (listing.Uploads ?? []).map((upload) => upload.Key ?? '');
}

type Event = { type: 'start'; files: number; bytes: number } | { type: 'file'; outcome: FileOutcome } | { type: 'bytes'; n: number } | { type: 'stop' };

function recorder(hooks: { onStart?: () => Promise<void>; onFile?: (outcome: FileOutcome, done: number) => void } = {}) {
  const events: Event[] = [];
  let done = 0;
  const sink: UploadProgressSink = {
    async start(files, bytes) {
      events.push({ type: 'start', files, bytes });
      await hooks.onStart?.();
    },
    file(outcome) {
      events.push({ type: 'file', outcome });
      hooks.onFile?.(outcome, ++done);
    },
    bytes(n) {
      events.push({ type: 'bytes', n });
    },
    stop() {
      events.push({ type: 'stop' });
    },
  };
  const sentBytes = () => events.reduce((sum, event) => sum + (event.type === 'bytes' ? event.n : 0), 0);
  return { events, sink, sentBytes };
}

type Command = { input: Record<string, unknown> };
type Interceptor = (command: Command, send: () => Promise<unknown>) => Promise<unknown>;

/** The same client, with every `send` going through `interceptor` first (lib-storage's calls included). */
function intercepted(client: S3Client, interceptor: Interceptor): S3Client {
  return new Proxy(client, {
    get(target, property) {
      if (property === 'send') {
        return (command: Command, options?: unknown) => interceptor(command, () => (target.send as (c: unknown, o?: unknown) => Promise<unknown>)(command, options));
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const serverError = (name: string, status: number, message: string) =>
  new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message });

const NOW = new Date('2025-03-04T05:06:07.000Z');
const options = (tree: Tree, batch: string, extra: Partial<UploadOptions> = {}): UploadOptions => ({
  s3,
  bucket,
  paths: [tree.root],
  batch,
  partSize: PART_SIZE,
  now: () => NOW,
  ...extra,
});

/* ---------------------------------------------------------------------------------------------- */

describe('uploadBatch', () => {
  it('uploads a folder tree as one batch: keys, metadata, checksums, bodies, ignored files, manifest first', async () => {
    const tree = buildTree();
    const batch = 'tree-1';
    const sendOrder: string[] = [];
    let heads = 0;
    const client = intercepted(s3, (command, send) => {
      if (command instanceof PutObjectCommand || command.constructor.name === 'CreateMultipartUploadCommand') sendOrder.push(String(command.input.Key));
      if (command instanceof HeadObjectCommand) heads++;
      return send();
    });
    let manifestAtStart: BatchManifest | undefined;
    const { events, sink, sentBytes } = recorder({ onStart: async () => void (manifestAtStart = await readManifest(batch)) });

    const result = await uploadBatch(options(tree, batch, { s3: client, progress: sink }));

    expect(result.batch).toBe(batch);
    // Nothing was under the new batch's prefix, so no object had to be looked at before its upload.
    expect(heads).toBe(0);
    expect(result.manifestKey).toBe('batches/tree-1/manifest.json');
    expect(result.failed).toEqual([]);
    expect(result.skipped).toEqual([]);
    expect(keysOf(result.uploaded)).toEqual(keys(batch, ALL));
    expect([...result.ignored].sort(byPath)).toEqual(IGNORED(tree));

    const large = tree.bytes(LARGE);
    expect(large.length).toBeGreaterThan(2 * PART_SIZE);
    expect(result.uploaded.find((outcome) => outcome.relativePath === LARGE)).toEqual({
      path: tree.file(LARGE),
      relativePath: LARGE,
      key: `incoming/${batch}/${LARGE}`,
      bytes: large.length,
      sha256: sha256Hex(large),
      status: 'uploaded',
      multipart: true,
      attempts: 1,
    });
    const umlauts = 'Übersicht März/Größe (2) – Kreis #7.pdf';
    expect(result.uploaded.find((outcome) => outcome.relativePath === umlauts)).toEqual({
      path: tree.file(umlauts),
      relativePath: umlauts,
      key: `incoming/${batch}/${umlauts}`,
      bytes: tree.bytes(umlauts).length,
      sha256: sha256Hex(tree.bytes(umlauts)),
      status: 'uploaded',
      multipart: false,
      attempts: 1,
    });

    // In the bucket: exactly these objects, each with the file's bytes, its batch and digest.
    expect(await listKeys(`incoming/${batch}/`)).toEqual(keys(batch, ALL));
    for (const relativePath of ALL) {
      const key = `incoming/${batch}/${relativePath}`;
      const bytes = tree.bytes(relativePath);
      expect(sha256Hex(await getBytes(key)), key).toBe(sha256Hex(bytes));
      const object = await head(key);
      expect(object?.Metadata, key).toEqual({ batch, sha256: sha256Hex(bytes) });
      expect(object?.ContentType, key).toBe('application/pdf');
      expect(object?.ContentLength, key).toBe(bytes.length);
      // The checksum S3 computed and verified: the whole object's, or the composite of 5 MiB parts.
      if (relativePath === LARGE) {
        expect(object?.ChecksumSHA256).toBe(composite(bytes, PART_SIZE));
        expect(object?.ChecksumSHA256).toMatch(/-3$/);
        expect(object?.ChecksumType).toBe('COMPOSITE');
      } else {
        expect(object?.ChecksumSHA256, key).toBe(sha256Base64(bytes));
        expect(object?.ChecksumType, key).toBe('FULL_OBJECT');
      }
    }

    // The manifest: written before any file, complete when the first file starts, unchanged after.
    expect(sendOrder[0]).toBe('batches/tree-1/manifest.json');
    expect(sendOrder.slice(1).sort()).toEqual(keys(batch, ALL));
    const expectedManifest: BatchManifest = {
      batch,
      createdAt: NOW.toISOString(),
      files: ALL.map((relativePath) => ({
        path: relativePath,
        key: `incoming/${batch}/${relativePath}`,
        bytes: tree.bytes(relativePath).length,
        sha256: sha256Hex(tree.bytes(relativePath)),
      })).sort((a, b) => (a.key < b.key ? -1 : 1)),
      expected: ALL.length,
    };
    expect(manifestAtStart).toEqual(expectedManifest);
    expect(await readManifest(batch)).toEqual(expectedManifest);

    // Progress: start with the totals, a file event per file, every byte once, stop last.
    const totalBytes = ALL.reduce((sum, relativePath) => sum + tree.bytes(relativePath).length, 0);
    expect(events[0]).toEqual({ type: 'start', files: ALL.length, bytes: totalBytes });
    expect(events.at(-1)).toEqual({ type: 'stop' });
    expect(events.filter((event) => event.type === 'file')).toHaveLength(ALL.length);
    expect(sentBytes()).toBe(totalBytes);
  });

  it('skips everything on a second run of the same batch, and uploads again only what changed', async () => {
    const tree = buildTree();
    const batch = 'tree-again';
    await uploadBatch(options(tree, batch));

    const writes: string[] = [];
    const client = intercepted(s3, (command, send) => {
      if (command instanceof PutObjectCommand || command instanceof UploadPartCommand) writes.push(String(command.input.Key));
      return send();
    });
    const later = new Date('2025-03-05T00:00:00.000Z');
    const second = recorder();
    const again = await uploadBatch(options(tree, batch, { s3: client, progress: second.sink, now: () => later }));
    expect(again.uploaded).toEqual([]);
    expect(again.failed).toEqual([]);
    expect(keysOf(again.skipped)).toEqual(keys(batch, ALL));
    expect(again.skipped.every((outcome) => outcome.status === 'skipped' && outcome.attempts === 1)).toBe(true);
    expect(second.sentBytes()).toBe(0);
    expect(writes).toEqual(['batches/tree-again/manifest.json']);
    expect(await listKeys(`incoming/${batch}/`)).toEqual(keys(batch, ALL));
    const manifest = await readManifest(batch);
    expect(manifest.createdAt).toBe(NOW.toISOString());
    expect(manifest.updatedAt).toBe(later.toISOString());
    expect(manifest.expected).toBe(ALL.length);
    expect(manifest.files.map((file) => file.key)).toEqual(keys(batch, ALL));

    // A file with other content now: overwritten, and its manifest entry takes the new digest.
    const changed = 'digital/zv-2013-stadt-kassel.pdf';
    copyFileSync(join(fixtures, 'digital/zv-2015-kreis-bergstrasse.pdf'), tree.file(changed));
    const third = await uploadBatch(options(tree, batch));
    expect(keysOf(third.uploaded)).toEqual([`incoming/${batch}/${changed}`]);
    expect(third.skipped).toHaveLength(ALL.length - 1);
    expect(sha256Hex(await getBytes(`incoming/${batch}/${changed}`))).toBe(sha256Hex(tree.bytes(changed)));
    expect((await head(`incoming/${batch}/${changed}`))?.Metadata?.sha256).toBe(sha256Hex(tree.bytes(changed)));
    const updated = await readManifest(batch);
    expect(updated.files.find((file) => file.key === `incoming/${batch}/${changed}`)).toEqual({
      path: changed,
      key: `incoming/${batch}/${changed}`,
      bytes: tree.bytes(changed).length,
      sha256: sha256Hex(tree.bytes(changed)),
    });
    expect(updated.files).toHaveLength(ALL.length);
    expect(await listKeys(`incoming/${batch}/`)).toEqual(keys(batch, ALL));
  });

  it("trusts S3's checksum over the metadata, and uploads again an object that lacks the batch", async () => {
    const tree = buildTree();
    const batch = 'planted';
    const run = () => uploadBatch(options(tree, batch, { paths: [tree.file('digital')] }));
    const first = await run();
    const all = ['2024/nested/deeper/zv-2022-kreis-offenbach.pdf', '2024/zv-2024-stadt-offenbach-am-main.pdf', 'zielvereinbarung-2025-main-taunus-kreis.pdf', 'zv-2011-landkreis-fulda.pdf', 'zv-2013-stadt-kassel.pdf'];
    expect(keysOf(first.uploaded)).toEqual(keys(batch, all));
    expect(first.ignored).toEqual([{ path: tree.file('digital/.~lock.zv-2013-stadt-kassel.pdf#'), reason: 'hidden file' }]);

    // Same size and the right batch and `sha256` metadata, but other bytes (S3 holds their real checksum).
    const a = tree.bytes('digital/zv-2011-landkreis-fulda.pdf');
    const other = Buffer.from(a);
    other[100] = (other[100] ?? 0) ^ 0xff;
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: `incoming/${batch}/zv-2011-landkreis-fulda.pdf`, Body: other, ChecksumAlgorithm: 'SHA256', Metadata: { batch, sha256: sha256Hex(a) } }),
    );
    // The right bytes, but no batch metadata (as a plain copy would leave it).
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: `incoming/${batch}/zv-2013-stadt-kassel.pdf`, Body: tree.bytes('digital/zv-2013-stadt-kassel.pdf'), ChecksumAlgorithm: 'SHA256' }),
    );

    const second = await run();
    expect(keysOf(second.uploaded)).toEqual(keys(batch, ['zv-2011-landkreis-fulda.pdf', 'zv-2013-stadt-kassel.pdf']));
    expect(keysOf(second.skipped)).toEqual(keys(batch, all.slice(0, 3)));
    expect(sha256Hex(await getBytes(`incoming/${batch}/zv-2011-landkreis-fulda.pdf`))).toBe(sha256Hex(a));
    expect((await head(`incoming/${batch}/zv-2013-stadt-kassel.pdf`))?.Metadata).toEqual({ batch, sha256: sha256Hex(tree.bytes('digital/zv-2013-stadt-kassel.pdf')) });
  });

  it('merges the manifest of a batch uploaded in two runs from different folders', async () => {
    const tree = buildTree();
    const batch = 'merged';
    const first = await uploadBatch(options(tree, batch, { paths: [tree.file('scanned')] }));
    expect(keysOf(first.uploaded)).toEqual(keys(batch, ['scan-2014-lahn-dill-kreis.pdf', 'scan-2022-wetteraukreis.pdf']));
    const second = await uploadBatch(options(tree, batch, { paths: [tree.file('bad'), tree.file('mixed')], now: () => new Date('2025-03-06T00:00:00.000Z') }));
    expect(keysOf(second.uploaded)).toEqual(keys(batch, ['bad/broken-xref.pdf', 'bad/empty.pdf', 'mixed/mixed-2020-vogelsbergkreis.pdf']));
    const manifest = await readManifest(batch);
    const entry = (path: string, source: string) => ({ path, key: `incoming/${batch}/${path}`, bytes: tree.bytes(source).length, sha256: sha256Hex(tree.bytes(source)) });
    expect(manifest).toEqual({
      batch,
      createdAt: NOW.toISOString(),
      updatedAt: '2025-03-06T00:00:00.000Z',
      files: [
        entry('bad/broken-xref.pdf', 'bad/broken-xref.pdf'),
        entry('bad/empty.pdf', 'bad/empty.pdf'),
        entry('mixed/mixed-2020-vogelsbergkreis.pdf', 'mixed/mixed-2020-vogelsbergkreis.pdf'),
        entry('scan-2014-lahn-dill-kreis.pdf', 'scanned/scan-2014-lahn-dill-kreis.pdf'),
        entry('scan-2022-wetteraukreis.pdf', 'scanned/scan-2022-wetteraukreis.pdf'),
      ],
      expected: 5,
    });
  });

  it('resumes a cancelled run: the second run skips what arrived and uploads only the rest', async () => {
    const tree = buildTree();
    const batch = 'cancelled';
    const controller = new AbortController();
    const first = recorder({ onFile: (_outcome, done) => done === 3 && controller.abort() });
    const interrupted = await uploadBatch(options(tree, batch, { concurrency: 1, progress: first.sink, signal: controller.signal }));
    expect(interrupted.uploaded).toHaveLength(3);
    expect(interrupted.failed).toHaveLength(ALL.length - 3);
    expect(interrupted.failed.every((file) => file.reason === 'cancelled before it was uploaded' && file.attempts === 0)).toBe(true);
    const arrived = keysOf(interrupted.uploaded);
    expect(await listKeys(`incoming/${batch}/`)).toEqual(arrived);
    expect((await readManifest(batch)).files).toHaveLength(ALL.length);

    const resumed = await uploadBatch(options(tree, batch));
    expect(keysOf(resumed.skipped)).toEqual(arrived);
    expect(keysOf(resumed.uploaded)).toEqual(keys(batch, ALL).filter((key) => !arrived.includes(key)));
    expect(resumed.failed).toEqual([]);
    expect(await listKeys(`incoming/${batch}/`)).toEqual(keys(batch, ALL));
  });

  it('resumes a run in which uploads failed with 500s: only the failed files are sent again', async () => {
    const tree = buildTree();
    const batch = 'five-hundred';
    const failing = [`incoming/${batch}/bad/broken-xref.pdf`, `incoming/${batch}/scanned/scan-2022-wetteraukreis.pdf`];
    const client = intercepted(s3, async (command, send) => {
      if (command instanceof PutObjectCommand && failing.includes(String(command.input.Key))) throw serverError('InternalError', 500, 'We encountered an internal error.');
      if (command instanceof UploadPartCommand && command.input.PartNumber === 2) throw serverError('InternalError', 500, 'We encountered an internal error.');
      return send();
    });
    const first = await uploadBatch(options(tree, batch, { s3: client, retries: 0 }));
    const failedKeys = [...failing, `incoming/${batch}/${LARGE}`].sort();
    expect(keysOf(first.failed)).toEqual(failedKeys);
    for (const file of first.failed) expect(file.reason).toBe('InternalError: We encountered an internal error. (HTTP 500)');
    expect(first.failed.every((file) => file.attempts === 1)).toBe(true);
    expect(await listKeys(`incoming/${batch}/`)).toEqual(keys(batch, ALL).filter((key) => !failedKeys.includes(key)));
    expect(await pendingMultipartKeys(`incoming/${batch}/`)).toEqual([]);

    const second = await uploadBatch(options(tree, batch));
    expect(keysOf(second.uploaded)).toEqual(failedKeys);
    expect(second.skipped).toHaveLength(ALL.length - failedKeys.length);
    expect(sha256Hex(await getBytes(`incoming/${batch}/${LARGE}`))).toBe(sha256Hex(tree.bytes(LARGE)));
  });

  it('retries retryable errors with backoff and gives up at once on others', async () => {
    const tree = buildTree();
    const batch = 'retried';
    const twice500 = `incoming/${batch}/digital/zv-2013-stadt-kassel.pdf`;
    const resetPut = `incoming/${batch}/bad/broken-xref.pdf`;
    const denied = `incoming/${batch}/mixed/mixed-2020-vogelsbergkreis.pdf`;
    const calls = new Map<string, number>();
    const count = (name: string) => {
      const n = (calls.get(name) ?? 0) + 1;
      calls.set(name, n);
      return n;
    };
    const client = intercepted(s3, async (command, send) => {
      const key = String(command.input.Key);
      if (command instanceof PutObjectCommand && key === twice500 && count(`put ${key}`) <= 2) throw serverError('InternalError', 500, 'internal error');
      if (command instanceof PutObjectCommand && key === resetPut && count(`put ${key}`) === 1) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      if (command instanceof PutObjectCommand && key === denied) {
        count(`put ${key}`);
        throw serverError('AccessDenied', 403, 'Access Denied');
      }
      if (command instanceof UploadPartCommand && command.input.PartNumber === 2 && count('part 2') === 1) throw serverError('SlowDown', 503, 'Please reduce your request rate.');
      return send();
    });
    const progress = recorder();
    const result = await uploadBatch(options(tree, batch, { s3: client, retries: 4, progress: progress.sink }));

    const attempts = Object.fromEntries([...result.uploaded, ...result.failed].map((outcome) => [outcome.key, outcome.attempts]));
    expect(attempts[twice500]).toBe(3);
    expect(attempts[resetPut]).toBe(2);
    expect(attempts[`incoming/${batch}/${LARGE}`]).toBe(2);
    expect(attempts[denied]).toBe(1);
    expect(calls.get(`put ${denied}`)).toBe(1);
    expect(keysOf(result.failed)).toEqual([denied]);
    expect(result.failed[0]?.reason).toBe('AccessDenied: Access Denied (HTTP 403)');
    expect(keysOf(result.uploaded)).toEqual(keys(batch, ALL).filter((key) => key !== denied));
    expect(sha256Hex(await getBytes(twice500))).toBe(sha256Hex(tree.bytes('digital/zv-2013-stadt-kassel.pdf')));
    expect(sha256Hex(await getBytes(`incoming/${batch}/${LARGE}`))).toBe(sha256Hex(tree.bytes(LARGE)));
    expect(await pendingMultipartKeys(`incoming/${batch}/`)).toEqual([]);
    // Bytes of a retried upload are counted once.
    expect(progress.sentBytes()).toBe(result.uploaded.reduce((sum, outcome) => sum + outcome.bytes, 0));
  });

  it("reports S3's checksum rejection (BadDigest) as a failed file, without retrying it", async () => {
    const tree = buildTree();
    const batch = 'bad-digest';
    const corrupted = `incoming/${batch}/digital/zv-2011-landkreis-fulda.pdf`;
    let puts = 0;
    const client = intercepted(s3, (command, send) => {
      if (command instanceof PutObjectCommand && command.input.Key === corrupted) {
        puts++;
        // Bytes damaged on the way, after the digest was computed: the emulator must refuse them.
        const body = Buffer.from(command.input.Body as Buffer);
        body[10] = (body[10] ?? 0) ^ 0x01;
        command.input.Body = body;
      }
      return send();
    });
    const result = await uploadBatch(options(tree, batch, { s3: client, retries: 4 }));
    expect(keysOf(result.failed)).toEqual([corrupted]);
    expect(result.failed[0]?.reason).toMatch(/^checksum mismatch, S3 rejected the bytes it received: BadDigest: .*SHA256.*\(HTTP 400\)$/);
    expect(result.failed[0]?.attempts).toBe(1);
    expect(puts).toBe(1);
    expect(await head(corrupted)).toBeUndefined();
    expect(result.uploaded).toHaveLength(ALL.length - 1);
  });

  it('fails and removes a multipart object whose composite checksum from S3 is not the one computed locally', async () => {
    const tree = buildTree();
    const batch = 'composite';
    const client = intercepted(s3, async (command, send) => {
      const response = await send();
      if (command instanceof CompleteMultipartUploadCommand) return { ...(response as object), ChecksumSHA256: `${sha256Base64(Buffer.from('other'))}-3` };
      return response;
    });
    const result = await uploadBatch(options(tree, batch, { s3: client, paths: [tree.file('large')] }));
    expect(result.uploaded).toEqual([]);
    expect(keysOf(result.failed)).toEqual([`incoming/${batch}/gross-2025.pdf`]);
    expect(result.failed[0]?.reason).toMatch(/^checksum mismatch, S3 rejected the bytes it received: ChecksumMismatchError: checksum mismatch: S3 reports SHA-256 .*-3 for the parts, the file has .*-3; the object was removed$/);
    expect(result.failed[0]?.attempts).toBe(1);
    expect(await head(`incoming/${batch}/gross-2025.pdf`)).toBeUndefined();
  });

  it('fails a file that changes between hashing and upload, single or multipart, and leaves nothing behind', async () => {
    const tree = buildTree();
    const batch = 'changed';
    const small = 'digital/zv-2013-stadt-kassel.pdf';
    const original = { small: tree.bytes(small), large: tree.bytes(LARGE) };
    const result = await uploadBatch(
      options(tree, batch, {
        retries: 4,
        beforeUpload: async (path) => {
          if (path === tree.file(small)) appendFileSync(path, '%appended\n');
          if (path === tree.file(LARGE)) {
            // Same size, one byte different in the second part.
            const bytes = readFileSync(path);
            bytes[PART_SIZE + 1000] = (bytes[PART_SIZE + 1000] ?? 0) ^ 0xff;
            writeFileSync(path, bytes);
          }
        },
      }),
    );
    expect(keysOf(result.failed)).toEqual(keys(batch, [small, LARGE]));
    for (const file of result.failed) {
      expect(file.reason).toBe('the file changed while it was being uploaded');
      expect(file.attempts).toBe(1);
    }
    expect(await head(`incoming/${batch}/${small}`)).toBeUndefined();
    expect(await head(`incoming/${batch}/${LARGE}`)).toBeUndefined();
    expect(await pendingMultipartKeys(`incoming/${batch}/`)).toEqual([]);
    expect(result.uploaded).toHaveLength(ALL.length - 2);
    // The manifest holds the digests taken before the change.
    const manifest = await readManifest(batch);
    expect(manifest.files.find((file) => file.path === small)?.sha256).toBe(sha256Hex(original.small));
    expect(manifest.files.find((file) => file.path === LARGE)?.sha256).toBe(sha256Hex(original.large));
  });

  it('names a batch by default from the time, and sanitizes given names', async () => {
    const tree = buildTree();
    const result = await uploadBatch({ s3, bucket, paths: [tree.file('digital/zv-2011-landkreis-fulda.pdf')], now: () => NOW });
    expect(result.batch).toBe('upload-20250304-050607');
    expect(keysOf(result.uploaded)).toEqual(['incoming/upload-20250304-050607/zv-2011-landkreis-fulda.pdf']);
    const named = await uploadBatch(options(tree, 'Lieferung Mai/2025', { paths: [tree.file('digital/zv-2011-landkreis-fulda.pdf')] }));
    expect(named.batch).toBe('Lieferung-Mai-2025');
    expect((await head('incoming/Lieferung-Mai-2025/zv-2011-landkreis-fulda.pdf'))?.Metadata?.batch).toBe('Lieferung-Mai-2025');
  });

  it('looks at every object first when it may not list the bucket, and still skips what is there', async () => {
    const tree = buildTree();
    const batch = 'no-list';
    const paths = [tree.file('digital')];
    await uploadBatch(options(tree, batch, { paths }));
    let heads = 0;
    const client = intercepted(s3, (command, send) => {
      if (command instanceof ListObjectsV2Command) throw serverError('AccessDenied', 403, 'Access Denied');
      if (command instanceof HeadObjectCommand) heads++;
      return send();
    });
    const again = await uploadBatch(options(tree, batch, { s3: client, paths }));
    expect(again.failed).toEqual([]);
    expect(again.uploaded).toEqual([]);
    expect(keysOf(again.skipped)).toHaveLength(5);
    expect(heads).toBe(5);
  });

  it('keeps at most `concurrency` uploads in flight', async () => {
    const tree = buildTree();
    let inFlight = 0;
    let peak = 0;
    const client = intercepted(s3, async (command, send) => {
      if (!(command instanceof PutObjectCommand) || !String(command.input.Key).startsWith('incoming/')) return send();
      peak = Math.max(peak, ++inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, 30));
        return await send();
      } finally {
        inFlight--;
      }
    });
    const result = await uploadBatch(options(tree, 'parallel', { s3: client, concurrency: 3, paths: [tree.file('digital')] }));
    expect(keysOf(result.uploaded)).toEqual(keys('parallel', Object.keys(SMALL_PDFS).flatMap((path) => (path.startsWith('digital/') ? [path.slice('digital/'.length)] : []))));
    expect(peak).toBe(3);
  });
});

/* ---------------------------------------------------------------------------------------------- */

class Capture extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void) {
    this.text += chunk.toString('utf8');
    callback();
  }
}

describe('runUpload', () => {
  const twoPdfs = () => {
    const folder = mkdtempSync(join(tmpdir(), 'upload-cli-'));
    copyFileSync(join(fixtures, 'digital/zielvereinbarung-2025-main-taunus-kreis.pdf'), join(folder, 'a.pdf'));
    copyFileSync(join(fixtures, 'digital/zv-2011-landkreis-fulda.pdf'), join(folder, 'b.pdf'));
    return folder;
  };
  const cwdWithOutputs = (outputs: unknown) => {
    const cwd = mkdtempSync(join(tmpdir(), 'upload-cwd-'));
    writeFileSync(join(cwd, 'cdk.outputs.json'), JSON.stringify(outputs));
    return cwd;
  };

  it('finds the bucket in cdk.outputs.json, builds the client from --endpoint and the env, prints lines and a summary', async () => {
    const folder = twoPdfs();
    const stdout = new Capture();
    const stderr = new Capture();
    let config: S3ClientConfig | undefined;
    const exitCode = process.exitCode;
    const result = await runUpload(
      [folder],
      { batch: 'cli-1', endpoint: emulator.endpoint, concurrency: '1' },
      {
        cwd: cwdWithOutputs({ UploadBucketName: bucket, RecordsTableName: 'x' }),
        env: { AWS_REGION: emulator.region },
        stdout,
        stderr,
        now: () => NOW,
        createS3: (chosen) => {
          config = chosen;
          return new S3Client({ ...chosen, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
        },
      },
    );
    expect(process.exitCode).toBe(exitCode);
    expect(config).toEqual({ endpoint: emulator.endpoint, forcePathStyle: true });
    expect(keysOf(result.uploaded)).toEqual(['incoming/cli-1/a.pdf', 'incoming/cli-1/b.pdf']);
    expect(stderr.text).toBe('uploaded  1/2  incoming/cli-1/a.pdf  9.6 kB\nuploaded  2/2  incoming/cli-1/b.pdf  5.6 kB\n');
    const summary = stdout.text.split('\n');
    expect(summary[0]).toBe(`batch cli-1: s3://${bucket}/incoming/cli-1/ (manifest s3://${bucket}/batches/cli-1/manifest.json)`);
    expect(summary.slice(1, 5)).toEqual(['  uploaded  2 files, 15.1 kB', '  skipped   0 files, 0 B (already in the bucket)', '  failed    0 files, 0 B', '  ignored   0 files']);
    expect(summary[5]).toMatch(/^ {2}15\.1 kB sent in \d+\.\d s \(\d+\.\d MB\/s\)$/);
    expect(stdout.text).not.toMatch(/some files failed/);
    expect(sha256Hex(await getBytes('incoming/cli-1/b.pdf'))).toBe(sha256Hex(readFileSync(join(folder, 'b.pdf'))));

    // Again: both skipped; --json prints the result.
    const json = new Capture();
    await runUpload([folder], { batch: 'cli-1', endpoint: emulator.endpoint, json: true }, { cwd: cwdWithOutputs({ UploadBucketName: bucket }), env: { AWS_REGION: emulator.region }, stdout: json, stderr: new Capture(), createS3: (chosen) => new S3Client({ ...chosen, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }) });
    const printed = JSON.parse(json.text) as UploadResult & { bucket: string };
    expect(printed.bucket).toBe(bucket);
    expect(printed.skipped.map((file) => file.key).sort()).toEqual(['incoming/cli-1/a.pdf', 'incoming/cli-1/b.pdf']);
    expect(printed.uploaded).toEqual([]);
  });

  it('sets exit code 1 and lists the reasons when a file failed', async () => {
    const folder = twoPdfs();
    const stdout = new Capture();
    const stderr = new Capture();
    const exitCode = process.exitCode;
    try {
      const result = await runUpload([folder], { bucket, batch: 'cli-2', concurrency: 1, retries: '0' }, {
        env: {},
        stdout,
        stderr,
        createS3: () =>
          intercepted(s3, async (command, send) => {
            if (command instanceof PutObjectCommand && command.input.Key === 'incoming/cli-2/b.pdf') throw serverError('AccessDenied', 403, 'Access Denied');
            return send();
          }),
      });
      expect(process.exitCode).toBe(1);
      expect(keysOf(result.failed)).toEqual(['incoming/cli-2/b.pdf']);
    } finally {
      process.exitCode = exitCode;
    }
    expect(stderr.text).toBe('uploaded  1/2  incoming/cli-2/a.pdf  9.6 kB\nfailed    2/2  incoming/cli-2/b.pdf  5.6 kB  AccessDenied: Access Denied (HTTP 403)\n');
    const summary = stdout.text.split('\n');
    expect(summary.slice(1, 6)).toEqual([
      '  uploaded  1 file, 9.6 kB',
      '  skipped   0 files, 0 B (already in the bucket)',
      '  failed    1 file, 5.6 kB',
      '    b.pdf: AccessDenied: Access Denied (HTTP 403)',
      '  ignored   0 files',
    ]);
    expect(summary.at(-2)).toBe('some files failed; run again with --batch cli-2 to retry them (files already uploaded are skipped)');
  });

  it('throws UsageError for missing paths, folders without PDFs, a missing bucket and bad options', async () => {
    const calls: string[] = [];
    const io = {
      env: {},
      stdout: new Capture(),
      stderr: new Capture(),
      createS3: () =>
        intercepted(s3, (command, send) => {
          calls.push(command.constructor.name);
          return send();
        }),
    };
    const onlyText = mkdtempSync(join(tmpdir(), 'upload-nopdf-'));
    writeFileSync(join(onlyText, 'notes.txt'), 'x');
    writeFileSync(join(onlyText, '.hidden.pdf'), 'x');
    await expect(runUpload([onlyText], { bucket }, io)).rejects.toThrow(new UsageError(`no PDF files found in ${onlyText} (2 other entries ignored)`));
    // A file named directly is sent only if its content is a PDF, whatever its name.
    writeFileSync(join(onlyText, 'scan.pdf'), 'Sehr geehrte Damen und Herren');
    await expect(runUpload([join(onlyText, 'scan.pdf')], { bucket }, io)).rejects.toThrow(
      new UsageError(`no PDF files found in ${join(onlyText, 'scan.pdf')} (1 other entry ignored)`),
    );
    await expect(runUpload(['/no/such/folder'], { bucket }, io)).rejects.toThrow(new UsageError('no such file or folder: /no/such/folder'));
    const empty = mkdtempSync(join(tmpdir(), 'upload-cwd-'));
    await expect(runUpload([twoPdfs()], {}, { ...io, cwd: empty })).rejects.toThrow(UsageError);
    await expect(runUpload([twoPdfs()], {}, { ...io, cwd: empty })).rejects.toThrow(
      '--bucket is needed: it is not given and there is no cdk.outputs.json (deploy first, or pass --outputs)',
    );
    await expect(runUpload([twoPdfs()], {}, { ...io, cwd: cwdWithOutputs({ Other: 'x' }) })).rejects.toThrow(
      '--bucket is needed: it is not given and cdk.outputs.json has no UploadBucketName',
    );
    await expect(runUpload([twoPdfs()], { bucket, concurrency: '0' }, io)).rejects.toThrow(UsageError);
    await expect(runUpload([twoPdfs()], { bucket, partSize: '4' }, io)).rejects.toThrow(/^invalid option --part-size/);
    await expect(runUpload([twoPdfs()], { bucket, endpoint: 'not a url' }, io)).rejects.toThrow(/^invalid option --endpoint/);
    expect(calls).toEqual([]);
  });
});
