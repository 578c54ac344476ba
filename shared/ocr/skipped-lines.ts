import { type GreyImage, INK, pgmFile } from './preprocess.js';

/**
 * Lines of text tesseract's layout analysis skipped. On some pages it reads every line of a block but
 * one, and no error says so: the office line between a signatory's name and the authority's ("Stefan
 * Grüttner" / "Staatsminister" / "Hessisches Ministerium …") vanished from 200 dpi scans, though read alone
 * the strip gives it at once. A strip of the page that holds as much ink as a line of text, as tall as
 * one, and that no line read covers, is such a line.
 */

/** A row holds text where this share of the page's width is ink (specks the median filter left are far fewer). */
const ROW_INK_SHARE = 0.004;
/** A strip's rows hold this share of ink on average: a line of a few words, not a rule or a speck's tail. */
const STRIP_INK_SHARE = 0.012;
/** A skipped line is as tall as the lines read, give or take (a capital, a descender). */
const HEIGHT_RANGE = [0.6, 2.2] as const;
/**
 * Between two lines read, a skipped line's ink may lie partly inside their boxes: there it need only be
 * this tall outside them (its x-height), as full of ink as a line.
 */
const MIN_HEIGHT_BETWEEN = 0.45;
/** Rows around a line read that still belong to it (accents above, descenders below its box). */
const COVER_MARGIN = 0.25;
/** Gaps inside a strip a letter's thin strokes leave, in rows. */
const GAP_ROWS = 2;
/** At most this many strips a page is read again for: a page of dirt is no page of skipped lines. */
const MAX_STRIPS = 6;

/**
 * The page's rows from `top` to `bottom` in black and white, ink as the strips are found by (`INK`), as
 * a PGM image. tesseract's own thresholding finds no text at all in some strips whose ink is a small
 * share of a wide image (a centred title line, "dem Hessischen Sozialministerium" at 300 dpi: nothing
 * read, in any layout mode), where the same rows in black and white read at once.
 */
export function inkRows({ width, pixels }: GreyImage, top: number, bottom: number): Buffer {
  const rows = pixels.subarray(top * width, bottom * width).map((pixel) => (pixel < INK ? 0 : 255));
  return pgmFile({ width, height: bottom - top, pixels: rows });
}

export interface RowSpan {
  /** First row, inclusive, and last, exclusive, in page pixels. */
  top: number;
  bottom: number;
}

/**
 * The row of the page's ink at (`x`, `y`) where its lines run at `slope` (rise per column) across it:
 * the row it crosses the page's middle column in. On a page scanned askew a long line runs up or down
 * by more than a line's height ("TAff – Teilzeitausbildung … im ländlichen Raum" on a 200 dpi scan
 * turned 1.2°), and the rows of a short line under it ("des Kreises") lie inside its rows; measured
 * along the slope, they do not.
 */
export function rowAlong(slope: number, width: number, x: number, y: number): number {
  return Math.round(y - riseAt(slope, width, x));
}

/** How far a line running at `slope` lies below, in rows, at column `x` from where it crosses the middle column. */
const riseAt = (slope: number, width: number, x: number) => slope * (x - width / 2);

/**
 * The strips of the page that hold a skipped line of text: rows of ink outside every line read (`read`,
 * each line's top and bottom), as tall as the lines read are (their median height), and as full of ink
 * as a line of words. Rows run along `slope` where the page's lines run askew (`rowAlong`; `read` and
 * the strips are rows along it too, and `stripOnPage` places a strip on the page). None where no line
 * was read, since no height is known then. The rows around each line read (`COVER_MARGIN`) count as its
 * own first; where a line was lost between two read ones that stand no more than a line apart ("und
 * Beschäftigung", the second line of a measure title), those rows hold most of it, and it is sought
 * again in the rows outside the lines' boxes alone, where its x-height may be all that shows
 * (`MIN_HEIGHT_BETWEEN`).
 */
export function skippedLineStrips(page: GreyImage, read: readonly RowSpan[], slope = 0): RowSpan[] {
  const heights = read.map((line) => line.bottom - line.top).filter((height) => height > 0).sort((a, b) => a - b);
  const lineHeight = heights[Math.floor(heights.length / 2)];
  if (lineHeight === undefined) return [];
  const inkPerRow = new Uint32Array(page.height);
  for (let y = 0; y < page.height; y++) {
    const start = y * page.width;
    for (let x = 0; x < page.width; x++) {
      if ((page.pixels[start + x] ?? 255) >= INK) continue;
      const row = slope === 0 ? y : rowAlong(slope, page.width, x, y);
      if (row >= 0 && row < page.height) inkPerRow[row] = (inkPerRow[row] ?? 0) + 1;
    }
  }
  const withMargin = stripsOutside(page, read, inkPerRow, lineHeight, Math.round(lineHeight * COVER_MARGIN), HEIGHT_RANGE[0]);
  const between = stripsOutside(page, read, inkPerRow, lineHeight, 0, MIN_HEIGHT_BETWEEN).filter((strip) => !withMargin.some((other) => other.top < strip.bottom && strip.top < other.bottom));
  const strips = [...withMargin, ...between].sort((a, b) => a.top - b.top);
  return strips.length > MAX_STRIPS ? [] : strips;
}

