import { createRequire } from 'node:module';
import { createWorker, OEM, type Worker } from 'tesseract.js';
import { type ExtractionConfig, extractionConfigSchema } from '../../shared/config.js';
import { ReaderPool } from '../../shared/isolation/reader-pool.js';
import { cleanScan, greyPage, pgmRows } from '../../shared/ocr/preprocess.js';
import type { PageRaster } from '../../shared/pdf/document.js';
import type { Rejection } from '../../shared/pdf/preflight.js';

/**
 * How the Textract stand-in reads a document: every page opened and rendered in a reader process
 * (shared/isolation), under the same hard limits of time and memory as every other reader of the
 * project, and each page image read here by tesseract.js with the German model, word by word with each
 * word's box and confidence. Textract's own limits on pages, bytes and page size apply, not the
 * pipeline's smaller ones. This is the stand-in's one call that opens a document.
 */

/** Textract's fixed quotas for asynchronous operations on PDFs (the size is checked before reading). */
export const TEXTRACT_LIMITS = {
  maxPages: 3000,
  maxBytes: 500 * 1024 * 1024,
  /** A PDF page's longest side, in points. */
  maxPageSidePt: 9000,
};

export interface ReadWord {
  text: string;
  /** 0–100, as Textract gives it. */
  confidence: number;
  /** The word's box in pixels of the page image. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface ReadPage {
  /** The page image's size in pixels. */
  width: number;
  height: number;
  lines: ReadWord[][];
}

/** Why Textract would not read a document, in the words its job status gives. */
export class UnreadableDocument extends Error {}

const DPI = 300;
const resolvePackage = createRequire(import.meta.url);

/** The reader's limits: Textract's on pages, bytes and page size; the project's on time and memory. */
export type ReaderLimits = Partial<Pick<ExtractionConfig['limits'], 'timeoutMs' | 'pageTimeoutMs' | 'memoryMiB'>>;

const configFor = (limits: ReaderLimits): ExtractionConfig =>
  extractionConfigSchema.parse({
    limits: {
      maxFileBytes: TEXTRACT_LIMITS.maxBytes,
      maxDecompressedStreamBytes: TEXTRACT_LIMITS.maxBytes,
      maxPages: TEXTRACT_LIMITS.maxPages,
      maxPageSidePt: TEXTRACT_LIMITS.maxPageSidePt,
      ...limits,
    },
  });

/** One reader: the stand-in reads one job after another. */
let readers: ReaderPool | undefined;
let worker: Promise<Worker> | undefined;
function tesseract(): Promise<Worker> {
  worker ??= (async () => {
    const modelPackage = resolvePackage.resolve('@tesseract.js-data/deu/package.json');
    const started = await createWorker('deu', OEM.LSTM_ONLY, { langPath: `${modelPackage.slice(0, -'package.json'.length)}4.0.0_best_int`, gzip: true, cacheMethod: 'none' });
    await started.setParameters({ user_defined_dpi: String(DPI) });
    return started;
  })();
  return worker;
}

/** Textract's reason for refusing a document the reader rejected. */
function textractReason(rejection: Rejection, pages: number): string {
  switch (rejection.code) {
    case 'limit.pages':
      return `DocumentTooLargeException: the document has ${pages} pages; the maximum for asynchronous operations is ${TEXTRACT_LIMITS.maxPages}.`;
    case 'limit.page_size':
      return `UnsupportedDocumentException: a page is larger than ${TEXTRACT_LIMITS.maxPageSidePt} points on a side.`;
    case 'pdf.encrypted':
      return 'UnsupportedDocumentException: Request has unsupported document format (the PDF is password protected).';
    case 'limit.time':
    case 'limit.memory':
      // Textract gives no such limit; the stand-in says which of its own stopped the reader.
      return `UnsupportedDocumentException: Request has unsupported document format (the stand-in's reader was stopped: ${rejection.message})`;
    default:
      return 'UnsupportedDocumentException: Request has unsupported document format';
  }
}

/** The words tesseract.js reads on one page image. */
async function readImage(raster: PageRaster): Promise<ReadPage> {
  const image = cleanScan(greyPage(raster));
  const { data } = await (await tesseract()).recognize(pgmRows(image, 0, image.height), {}, { blocks: true, text: false });
  const lines = (data.blocks ?? []).flatMap((block) =>
    block.paragraphs.flatMap((paragraph) =>
      paragraph.lines.map((line) =>
        line.words
          .filter((word) => word.text.trim())
          .map((word) => ({ text: word.text.trim(), confidence: word.confidence, x0: word.bbox.x0, y0: word.bbox.y0, x1: word.bbox.x1, y1: word.bbox.y1 })),
      ),
    ),
  );
  return { width: image.width, height: image.height, lines: lines.filter((line) => line.length > 0) };
}

/**
 * The words of every page of a PDF Textract would accept; throws `UnreadableDocument` with Textract's
 * reason for one it would not, or one the reader was stopped on.
 */
export async function readPages(bytes: Uint8Array, limits: ReaderLimits = {}): Promise<ReadPage[]> {
  readers ??= new ReaderPool(1);
  const read = await readers.renderPages(bytes, { config: configFor(limits), dpi: DPI }, (raster) => readImage(raster));
  if (read.kind === 'rejected') throw new UnreadableDocument(textractReason(read.rejection, read.pages));
  return [...read.pages.entries()].sort(([a], [b]) => a - b).map(([, page]) => page);
}

/** Stops the reader process and the OCR worker. */
export async function closeReader(): Promise<void> {
  const started = worker;
  worker = undefined;
  const pool = readers;
  readers = undefined;
  await Promise.all([started?.then((reader) => reader.terminate()), pool?.close()]);
}
