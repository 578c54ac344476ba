import { PDFParse } from 'pdf-parse';
import type { ExtractionConfig } from '../config.js';
import type { Rejection } from './preflight.js';

/**
 * An opened PDF: page count, page sizes, the text layer of each page and rendering of pages to images
 * for OCR, all through pdf-parse (pdf.js underneath). Scripts are never evaluated, XFA is ignored.
 */

export interface PdfPageText {
  number: number;
  lines: string[];
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

export class PdfDocument {
  private constructor(
    private readonly parser: PDFParse,
    readonly pageCount: number,
  ) {}

  /** Opens the PDF and enforces the page-count and page-size limits; throws PdfRejected otherwise. */
  static async open(bytes: Uint8Array, limits: ExtractionConfig['limits']): Promise<PdfDocument> {
    // pdf.js may take ownership of the buffer it is given, so it gets a copy.
    const parser = new PDFParse({
      data: new Uint8Array(bytes),
      isEvalSupported: false,
      enableXfa: false,
      stopAtErrors: false,
      verbosity: 0,
    });
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
      return new PdfDocument(parser, info.total);
    } catch (error) {
      await parser.destroy().catch(() => undefined);
      if (error instanceof PdfRejected) throw error;
      throw new PdfRejected(describeOpenError(error));
    }
  }

  async pageTexts(): Promise<PdfPageText[]> {
    const result = await this.parser.getText({ cellSeparator: '\t', pageJoiner: '', lineEnforce: true });
    return result.pages.map((page) => ({
      number: page.num,
      lines: page.text.split('\n'),
      letters: (page.text.match(/\p{L}/gu) ?? []).length,
    }));
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
    await this.parser.destroy();
  }
}