/**
 * The strips of ink as full as a line of text, at least `minHeight` lines tall, in the rows that no line
 * read, widened by `margin`, covers.
 */
function stripsOutside(page: GreyImage, read: readonly RowSpan[], inkPerRow: Uint32Array, lineHeight: number, margin: number, minHeight: number): RowSpan[] {
  const covered = new Uint8Array(page.height);
  for (const line of read) {
    for (let row = Math.max(0, line.top - margin); row < Math.min(page.height, line.bottom + margin); row++) covered[row] = 1;
  }
  const inked = (row: number) => !covered[row] && (inkPerRow[row] ?? 0) >= page.width * ROW_INK_SHARE;
  const strips: RowSpan[] = [];
  let row = 0;
  while (row < page.height) {
    if (!inked(row)) {
      row++;
      continue;
    }
    const top = row;
    let bottom = row + 1;
    let gap = 0;
    for (row = bottom; row < page.height && gap <= GAP_ROWS; row++) {
      if (inked(row)) {
        bottom = row + 1;
        gap = 0;
      } else gap++;
    }
    row = bottom;
    const height = bottom - top;
    let ink = 0;
    for (let at = top; at < bottom; at++) ink += inkPerRow[at] ?? 0;
    const tallEnough = height >= lineHeight * minHeight && height <= lineHeight * HEIGHT_RANGE[1];
    if (tallEnough && ink / height >= page.width * STRIP_INK_SHARE) strips.push({ top, bottom });
  }
  return strips;
}

/** How far above and below a strip found along a slope its rows on the page reach, in its heights: its ascenders lie above it. */
const ASCENDER_REACH = 0.3;

/** Where a strip found along a slope lies on the page: its rows there and the columns of its ink. */
export interface PageStrip extends RowSpan {
  left: number;
  right: number;
}

/**
 * The part of the page that holds a strip found along `slope` (`skippedLineStrips`): the columns of its
 * words, and the page's rows the strip crosses over them. Words are runs of inked columns at least as
 * wide as the strip is tall, with gaps of at most half that inside (letters and word spaces); narrower
 * runs are the descenders of the line above, which a slope a little off the page's leaves in the strip
 * where that line is long ("Teilzeitausbildung" above "des Kreises").
 */
export function stripOnPage(page: GreyImage, strip: RowSpan, slope: number): PageStrip {
  const inkPerColumn = new Uint32Array(page.width);
  // Only the rows the strip crosses somewhere between the page's edges can hold its ink.
  const reachAcross = Math.ceil(Math.abs(riseAt(slope, page.width, 0)));
  for (let y = Math.max(0, strip.top - reachAcross); y < Math.min(page.height, strip.bottom + reachAcross); y++) {
    const start = y * page.width;
    for (let x = 0; x < page.width; x++) {
      if ((page.pixels[start + x] ?? 255) >= INK) continue;
      const row = rowAlong(slope, page.width, x, y);
      if (row >= strip.top && row < strip.bottom) inkPerColumn[x] = (inkPerColumn[x] ?? 0) + 1;
    }
  }
  const height = strip.bottom - strip.top;
  let left = page.width;
  let right = 0;
  for (let x = 0; x < page.width; ) {
    if (!inkPerColumn[x]) {
      x++;
      continue;
    }
    const start = x;
    let end = x + 1;
    for (let gap = 0; x < page.width && gap <= height / 2; x++) {
      if (inkPerColumn[x]) {
        end = x + 1;
        gap = 0;
      } else gap++;
    }
    x = end;
    if (end - start < height) continue;
    left = Math.min(left, start);
    right = Math.max(right, end);
  }
  if (right <= left) return { ...strip, left: 0, right: page.width };
  // The strip begins below the rows of the line above and its margin, where its ascenders stand.
  const reach = Math.round(height * ASCENDER_REACH);
  const shifts = [left, right].map((x) => riseAt(slope, page.width, x));
  return { top: Math.max(0, Math.floor(strip.top + Math.min(...shifts)) - reach), bottom: Math.min(page.height, Math.ceil(strip.bottom + Math.max(...shifts)) + reach), left, right };
}

/** The page's rows from `top` to `bottom` in black and white (`inkRows`), blank outside the columns from `left` to `right`. */
export function inkBox(page: GreyImage, { top, bottom, left, right }: PageStrip): Buffer {
  const image = inkRows(page, top, bottom);
  const header = image.length - (bottom - top) * page.width;
  for (let y = 0; y < bottom - top; y++) {
    const start = header + y * page.width;
    image.fill(255, start, start + left);
    image.fill(255, start + right, start + page.width);
  }
  return image;
}
