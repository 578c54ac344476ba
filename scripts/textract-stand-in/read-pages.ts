import { createRequire } from 'node:module';
import { createWorker, OEM, type Worker } from 'tesseract.js';
import { extractionConfigSchema } from '../../shared/config.js';
import { PdfDocument, PdfRejected } from '../../shared/pdf/document.js';
import { cleanScan, pgmRows } from '../../shared/ocr/preprocess.js';

/**
 * How the Textract stand-in reads a document: every page rendered (pdf.js and canvas, as the pipeline
 * renders) and read by tesseract.js with the German model, word by word with each word's box and
 * confidence. Textract's own limits apply, not the pipeline's. This is the stand-in's one call that
 * opens a document.
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

/** The words of every page of a PDF Textract would accept; throws `UnreadableDocument` with Textract's reason for one it would not. */
export async function readPages(bytes: Uint8Array, onPage: (page: number, of: number) => void = () => undefined): Promise<ReadPage[]> {
  if (Buffer.from(bytes.subarray(0, 1024)).indexOf('%PDF-') < 0) throw new UnreadableDocument('UnsupportedDocumentException: Request has unsupported document format');
  const limits = extractionConfigSchema.parse({
    limits: { maxFileBytes: TEXTRACT_LIMITS.maxBytes, maxDecompressedStreamBytes: TEXTRACT_LIMITS.maxBytes, maxPages: TEXTRACT_LIMITS.maxPages, maxPageSidePt: TEXTRACT_LIMITS.maxPageSidePt },
  }).limits;
  let document: PdfDocument;
  try {
    document = await PdfDocument.open(bytes, limits);
  } catch (error) {
    if (!(error instanceof PdfRejected)) throw error;
    switch (error.rejection.code) {
      case 'limit.pages':
        throw new UnreadableDocument(`DocumentTooLargeException: the document has ${error.pages} pages; the maximum for asynchronous operations is ${TEXTRACT_LIMITS.maxPages}.`);
      case 'limit.page_size':
        throw new UnreadableDocument(`UnsupportedDocumentException: a page is larger than ${TEXTRACT_LIMITS.maxPageSidePt} points on a side.`);
      case 'pdf.encrypted':
        throw new UnreadableDocument('UnsupportedDocumentException: Request has unsupported document format (the PDF is password protected).');
      default:
        throw new UnreadableDocument('UnsupportedDocumentException: Request has unsupported document format');
    }
  }
  try {
    const reader = await tesseract();
    const pages: ReadPage[] = [];
    for (let number = 1; number <= document.pageCount; number++) {
      onPage(number, document.pageCount);
      const image = cleanScan(await document.renderPage(number, DPI));
      const { data } = await reader.recognize(pgmRows(image, 0, image.height), {}, { blocks: true, text: false });
      const lines = (data.blocks ?? []).flatMap((block) =>
        block.paragraphs.flatMap((paragraph) =>
          paragraph.lines.map((line) =>
            line.words
              .filter((word) => word.text.trim())
              .map((word) => ({ text: word.text.trim(), confidence: word.confidence, x0: word.bbox.x0, y0: word.bbox.y0, x1: word.bbox.x1, y1: word.bbox.y1 })),
          ),
        ),
      );
      pages.push({ width: image.width, height: image.height, lines: lines.filter((line) => line.length > 0) });
    }
    return pages;
  } finally {
    await document.close();
  }
}

export async function closeReader(): Promise<void> {
  const started = worker;
  worker = undefined;
  await started?.then((reader) => reader.terminate());
}
