import { PDFParse } from 'pdf-parse';
import { getDocument, type PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { ExtractionConfig } from '../config.js';
import type { Rejection } from './preflight.js';
import { assembleLines, type LineGeometry, type TextItem } from './text-layer.js';

/**
 * An opened PDF: page count, page sizes and rendering of pages to images for OCR through pdf-parse, and
 * the text layer of each page with word positions through pdf.js (the one pdf-parse runs on), because
 * pdf-parse's text has none. Scripts are never evaluated, XFA is ignored.
 */

export interface PdfPageText {
  number: number;
  lines: string[];
  /** For each line, where its words lie on the page. */
  geometry: LineGeometry[];
  /** Letters in the page's text layer; few or none means the page is a scan. */
  letters: number;
}

export class PdfRejected extends Error {
  constructor(
    readonly rejection: Rejection,
    /** Page count, when the PDF could be opened far enough to know it. */
    readonly pages = 0,
  ) {
    super(rejection.message);
  }
}

function describeOpenError(error: unknown): Rejection {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  if (/Password/i.test(name) || /password/i.test(message)) {
    return { code: 'pdf.encrypted', message: 'The PDF is encrypted with a user password and cannot be opened without it.' };
  }
  if (/call stack|too much recursion/i.test(message)) {
    return { code: 'limit.nesting', message: 'The PDF nests its objects too deeply to be read safely.' };
  }
  return { code: 'pdf.corrupt', message: `The PDF cannot be read: ${message}` };
}

/** What pdf.js is given to open a document: no script evaluation, no XFA, no noise on the console. */
const LOAD_OPTIONS = { isEvalSupported: false, enableXfa: false, stopAtErrors: false, verbosity: 0 } as const;

export class PdfDocument {
  /** The pdf.js document `pageTexts` has open, so that `close` can end it when a deadline cuts reading short. */
  private textLayer: PDFDocumentProxy | undefined;

  private constructor(
    private readonly parser: PDFParse,
    private readonly bytes: Uint8Array,
    readonly pageCount: number,
  ) {}

  /** Opens the PDF and enforces the page-count and page-size limits; throws PdfRejected otherwise. */
  static async open(bytes: Uint8Array, limits: ExtractionConfig['limits']): Promise<PdfDocument> {
    // pdf.js may take ownership of the buffer it is given, so it gets a copy.
    const parser = new PDFParse({ data: new Uint8Array(bytes), ...LOAD_OPTIONS });
    try {
      const info = await parser.getInfo();
      if (info.total > limits.maxPages) {
        throw new PdfRejected({
          code: 'limit.pages',
          message: `The PDF has ${info.total} pages, more than the limit of ${limits.maxPages}.`,
        }, info.total);
      }
      const sized = await parser.getInfo({ parsePageInfo: true });
      for (const page of sized.pages) {
        const longest = Math.max(page.width ?? 0, page.height ?? 0);
        if (longest > limits.maxPageSidePt) {
          throw new PdfRejected({
            code: 'limit.page_size',
            message: `Page ${page.pageNumber} measures ${Math.round(page.width ?? 0)} × ${Math.round(page.height ?? 0)} pt; the limit for a page side is ${limits.maxPageSidePt} pt.`,
          }, info.total);
        }
      }
      return new PdfDocument(parser, bytes, info.total);
    } catch (error) {
      await parser.destroy().catch(() => undefined);
      if (error instanceof PdfRejected) throw error;
      throw new PdfRejected(describeOpenError(error));
    }
  }

  /**
   * Reads every page's text layer. The pdf.js document it opens for that is closed again before this
   * returns, so that it does not hold memory while the scanned pages are rendered and read.
   */
  async pageTexts(): Promise<PdfPageText[]> {
    const textLayer = await getDocument({ data: new Uint8Array(this.bytes), ...LOAD_OPTIONS }).promise;
    this.textLayer = textLayer;
    try {
      const pages: PdfPageText[] = [];
      for (let number = 1; number <= this.pageCount; number++) {
        const page = await textLayer.getPage(number);
        const viewport = page.getViewport({ scale: 1 });
        const content = await page.getTextContent();
        const items = content.items.flatMap((item): TextItem[] => ('str' in item ? [item] : []));
        const lines = assembleLines(items, (x, y) => viewport.convertToViewportPoint(x, y) as [number, number]);
        page.cleanup();
        const text = lines.map((line) => line.text).join('\n');
        pages.push({
          number,
          lines: lines.map((line) => line.text),
          geometry: lines.map((line) => line.geometry),
          letters: (text.match(/\p{L}/gu) ?? []).length,
        });
      }
      return pages;
    } finally {
      this.textLayer = undefined;
      await textLayer.destroy();
    }
  }

  /** Whether the page paints an image of more than a few pixels (a scan does; an almost empty page does not). */
  async pageHasImages(pageNumber: number): Promise<boolean> {
    const result = await this.parser.getImage({ partial: [pageNumber], imageThreshold: 80, imageBuffer: false, imageDataUrl: false });
    return (result.pages[0]?.images.length ?? 0) > 0;
  }

  /** Renders one page to PNG at the given resolution. */
  async renderPage(pageNumber: number, dpi: number): Promise<Uint8Array> {
    const shot = await this.parser.getScreenshot({
      partial: [pageNumber],
      scale: dpi / 72,
      imageDataUrl: false,
      imageBuffer: true,
    });
    const image = shot.pages[0]?.data;
    if (!image) throw new Error(`page ${pageNumber} could not be rendered`);
    return image;
  }

  async close(): Promise<void> {
    await this.textLayer?.destroy();
    await this.parser.destroy();
  }
}
