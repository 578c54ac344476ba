import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import cliProgress from 'cli-progress';
import { type ExtractionConfig, extractionConfigSchema, type OcrMode } from '../shared/config.js';
import { extractDocument } from '../shared/extract/extract-document.js';
import { TesseractOcrEngine } from '../shared/ocr/tesseract.js';
import type { AgreementRecord } from '../shared/schema/record.js';
import { findPdfFiles, UsageError } from './files.js';
import { formatSummary, formatTable } from './table.js';

export interface ExtractOptions {
  json: boolean;
  ocr: OcrMode;
  concurrency: number;
}

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
  const config: ExtractionConfig = extractionConfigSchema.parse({ ocr: options.ocr });
  const ocr = new TesseractOcrEngine(undefined, config.ocrDpi);
  const progress = progressReporter(files.length);
  const records: AgreementRecord[] = new Array(files.length);
  let printed = 0;
  // JSON Lines come out in input order as soon as each record and all before it are ready.
  const flush = () => {
    while (options.json && printed < files.length && records[printed]) {
      process.stdout.write(`${JSON.stringify(records[printed])}\n`);
      printed++;
    }
  };
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const index = next++;
      const file = files[index] as string;
      const bytes = await readFile(file);
      records[index] = await extractDocument(bytes, basename(file), { config, ocr });
      progress.tick(basename(file));
      flush();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency, Math.max(1, files.length)) }, worker));
  } finally {
    progress.stop();
    await ocr.close();
  }
  if (!options.json) {
    process.stdout.write(`${formatTable(records)}\n\n${formatSummary(records)}\n`);
  }
  return records;
}
