import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import cliProgress from 'cli-progress';
import pLimit from 'p-limit';
import { type ExtractionConfig, extractionConfigFromEnv, type OcrMode } from '../shared/config.js';
import { ReaderPool } from '../shared/isolation/reader-pool.js';
import { TesseractOcrEngine } from '../shared/ocr/tesseract.js';
import type { AgreementRecord } from '../shared/schema/record.js';
import { findPdfFiles, UsageError } from './files.js';
import { formatSummary, formatTable } from './table.js';

export interface ExtractOptions {
  json: boolean;
  ocr: OcrMode;
  /** Documents read at once; see `defaultConcurrency`. */
  concurrency?: number;
}

/**
 * Documents read at once by default. Each reader process may use up to the memory limit, and with OCR
 * the engine's workers here take about as much again, so where pages may be read by OCR one reader
 * keeps the whole run under 1 GB; it also keeps the OCR workers, which use every core, busy. Without
 * OCR, two readers use both cores of a small machine.
 */
const defaultConcurrency = (ocr: OcrMode) => (ocr === 'never' ? 2 : 1);

/** Reports progress on stderr: a bar on a terminal, a line per document otherwise. */
function progressReporter(total: number) {
  if (total < 2) return { tick: (_file: string) => undefined, stop: () => undefined };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: 'extracting [{bar}] {value}/{total} | {eta_formatted} left | {file}', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { file: '' });
    return { tick: (file: string) => bar.increment({ file }), stop: () => bar.stop() };
  }
  let done = 0;
  return {
    tick: (file: string) => process.stderr.write(`[${++done}/${total}] ${file}\n`),
    stop: () => undefined,
  };
}

/**
 * Finds the files (see `findPdfFiles`; what is passed over is listed on stderr), extracts a record from
 * each and prints them. A named folder without any PDF is named on stderr and makes the exit code 1; with
 * no file at all to read, that is a usage error.
 */
export async function runExtract(paths: readonly string[], options: ExtractOptions): Promise<AgreementRecord[]> {
  const found = await findPdfFiles(paths, { namedFiles: 'any' });
  for (const { path, reason } of found.skipped) process.stderr.write(`skipped ${path}: ${reason}\n`);
  if (found.files.length === 0) throw new UsageError(`no PDF files found in ${paths.join(', ')}`);
  for (const folder of found.foldersWithoutPdf) process.stderr.write(`agreements: no PDF files in ${folder}\n`);
  if (found.foldersWithoutPdf.length > 0) process.exitCode = 1;
  const files = found.files.map((file) => file.path);
  const config: ExtractionConfig = { ...extractionConfigFromEnv(process.env), ocr: options.ocr };
  const ocr = new TesseractOcrEngine(undefined, config.ocrDpi);
  const concurrency = options.concurrency ?? defaultConcurrency(options.ocr);
  const readers = new ReaderPool(concurrency);
  const reading = pLimit(concurrency);
  const progress = progressReporter(files.length);
  /** By input index: the record, or null for a file that could not be read from disk. */
  const records: (AgreementRecord | null | undefined)[] = new Array(files.length);
  let printed = 0;
  // JSON Lines come out in input order as soon as each record and all before it are ready.
  const flush = () => {
    while (options.json && printed < files.length && records[printed] !== undefined) {
      const record = records[printed++];
      if (record) process.stdout.write(`${JSON.stringify(record)}\n`);
    }
  };
  const extractOne = async (file: string, index: number) => {
    try {
      const bytes = await readFile(file);
      records[index] = (await readers.extract(bytes, basename(file), { config, ocr })).record;
    } catch (error) {
      // The disk, not the document: there are no bytes to judge, so no record, and the exit code says so.
      if (!(error instanceof Error && 'code' in error)) throw error;
      process.stderr.write(`agreements: could not read ${file}: ${error.message}\n`);
      process.exitCode = 1;
      records[index] = null;
    }
    progress.tick(basename(file));
    flush();
  };
  try {
    await Promise.all(files.map((file, index) => reading(() => extractOne(file, index))));
  } finally {
    progress.stop();
    await Promise.all([ocr.close(), readers.close()]);
  }
  const read = records.filter((record): record is AgreementRecord => Boolean(record));
  if (!options.json) {
    process.stdout.write(`${formatTable(read)}\n\n${formatSummary(read)}\n`);
  }
  return read;
}
