import cliProgress from 'cli-progress';
import { incomingKey } from '../../shared/keys.js';
import type { FileOutcome, UploadProgressSink, UploadResult } from './model.js';

/** Decimal units, as transfer rates are usually given: 9559 → "9.6 kB", 1_200_000 → "1.2 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 999.95 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

export const formatRate = (bytes: number, ms: number) => (ms > 0 ? `${(bytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s` : '-- MB/s');

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** `uploaded  3/50  incoming/b1/x.pdf  1.2 MB` (and the reason for a failed file). */
export function formatProgressLine(outcome: FileOutcome, done: number, total: number): string {
  const line = `${outcome.status.padEnd(8)}  ${done}/${total}  ${outcome.key}  ${formatBytes(outcome.bytes)}`;
  return outcome.status === 'failed' ? `${line}  ${outcome.reason ?? ''}` : line;
}

export interface UploadProgressOptions {
  /** A bar (true) or a line per file (false); default: whether the stream is a terminal. */
  tty?: boolean;
  clock?: () => number;
}

/**
 * Upload progress on `stream` (stderr): on a terminal a bar with files done/total, bytes, rate and ETA;
 * otherwise one line per file.
 */
export function createUploadProgress(stream: NodeJS.WritableStream & { isTTY?: boolean }, options: UploadProgressOptions = {}): UploadProgressSink {
  const tty = options.tty ?? Boolean(stream.isTTY);
  const clock = options.clock ?? Date.now;
  let totalFiles = 0;
  let totalBytes = 0;
  let doneFiles = 0;
  let sentBytes = 0; // transferred
  let settledBytes = 0; // of files skipped or failed: no longer to be sent
  let startedAt = 0;
  let bar: cliProgress.SingleBar | undefined;

  const payload = () => {
    const elapsed = clock() - startedAt;
    const rate = elapsed > 0 ? sentBytes / (elapsed / 1000) : 0;
    const remaining = Math.max(0, totalBytes - sentBytes - settledBytes);
    return {
      bytes: `${formatBytes(sentBytes + settledBytes)}/${formatBytes(totalBytes)}`,
      rate: formatRate(sentBytes, elapsed),
      etaText: remaining === 0 ? '0:00' : rate > 0 ? formatDuration(remaining / rate) : '--:--',
    };
  };

  return {
    start(files, bytes) {
      totalFiles = files;
      totalBytes = bytes;
      startedAt = clock();
      if (!tty) return;
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: 'uploading [{bar}] {value}/{total} files | {bytes} | {rate} | ETA {etaText}',
          hideCursor: true,
          fps: 5,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(files, 0, payload());
    },
    file(outcome) {
      doneFiles++;
      if (outcome.status !== 'uploaded') settledBytes += outcome.bytes;
      if (bar) {
        bar.update(doneFiles, payload()); // failed files are listed in the summary
      } else {
        stream.write(`${formatProgressLine(outcome, doneFiles, totalFiles)}\n`);
      }
    },
    bytes(n) {
      sentBytes += n;
      bar?.update(doneFiles, payload());
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const sum = (outcomes: readonly { bytes: number }[]) => outcomes.reduce((total, outcome) => total + outcome.bytes, 0);

/**
 * The end-of-run summary: counts and bytes per outcome, reasons, throughput, and what to do next. Every
 * file passed over is listed with its reason (a user must be able to see what did not go); failures,
 * which repeat one cause, are cut at `limit`.
 */
export function formatUploadSummary(result: UploadResult, bucket: string, limit = 20): string {
  const sent = sum(result.uploaded);
  const lines = [
    `batch ${result.batch}: s3://${bucket}/${incomingKey(result.batch, '')} (manifest s3://${bucket}/${result.manifestKey})`,
    `  uploaded  ${plural(result.uploaded.length, 'file')}, ${formatBytes(sent)}`,
    `  skipped   ${plural(result.skipped.length, 'file')}, ${formatBytes(sum(result.skipped))} (already in the bucket)`,
    `  failed    ${plural(result.failed.length, 'file')}, ${formatBytes(sum(result.failed))}`,
  ];
  for (const file of result.failed.slice(0, limit)) lines.push(`    ${file.relativePath}: ${file.reason}`);
  if (result.failed.length > limit) lines.push(`    … and ${result.failed.length - limit} more`);
  lines.push(`  ignored   ${plural(result.ignored.length, 'file')}`);
  for (const entry of result.ignored) lines.push(`    ${entry.path}: ${entry.reason}`);
  lines.push(`  ${formatBytes(sent)} sent in ${(result.elapsedMs / 1000).toFixed(1)} s (${formatRate(sent, result.elapsedMs)})`);
  if (result.failed.length > 0) lines.push(`some files failed; run again with --batch ${result.batch} to retry them (files already uploaded are skipped)`);
  return lines.join('\n');
}
