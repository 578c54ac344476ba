/**
 * What the extraction needs from an OCR engine: the lines of one page image, in reading order, with the
 * cells of side-by-side columns separated by a tab. tesseract.js implements it locally; the AWS pipeline
 * plugs in Amazon Textract behind the same interface.
 */
import type { PageRaster } from '../pdf/document.js';
import type { LineGeometry } from '../pdf/text-layer.js';

export interface OcrPage {
  lines: string[];
  /**
   * Where each line's words start (points from the page's left edge), by line; the line's end is left
   * unknown (NaN), since a scan's lines are not straight enough to measure against one right edge.
   */
  geometry?: (LineGeometry | undefined)[];
  /** How surely the page's text was read, 0–100; see `textConfidence`. */
  confidence: number;
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

export interface OcrWord {
  text: string;
  confidence: number;
  x0: number;
  x1: number;
  /** Height of the word's box, the yardstick for what counts as a column gap. */
  height: number;
}

/** Letters a word needs to count towards a page's confidence. */
const TEXT_WORD_LETTERS = 3;
/** A line read with less confidence than this is no text at all: speckle, a stamp, a signature. */
const NOISE_LINE_CONFIDENCE = 30;

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
 * text lines, each word weighted by its letters. What OCR makes of a stamp, a signature or speckle ("a",
 * "®", "EEE PAD Ann") is read with next to no confidence, line by line, and would make a well-read page
 * look bad, though none of it is text; a faded page's text is still read at 40–70 %.
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

/** Where a line's words start, in points, from their boxes on a page image of `dpi` dots per inch. */
export function wordsGeometry(words: readonly OcrWord[], dpi: number): LineGeometry {
  const sorted = [...words].sort((a, b) => a.x0 - b.x0);
  return { words: sorted.map((word) => word.text), wordX: sorted.map((word) => (word.x0 * 72) / dpi), endX: Number.NaN };
}

/** Joins a line's words, putting the cell separator where a wide horizontal gap splits two columns. */
export function wordsToLine(words: readonly OcrWord[]): string {
  const sorted = [...words].sort((a, b) => a.x0 - b.x0);
  let line = '';
  let previous: OcrWord | undefined;
  for (const word of sorted) {
    if (previous) {
      const gap = word.x0 - previous.x1;
      const height = Math.max(previous.height, word.height, 1);
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
export interface AsyncOcrService {
  /**
   * Starts reading `pages` (1-based) of the document; starting twice for the same document and attempt
   * runs one job, a new attempt (after a job that never reported back) runs another.
   */
  start(request: { documentId: string; bytes: Uint8Array; pages: number[]; attempt: number }): Promise<string>;
  /** The pages a finished job read, by the job's page number (1 = the first page it was given). */
  collect(jobId: string): Promise<Map<number, OcrPage>>;
}
