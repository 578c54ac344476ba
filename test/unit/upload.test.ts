import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { resolveDeployment } from '../../cli/deployment.js';
import { UsageError } from '../../cli/files.js';
import { defaultBatchName, sanitizeBatchName } from '../../cli/upload/batch.js';
import { effectivePartSize, hashFile, MiB, StreamDigest } from '../../cli/upload/digest.js';
import { mergeManifest } from '../../cli/upload/manifest.js';
import { backoffMs, describeUploadError, FileChangedError, isRetryable, withRetries } from '../../cli/upload/retry.js';

const serverError = (name: string, status: number, message: string) =>
  new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message });
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest();

describe('batch names', () => {
  it('names a batch from the UTC time, and sanitizes given names to [A-Za-z0-9._-] of at most 64 characters', () => {
    expect(defaultBatchName(new Date('1999-12-31T23:59:58.999Z'))).toBe('upload-19991231-235958');
    expect(sanitizeBatchName('März 2025 / Kreis #1')).toBe('Marz-2025-Kreis-1');
    expect(sanitizeBatchName('a'.repeat(80))).toBe('a'.repeat(64));
    expect(sanitizeBatchName('../etc')).toBe('etc');
    expect(() => sanitizeBatchName('///')).toThrow(UsageError);
  });
});

describe('StreamDigest', () => {
  it('gives the whole SHA-256, and for several parts the composite S3 computes: base64(SHA-256 of the parts\' digests)-parts', () => {
    const bytes = Buffer.alloc(12 * MiB + 3, 7);
    const digest = new StreamDigest(5 * MiB);
    // Chunks that do not line up with the parts.
    for (let offset = 0; offset < bytes.length; offset += 777_777) digest.update(bytes.subarray(offset, offset + 777_777));
    const parts = [bytes.subarray(0, 5 * MiB), bytes.subarray(5 * MiB, 10 * MiB), bytes.subarray(10 * MiB)].map(sha256);
    expect(digest.digest()).toEqual({
      bytes: bytes.length,
      sha256: sha256(bytes).toString('hex'),
      sha256Base64: sha256(bytes).toString('base64'),
      composite: `${sha256(Buffer.concat(parts)).toString('base64')}-3`,
    });
  });

  it('gives no composite for a file of one part, empty files included', () => {
    const digest = new StreamDigest(5 * MiB);
    digest.update(Buffer.from('%PDF-1.7'));
    expect(digest.digest().composite).toBeUndefined();
    expect(new StreamDigest(5 * MiB).digest()).toEqual({ bytes: 0, sha256: sha256(Buffer.alloc(0)).toString('hex'), sha256Base64: sha256(Buffer.alloc(0)).toString('base64'), composite: undefined });
  });

  it('hashes a file from disk as it streams, in parts grown so that there are at most 10,000', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'digest-'));
    const path = join(folder, 'a.pdf');
    writeFileSync(path, Buffer.alloc(3 * MiB, 1));
    expect((await hashFile(path, 5 * MiB)).sha256).toBe(sha256(Buffer.alloc(3 * MiB, 1)).toString('hex'));
    expect(effectivePartSize(8 * MiB, 5 * MiB)).toBe(5 * MiB);
    expect(effectivePartSize(100_000 * MiB, 5 * MiB)).toBe(10 * MiB);
    rmSync(folder, { recursive: true });
  });
});

