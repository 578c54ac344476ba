/**
 * What an upload run reports, shared by the upload itself and the progress display: one outcome per file,
 * the progress events, and the run's result.
 */

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
