/**
 * Which failures at the bucket are worth another attempt, how long to wait before it, and how a failure
 * is told to a person.
 */

const RETRY_BASE_MS = 200;
const RETRY_CAP_MS = 20_000;

export class FileChangedError extends Error {
  constructor() {
    super('the file changed while it was being uploaded');
    this.name = 'FileChangedError';
  }
}

/** S3 stored something other than what was hashed here (reported after the fact, not by a rejection). */
export class ChecksumMismatchError extends Error {
  override name = 'ChecksumMismatchError';
}

export class CancelledError extends Error {
  override name = 'CancelledError';
}

interface ErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

export const errorShape = (error: unknown): ErrorShape => (typeof error === 'object' && error !== null ? (error as ErrorShape) : {});

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
  const { name = '', message = '' } = errorShape(error);
  return CHECKSUM_ERRORS.has(name) || /checksum.*(mismatch|did not match)/i.test(message);
};

export const isNotFound = (error: unknown) => {
  const { name, $metadata } = errorShape(error);
  return name === 'NotFound' || name === 'NoSuchKey' || $metadata?.httpStatusCode === 404;
};

/** Worth another attempt: a network failure, a 5xx or throttling; never a checksum mismatch or other 4xx. */
export function isRetryable(error: unknown): boolean {
  const { name = '', code = '', message = '', $metadata, $retryable } = errorShape(error);
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

/** A failure as a file's reason: the error's name and message, its HTTP status, and what a checksum error means. */
export function describeUploadError(error: unknown): string {
  if (error instanceof FileChangedError || error instanceof CancelledError) return error.message;
  const { name, message, code, $metadata } = errorShape(error);
  const status = $metadata?.httpStatusCode;
  const text = [name && name !== 'Error' ? name : code, message].filter(Boolean).join(': ') || String(error);
  const withStatus = status ? `${text} (HTTP ${status})` : text;
  return isChecksumError(error) ? `checksum mismatch, S3 rejected the bytes it received: ${withStatus}` : withStatus;
}

/** Exponential backoff with full jitter: a random wait up to base·2^(attempt-1), capped. */
export const backoffMs = (attempt: number, random = Math.random) => Math.floor(random() * Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** (attempt - 1)));

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

export interface RetryPolicy {
  /** Further attempts after a retryable error. */
  retries: number;
  /** Stops waiting and retrying; the failure becomes a `CancelledError`. */
  signal?: AbortSignal;
}

/**
 * Runs `operation` (told which attempt it is) until it succeeds, its error is not retryable, or the
 * retries are spent, waiting `backoffMs` between attempts. `count.attempts` follows the attempts made.
 */
export async function withRetries<T>(operation: (attempt: number) => Promise<T>, { retries, signal }: RetryPolicy, count?: { attempts: number }): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    if (count) count.attempts = attempt;
    try {
      return await operation(attempt);
    } catch (error) {
      if (signal?.aborted) throw new CancelledError('cancelled while uploading');
      if (attempt > retries || !isRetryable(error)) throw error;
      await sleep(backoffMs(attempt), signal);
    }
  }
}