describe('retries', () => {
  it('classifies errors for retrying', () => {
    expect(isRetryable(serverError('InternalError', 500, 'x'))).toBe(true);
    expect(isRetryable(serverError('ServiceUnavailable', 503, 'x'))).toBe(true);
    expect(isRetryable(serverError('SlowDown', 503, 'x'))).toBe(true);
    expect(isRetryable(serverError('TooManyRequestsException', 429, 'x'))).toBe(true);
    expect(isRetryable(serverError('RequestTimeout', 400, 'x'))).toBe(true);
    expect(isRetryable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isRetryable(Object.assign(new Error('timed out'), { name: 'TimeoutError' }))).toBe(true);
    expect(isRetryable(serverError('BadDigest', 400, 'x'))).toBe(false);
    expect(isRetryable(serverError('InvalidDigest', 400, 'x'))).toBe(false);
    expect(isRetryable(serverError('AccessDenied', 403, 'x'))).toBe(false);
    expect(isRetryable(serverError('NoSuchBucket', 404, 'x'))).toBe(false);
    expect(isRetryable(Object.assign(new Error('no such file'), { code: 'ENOENT' }))).toBe(false);
    expect(isRetryable(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toBe(false);
    expect(isRetryable(new FileChangedError())).toBe(false);
  });

  it('waits a random time up to 200 ms · 2^(attempt-1), capped at 20 s', () => {
    expect(backoffMs(1, () => 0.999_999)).toBe(199);
    expect(backoffMs(4, () => 0.5)).toBe(800);
    expect(backoffMs(20, () => 0.999_999)).toBe(19_999);
    expect(backoffMs(3, () => 0)).toBe(0);
  });

  it('tries again while the error is retryable and retries are left, and counts the attempts', async () => {
    const count = { attempts: 0 };
    let calls = 0;
    const flaky = async () => {
      calls++;
      if (calls < 3) throw serverError('InternalError', 500, 'busy');
      return 'done';
    };
    await expect(withRetries(flaky, { retries: 4 }, count)).resolves.toBe('done');
    expect(count.attempts).toBe(3);
    calls = -10;
    await expect(withRetries(flaky, { retries: 1 }, count)).rejects.toThrow('busy');
    expect(count.attempts).toBe(2);
    const denied = withRetries(async () => Promise.reject(serverError('AccessDenied', 403, 'no')), { retries: 4 }, count);
    await expect(denied).rejects.toThrow('no');
    expect(count.attempts).toBe(1);
  });

  it('describes a failure with its name, message and HTTP status, and says what a checksum error means', () => {
    expect(describeUploadError(serverError('InternalError', 500, 'We encountered an internal error.'))).toBe('InternalError: We encountered an internal error. (HTTP 500)');
    expect(describeUploadError(serverError('BadDigest', 400, 'The Content-MD5 you specified did not match'))).toBe(
      'checksum mismatch, S3 rejected the bytes it received: BadDigest: The Content-MD5 you specified did not match (HTTP 400)',
    );
    expect(describeUploadError(new FileChangedError())).toBe('the file changed while it was being uploaded');
  });
});

describe('mergeManifest', () => {
  const file = (key: string, sha: string) => ({ path: key.split('/').pop()!, key, bytes: 1, sha256: sha.repeat(64) });
  it('keeps the first run\'s creation time, replaces files of the same key and counts the union', () => {
    const first = { batch: 'b', createdAt: '2025-01-01T00:00:00.000Z', expected: 2, files: [file('incoming/b/x.pdf', 'a'), file('incoming/b/y.pdf', 'a')] };
    const second = { batch: 'b', createdAt: '2025-01-02T00:00:00.000Z', expected: 2, files: [file('incoming/b/z.pdf', 'b'), file('incoming/b/x.pdf', 'c')] };
    expect(mergeManifest(first, second)).toEqual({
      batch: 'b',
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-02T00:00:00.000Z',
      expected: 3,
      files: [file('incoming/b/x.pdf', 'c'), file('incoming/b/y.pdf', 'a'), file('incoming/b/z.pdf', 'b')],
    });
    expect(mergeManifest(undefined, second)).toBe(second);
  });
});

describe('resolveDeployment', () => {
  it('reads the bucket from --outputs, flat or under the stack name, and prefers a given name', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'upload-cwd-'));
    writeFileSync(join(cwd, 'cdk.outputs.json'), '{}');
    writeFileSync(join(cwd, 'stack.json'), JSON.stringify({ ZielvereinbarungenPipeline: { UploadBucketName: 'from-stack' } }));
    writeFileSync(join(cwd, 'flat.json'), JSON.stringify({ UploadBucketName: 'flat' }));
    expect(resolveDeployment({ outputs: 'stack.json' }, { cwd }).bucket()).toBe('from-stack');
    expect(resolveDeployment({ outputs: 'flat.json' }, { cwd }).bucket()).toBe('flat');
    expect(resolveDeployment({ outputs: join(cwd, 'stack.json') }, { cwd: '/' }).bucket()).toBe('from-stack');
    expect(resolveDeployment({ bucket: 'given', outputs: 'stack.json' }, { cwd }).bucket()).toBe('given');
    expect(() => resolveDeployment({ outputs: 'missing.json' }, { cwd }).bucket()).toThrow(
      new UsageError('--bucket is needed: it is not given and there is no missing.json (deploy first, or pass --outputs)'),
    );
    expect(() => resolveDeployment({}, { cwd }).bucket()).toThrow(new UsageError('--bucket is needed: it is not given and cdk.outputs.json has no UploadBucketName'));
    expect(() => resolveDeployment({ endpoint: 'nowhere' }, { cwd })).toThrow(new UsageError('--endpoint must be a URL, not "nowhere"'));
    rmSync(cwd, { recursive: true });
  });
});
