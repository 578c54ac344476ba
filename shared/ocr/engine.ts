/**
 * What the extraction needs from an OCR engine: the lines of one page image, in reading order, with the
 * cells of side-by-side columns separated by a tab. tesseract.js implements it locally; the AWS pipeline
 * plugs in Amazon Textract behind the same interface.
 */
import type { PageRaster, PageSize } from '../pdf/document.js';
import type { LineGeometry, PlacedWord, WordReading } from '../pdf/text-layer.js';

/** The OCR engines a page can have been read by. */
export type OcrReader = 'tesseract' | 'textract';

export interface OcrPage {
  reader: OcrReader;
  lines: string[];
  /**
   * Where each line's words lie, by line, in the unit of `size` (pixels of the page image, or shares of
   * the page), with each word's confidence; the line's end is left unknown (NaN), since a scan's lines
   * are not straight enough to measure against one right edge.
   */
  geometry: (LineGeometry | undefined)[];
  /** The page's width and height in the unit of `geometry`. */
  size: PageSize;
  /** How surely the page's text was read, 0–1; see `textConfidence`. */
  confidence: number;
  /** The page's print is faint (mid-grey, see `isFaintPrint`), where OCR is surer of its misreadings. */
  faintPrint?: boolean;
  /**
   * Where a strip of the page holds the ink of a line of text that OCR read nothing in, however it was
   * read: the strip's top, in the unit of `size`. The line is lost, and a value it held with it.
   */
  unreadLines?: number[];
}

export interface OcrEngine {
  readonly name: string;
  /**
   * Reads one page, which it renders with `render` only once it can start on it: a rendered page holds
   * tens of megabytes, so pages queued for a busy engine wait unrendered.
   */
  recognize(render: () => Promise<PageRaster>): Promise<OcrPage>;
  close(): Promise<void>;
}

/** A word as an engine read it: its box in pixels of the page image, and its confidence (0–1). */
export interface OcrWord {
  text: string;
  confidence: number;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  /** The word's other readings, of the same extent (see `PlacedWord`). */
  readings?: WordReading[];
}

/** The page's lines placed on a page of `size` (points): the unit the text layer and the extraction use. */
export function geometryOnPage(page: OcrPage, size: PageSize): (LineGeometry | undefined)[] {
  const across = size.width / page.size.width;
  const down = size.height / page.size.height;
  return page.geometry.map(
    (line) =>
      line && {
        ...line,
        words: line.words.map((word) => ({ ...word, left: word.left * across, right: word.right * across, top: word.top * down, bottom: word.bottom * down })),
      },
  );
}

/** Letters a word needs to count towards a page's confidence. */
const TEXT_WORD_LETTERS = 3;
/** A line read with less confidence than this is no text at all: speckle, a stamp, a signature. */
export const NOISE_LINE_CONFIDENCE = 0.3;

type ReadWord = { text: string; confidence: number };

/** The letters of a line's words of three letters or more, and their confidence weighted by letters. */
function letterWeighted(words: readonly ReadWord[]): { letters: number; weighted: number } {
  let letters = 0;
  let weighted = 0;
  for (const word of words) {
    const count = (word.text.match(/\p{L}/gu) ?? []).length;
    if (count < TEXT_WORD_LETTERS) continue;
    letters += count;
    weighted += count * word.confidence;
  }
  return { letters, weighted };
}

/**
 * How surely a page's text was read: the mean confidence of the words of three letters or more in its
 * text lines, each word weighted by its letters, from 0 to 1. What OCR makes of a stamp, a signature or
 * speckle ("a", "®", "EEE PAD Ann") is read with next to no confidence, line by line, and would make a
 * well-read page look bad, though none of it is text; a faded page's text is still read at 0.4–0.7.
 */
export function textConfidence(lines: readonly (readonly ReadWord[])[]): number {
  let letters = 0;
  let weighted = 0;
  for (const line of lines) {
    const read = letterWeighted(line);
    if (read.letters === 0 || read.weighted / read.letters < NOISE_LINE_CONFIDENCE) continue;
    letters += read.letters;
    weighted += read.weighted;
  }
  return letters ? weighted / letters : 0;
}

/** Words further apart than this many word-heights belong to different columns. */
const COLUMN_GAP_HEIGHTS = 2.5;

/** A line's words as placed words, left to right, in pixels of the page image. */
export function wordsGeometry(words: readonly OcrWord[]): LineGeometry {
  const sorted = [...words].sort((a, b) => a.x0 - b.x0);
  return {
    words: sorted.map(
      (word): PlacedWord => ({
        text: word.text,
        left: word.x0,
        top: word.y0,
        right: word.x1,
        bottom: word.y1,
        confidence: word.confidence,
        ...(word.readings ? { readings: word.readings } : {}),
      }),
    ),
    endX: Number.NaN,
  };
}

/** Joins a line's words, putting the cell separator where a wide horizontal gap splits two columns. */
export function wordsToLine(words: readonly OcrWord[]): string {
  const sorted = [...words].sort((a, b) => a.x0 - b.x0);
  let line = '';
  let previous: OcrWord | undefined;
  for (const word of sorted) {
    if (previous) {
      const gap = word.x0 - previous.x1;
      const height = Math.max(previous.y1 - previous.y0, word.y1 - word.y0, 1);
      line += gap > COLUMN_GAP_HEIGHTS * height ? '\t' : ' ';
    }
    line += word.text;
    previous = word;
  }
  return line;
}

/**
 * An OCR service that reads a document's scanned pages in the background and reports back later
 * (Amazon Textract's asynchronous text detection). The ingest step starts it; a completion step collects
 * the pages and finishes the extraction.
 */
/**
 * The OCR service ran the job and the job failed (an unsupported document, say): an answer about the
 * document, which its record gives for review, not a fault of the moment to be tried again.
 */
export class OcrJobFailedError extends Error {}

export interface AsyncOcrService {
  /**
   * Starts reading `pages` (1-based) of the document; starting twice for the same document and attempt
   * runs one job, a new attempt (after a job that never reported back) runs another.
   */
  start(request: { documentId: string; bytes: Uint8Array; pages: number[]; attempt: number }): Promise<string>;
  /**
   * The pages a finished job read, by the job's page number (1 = the first page it was given); a job
   * that failed throws `OcrJobFailedError`, anything else is a fault to retry.
   */
  collect(jobId: string): Promise<Map<number, OcrPage>>;
  /**
   * Where a job stands, with the service's reason when it failed; `unknown` when the service no longer
   * knows the job (Textract keeps a job's results for 7 days).
   */
  status(jobId: string): Promise<{ status: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'PARTIAL_SUCCESS' | 'unknown'; message?: string }>;
}
