import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { resolveDeployment } from './deployment.js';
import { UsageError } from './files.js';
import { uploadBatch } from './upload/batch.js';
import { DEFAULT_PART_SIZE, DEFAULT_RETRIES, DEFAULT_UPLOAD_CONCURRENCY } from './upload/defaults.js';
import { MiB } from './upload/digest.js';
import type { UploadResult } from './upload/model.js';
import { createUploadProgress, formatUploadSummary } from './upload/progress.js';

/** The options of `agreements upload` as commander hands them over: numbers may still be strings. */
const number = (minimum: number, integer = true) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value), integer ? z.number().int().min(minimum) : z.number().min(minimum));

export const uploadCommandOptionsSchema = z.object({
  bucket: z.string().min(1).optional(),
  outputs: z.string().min(1).optional(),
  endpoint: z.url().optional(),
  batch: z.string().min(1).optional(),
  concurrency: number(1).default(DEFAULT_UPLOAD_CONCURRENCY),
  /** In MiB. */
  partSize: number(5, false).default(DEFAULT_PART_SIZE / MiB),
  retries: number(0).default(DEFAULT_RETRIES),
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
