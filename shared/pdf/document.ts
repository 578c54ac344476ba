import type { Canvas, SKRSContext2D } from '@napi-rs/canvas';
import type { PageViewport, PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { ExtractionConfig } from '../config.js';
import { PDFParse, pdfjs } from './pdfjs.js';
import { PdfRejected, type Rejection } from './preflight.js';
import { assembleLines, type LineGeometry, type PageBox, type TextItem, withDrawnBullets } from './text-layer.js';

/**
 * An opened PDF: checked with pdf-parse, then read with pdf.js (the one pdf-parse runs on): the text
 * layer of each page with word positions, which pdf-parse's text has none of, whether a page is a scan,
 * and its rendering for OCR. Scripts are never evaluated, XFA is ignored.
 */

export interface PdfPageText {
  number: number;
  lines: string[];
  /** For each line, where its words lie on the page (points, origin top-left). */
  geometry: LineGeometry[];
  /** The page's width and height in points, as it is shown (rotation applied). */
  size: PageSize;
  /** Letters in the page's text layer; few or none means the page is a scan. */
  letters: number;
}

export interface PageSize {
  width: number;
  height: number;
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

const { OPS } = pdfjs;

/** Operators that paint the path just constructed (fill, stroke or both). */
const PATH_PAINTING = new Set<number>([
  OPS.fill, OPS.eoFill, OPS.fillStroke, OPS.eoFillStroke, OPS.stroke, OPS.closeStroke, OPS.closeFillStroke, OPS.closeEOFillStroke,
]);

type Matrix = [number, number, number, number, number, number];
/** The matrix that applies `inner` first, then `outer` (how a `cm` operator combines with the current one). */
const compose = (outer: Matrix, inner: Matrix): Matrix => [
  outer[0] * inner[0] + outer[2] * inner[1],
  outer[1] * inner[0] + outer[3] * inner[1],
  outer[0] * inner[2] + outer[2] * inner[3],
  outer[1] * inner[2] + outer[3] * inner[3],
  outer[0] * inner[4] + outer[2] * inner[5] + outer[4],
  outer[1] * inner[4] + outer[3] * inner[5] + outer[5],
];

/** The boxes of the paths a page paints, in viewport points: where drawn list bullets can be found. */
async function paintedPaths(page: PDFPageProxy, viewport: PageViewport): Promise<PageBox[]> {
  const { fnArray, argsArray } = await page.getOperatorList();
  const boxes: PageBox[] = [];
  const saved: Matrix[] = [];
  let matrix: Matrix = [1, 0, 0, 1, 0, 0];
  fnArray.forEach((operator, index) => {
    const args = argsArray[index] as unknown[] | null;
    if (operator === OPS.save || operator === OPS.paintFormXObjectBegin) {
      saved.push(matrix);
      const form = operator === OPS.paintFormXObjectBegin ? (args?.[0] as Matrix | null) : null;
      if (form) matrix = compose(matrix, form);
    } else if (operator === OPS.restore || operator === OPS.paintFormXObjectEnd) {
      matrix = saved.pop() ?? matrix;
    } else if (operator === OPS.transform && args) {
      matrix = compose(matrix, args as Matrix);
    } else if (operator === OPS.constructPath && args && PATH_PAINTING.has(args[0] as number)) {
      const bounds = args[2] as ArrayLike<number> | null;
      if (!bounds || bounds.length < 4) return;
      const corners = [
        [bounds[0]!, bounds[1]!],
        [bounds[2]!, bounds[3]!],
      ].map(([x, y]) => viewport.convertToViewportPoint(matrix[0] * x! + matrix[2] * y! + matrix[4], matrix[1] * x! + matrix[3] * y! + matrix[5]) as [number, number]);
      const [a, b] = corners as [[number, number], [number, number]];
      boxes.push({ x0: Math.min(a[0], b[0]), y0: Math.min(a[1], b[1]), x1: Math.max(a[0], b[0]), y1: Math.max(a[1], b[1]) });
    }
  });
  return boxes;
}

/** What pdf.js is given to open a document: no script evaluation, no XFA, no noise on the console. */
const LOAD_OPTIONS = { isEvalSupported: false, enableXfa: false, stopAtErrors: false, verbosity: 0 } as const;

/**
 * A rendered page: RGBA pixels, row by row, as a canvas gives them; or, as a reader process sends a
 * page for OCR (a quarter of the bytes), one grey value per pixel, made by `greyForOcr`.
 */
export type PageRaster = RgbaRaster | GreyRaster;
export interface RgbaRaster {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
  grey?: undefined;
}
export interface GreyRaster {
  width: number;
  height: number;
  grey: Uint8Array;
  rgba?: undefined;
}

/** A canvas's RGBA pixels, row by row, as a view of the canvas itself: valid only while it is being read. */
export interface CanvasPixels {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** A canvas from pdf.js's canvas factory, which in Node makes them with @napi-rs/canvas. */
interface CanvasAndContext {
  canvas: Canvas;
  context: SKRSContext2D;
}

/** The part of pdf.js's canvas factory that rendering uses. */
interface CanvasFactory {
  create(width: number, height: number): CanvasAndContext;
  destroy(canvasAndContext: CanvasAndContext): void;
}

type RenderParameters = Parameters<PDFPageProxy['render']>[0];

/** Images no larger than this on either side are ornaments (logos, bullets), not scans. */
const SCAN_MIN_SIDE_PX = 80;

/** Width and height of the image an image-painting operator paints, from its arguments. */
function paintedImageSize(operator: number, args: unknown[] | null): { width: number; height: number } | undefined {
  if (operator === OPS.paintImageXObject) return { width: Number(args?.[1]), height: Number(args?.[2]) };
  if (operator === OPS.paintInlineImageXObject || operator === OPS.paintImageMaskXObject) {
    const image = args?.[0] as { width?: number; height?: number } | undefined;
    return { width: Number(image?.width), height: Number(image?.height) };
  }
  return undefined;
}

/**
 * The pdf.js document a PDFParse has opened. pdf-parse keeps it once any of its getters has loaded it
 * (`load()` returns it, loading it only the first time) but declares that method private; the unit test
 * of PdfDocument fails should a version of pdf-parse stop keeping it.
 */
function openedDocument(parser: InstanceType<typeof PDFParse>): Promise<PDFDocumentProxy> {
  return (parser as unknown as { load(): Promise<PDFDocumentProxy> }).load();
}

/** Told when work on a page begins, with the document's page count: a watchdog's sign of life. */
export type PageObserver = (page: number, pageCount: number) => void;

export class PdfDocument {
  private constructor(
    private readonly pdf: PDFDocumentProxy,
    readonly pageCount: number,
    private readonly limits: ExtractionConfig['limits'],
    private readonly onPage: PageObserver,
  ) {}

  /** The page, once the observer knows work on it begins. */
  private page(pageNumber: number): Promise<PDFPageProxy> {
    this.onPage(pageNumber, this.pageCount);
    return this.pdf.getPage(pageNumber);
  }

  /**
   * Opens the PDF with pdf-parse and checks it (it opens, it is not locked, page count and page sizes
   * within the limits; throws PdfRejected otherwise). The text, the images and the rendering of its pages
   * are then read from the document pdf-parse opened: each PDF is parsed once.
   */
  static async open(bytes: Uint8Array, limits: ExtractionConfig['limits'], onPage: PageObserver = () => undefined): Promise<PdfDocument> {
    // pdf.js may take ownership of the buffer it is given, so the opening gets a copy.
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
      return new PdfDocument(await openedDocument(parser), info.total, limits, onPage);
    } catch (error) {
      await parser.destroy().catch(() => undefined);
      if (error instanceof PdfRejected) throw error;
      throw new PdfRejected(describeOpenError(error));
    }
  }

  /** Reads every page's text layer, with where its words lie and the list bullets its paths draw. */
  async pageTexts(): Promise<PdfPageText[]> {
    const pages: PdfPageText[] = [];
    for (let number = 1; number <= this.pageCount; number++) {
      const page = await this.page(number);
      const viewport = page.getViewport({ scale: 1 });
      const content = await page.getTextContent();
      const items = content.items.flatMap((item): TextItem[] => ('str' in item ? [item] : []));
      const assembled = assembleLines(items, (x, y) => viewport.convertToViewportPoint(x, y) as [number, number]);
      // Only pages with text can have a list; a scan's operator list would only decode its image.
      const lines = items.some((item) => /\p{L}/u.test(item.str)) ? withDrawnBullets(assembled, await paintedPaths(page, viewport)) : assembled;
      page.cleanup();
      const text = lines.map((line) => line.text).join('\n');
      pages.push({
        number,
        lines: lines.map((line) => line.text),
        geometry: lines.map((line) => line.geometry),
        size: { width: viewport.width, height: viewport.height },
        letters: (text.match(/\p{L}/gu) ?? []).length,
      });
    }
    return pages;
  }

  /**
   * Whether the page paints an image larger than an ornament (a scan does; an almost empty page does
   * not). Image masks count: a black-and-white scan is often stored as one. Listing the operators
   * decodes the images, and rendering decodes them again, so they are let go of at once.
   */
  async pageHasImages(pageNumber: number): Promise<boolean> {
    const page = await this.page(pageNumber);
    const { fnArray, argsArray } = await page.getOperatorList();
    page.cleanup();
    return fnArray.some((operator, index) => {
      const size = paintedImageSize(operator, argsArray[index] as unknown[] | null);
      return size !== undefined && size.width > SCAN_MIN_SIDE_PX && size.height > SCAN_MIN_SIDE_PX;
    });
  }

  /** Renders one page at the given resolution, as RGBA pixels of its own. */
  renderPage(pageNumber: number, dpi: number): Promise<RgbaRaster> {
    return this.renderPageWith(pageNumber, dpi, ({ width, height, rgba }) => ({ width, height, rgba: new Uint8ClampedArray(rgba) }));
  }

  /**
   * Renders one page at the given resolution and hands the canvas's own pixels to `read`, which makes
   * of them what it needs (a copy, a grey image) without a full-size copy in between. The canvas is
   * released at once rather than left to the garbage collector, which does not see its pixels and so
   * would let many pages' worth pile up.
   */
  async renderPageWith<T>(pageNumber: number, dpi: number, read: (pixels: CanvasPixels) => T): Promise<T> {
    const page = await this.page(pageNumber);
    const viewport = page.getViewport({ scale: dpi / 72 });
    const width = Math.ceil(viewport.width);
    const height = Math.ceil(viewport.height);
    if (width * height > this.limits.maxRenderPixels) {
      page.cleanup();
      throw new PdfRejected(
        {
          code: 'limit.render_size',
          message: `Page ${pageNumber} would be ${width} × ${height} pixels at ${dpi} dpi, more than the limit of ${this.limits.maxRenderPixels} pixels for a page rendered for OCR (EXTRACTION_MAX_RENDER_PIXELS).`,
        },
        this.pageCount,
      );
    }
    const canvasFactory = this.pdf.canvasFactory as CanvasFactory;
    const target = canvasFactory.create(width, height);
    try {
      // pdf.js is typed for the browser's canvas; @napi-rs/canvas implements the same API.
      const canvas = { canvasContext: target.context, canvas: target.canvas } as unknown as Pick<RenderParameters, 'canvasContext' | 'canvas'>;
      await page.render({ ...canvas, viewport }).promise.catch((error: unknown) => {
        throw new Error(`page ${pageNumber} could not be rendered (${error instanceof Error ? error.message : String(error)})`);
      });
      // The canvas is opaque (pdf.js paints the page white first), so its premultiplied pixels are plain RGBA.
      return read({ width, height, rgba: target.canvas.data() });
    } finally {
      canvasFactory.destroy(target);
      page.cleanup();
    }
  }

  async close(): Promise<void> {
    await this.pdf.destroy();
  }
}
