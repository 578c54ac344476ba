import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import cliProgress from 'cli-progress';
import { type ExtractionConfig, extractionConfigFromEnv, type OcrMode } from '../shared/config.js';
import { forEachLimited } from '../shared/concurrency.js';
import { ReaderPool } from '../shared/isolation/reader-pool.js';
import { TesseractOcrEngine } from '../shared/ocr/tesseract.js';
import type { AgreementRecord } from '../shared/schema/record.js';
import { type KnownNames, namesPrintedIn } from '../shared/validate/known-names.js';
import { findPdfFiles, UsageError } from './files.js';
import { formatSummary, formatTable } from './table.js';

export interface ExtractOptions {
  json: boolean;
  ocr: OcrMode;
  /** Documents read at once; see `defaultConcurrency`. */
  concurrency?: number;
}

/**
 * Documents read at once. Each reader process may use up to the memory limit, and the OCR engine's
 * workers here take about as much again; so while the OCR engine runs, one reader keeps the whole run
 * under 1 GB (and keeps the workers, which use every core, busy). Without OCR, two readers use both
 * cores of a small machine.
 */
const READERS_WITHOUT_OCR = 2;
const READERS_WITH_OCR = 1;

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
  const progress = progressReporter(files.length);
  /** By input index: the record, or null for a file that could not be read from disk. */
  const records: (AgreementRecord | null | undefined)[] = new Array(files.length);
  const recordsRead = () => records.filter((record): record is AgreementRecord => Boolean(record));
  let printed = 0;
  // JSON Lines come out in input order as soon as each record and all before it are ready.
  const flush = () => {
    while (options.json && printed < files.length && records[printed] !== undefined) {
      const record = records[printed++];
      if (record) process.stdout.write(`${JSON.stringify(record)}\n`);
    }
  };
  /** Reads the file from disk and hands it to `read`, which gives its record or none (a file left for later). */
  const readFileThen = async (index: number, read: (bytes: Uint8Array, fileName: string) => Promise<AgreementRecord | undefined>) => {
    const file = files[index]!;
    try {
      const record = await read(await readFile(file), basename(file));
      if (!record) return;
      records[index] = record;
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
  /** Reads the files at `indexes` with `concurrency` readers; `read` gives a record, or none for a file left for later. */
  const readAll = async (
    indexes: readonly number[],
    concurrency: number,
    read: (readers: ReaderPool, bytes: Uint8Array, fileName: string, index: number) => Promise<AgreementRecord | undefined>,
  ) => {
    const readers = new ReaderPool(concurrency);
    try {
      await forEachLimited(indexes, concurrency, (index) => readFileThen(index, (bytes, fileName) => read(readers, bytes, fileName, index)));
    } finally {
      await readers.close();
    }
  };
  let knownNames: KnownNames | undefined;
  const withOcr = async (readers: ReaderPool, bytes: Uint8Array, fileName: string) => (await readers.extract(bytes, fileName, { config, ocr, knownNames })).record;
  const everyFile = files.map((_, index) => index);
  try {
    if (options.ocr !== 'auto') {
      await readAll(everyFile, options.concurrency ?? (options.ocr === 'never' ? READERS_WITHOUT_OCR : READERS_WITH_OCR), withOcr);
    } else {
      // Digital documents first, each read once (two at a time unless told); a document with a page for
      // OCR is put aside at that page and read afterwards, with the OCR engine (and one reader unless told).
      const forOcr: number[] = [];
      await readAll(everyFile, options.concurrency ?? READERS_WITHOUT_OCR, async (readers, bytes, fileName, index) => {
        const plan = await readers.extractOrPlanOcr(bytes, fileName, { config });
        if (plan.kind === 'read') return plan.extraction.record;
        forOcr.push(index);
        return undefined;
      });
      // The names the digital agreements printed are known right when the scans are judged, as the
      // pipeline knows those of the records it stored.
      knownNames = namesPrintedIn(recordsRead());
      await readAll(forOcr.sort((a, b) => a - b), options.concurrency ?? READERS_WITH_OCR, withOcr);
    }
  } finally {
    progress.stop();
    await ocr.close();
  }
  const read = recordsRead();
  if (!options.json) {
    process.stdout.write(`${formatTable(read)}\n\n${formatSummary(read)}\n`);
  }
  return read;
}
