import { inkMarks } from './ink-marks.js';
import type { GreyImage } from './preprocess.js';
import type { LetterBox } from './umlauts.js';

/**
 * The case of a word's first letter where capital and small letter have the same shape: C, O, S, V, W, X
 * and Z differ from c, o, s, v, w, x and z in height alone, and tesseract's language model leans to the
 * capital ("mit Sozialpädagogischer Begleitung" for "sozialpädagogischer", confidently). The page shows
 * which it is, measured against the letters of the same text line: a small letter rises above the
 * baseline as high as most of them (a, c, e, n, o, …), a capital nearly as high as the ascenders (d, h,
 * l, …). Tesseract's own row measures are not used: on a line set smaller than its block (a running
 * header) they are the block's.
 */

/** A text line as tesseract found it: its words, and its baseline in page pixels. */
export interface TextLine {
  words: ({ text: string } & LetterBox)[];
  baseline: { x0: number; y0: number; x1: number; y1: number };
}

/** How high a line's small letters and its ascenders rise above its baseline, in page pixels, and the grey its ink is darker than. */
export interface LineHeights {
  xHeight: number;
  ascender: number;
  ink: number;
}

/** Initials whose capital is their small letter made larger. */
const SAME_SHAPE = /^[CcOoSsVvWwXxZz]/u;

/** Share of a line's pixels that are its darkest ink, and share that are paper at least as light as its typical paper. */
const INK_QUANTILE = 0.03;
const PAPER_QUANTILE = 0.6;
/** Share of the words' height looked at above and below them: tesseract's boxes may cut a capital's top. */
const MARGIN = 0.3;
/** How far a letter's foot may lie from the baseline, as a share of the x-height guessed from the boxes, to stand on it. */
const FOOT_TOLERANCE = 0.15;
/** How far left of a word's box, as a share of the x-height, the marks of the word before it are seen whole. */
const NEIGHBOUR_REACH = 0.6;
/** A mark lower than this share of the x-height is a speck or a dot, not a letter or a part of one. */
const MIN_MARK = 0.3;
/** Ascenders rise at least this much higher than small letters in any face agreements are set in. */
const MIN_ASCENDER_RATIO = 1.25;
/** Letters needed on the line to take its heights: small letters, and ascenders or capitals. */
const MIN_SMALL_LETTERS = 5;
const MIN_TALL_LETTERS = 2;
/** A small c, o, s, v, w, x or z rises to at least this share of the line's x-height. */
const FULL_SMALL = 0.85;
/** A first letter rising above the x-height by at most this share of the way to the ascenders is small… */
const SMALL_RISE = 0.35;
/** …and one rising at least this share of the way is a capital, when its top is as wide as a capital's (`CAPITAL_TOP_WIDTH`). */
const CAPITAL_RISE = 0.65;
/**
 * Share of the letter's width its ink above the x-height spans in a capital (the arcs of C, O and S, the
 * bar of Z); where only a narrow part rises, it is a small letter run into an ascender ("sl").
 */
const CAPITAL_TOP_WIDTH = 0.5;

interface Mark {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  /** The columns the mark has ink in above `above`, where it was asked for. */
  topColumns: number;
}

/** The baseline's height on the page at column `x`, following its slope (a page scanned askew). */
function baselineAt({ baseline }: TextLine, x: number): number {
  const run = baseline.x1 - baseline.x0;
  return run === 0 ? baseline.y0 : baseline.y0 + ((baseline.y1 - baseline.y0) * (x - baseline.x0)) / run;
}

/**
 * The connected marks of ink (8-neighbourhood) in a region of the page. `above`, given a mark's centre,
 * is the page row above which its columns with ink are counted.
 */
function marksIn(page: GreyImage, region: LetterBox, ink: number, above?: (x: number) => number): Mark[] {
  const pixels = {
    left: Math.max(0, Math.floor(region.x0)),
    right: Math.min(page.width, Math.ceil(region.x1)),
    top: Math.max(0, Math.floor(region.y0)),
    bottom: Math.min(page.height, Math.ceil(region.y1)),
  };
  return inkMarks(page, pixels, ink).map(({ x0, x1, y0, y1, pixels: members }) => {
    if (!above) return { x0, x1, y0, y1, topColumns: 0 };
    const limit = above((x0 + x1) / 2);
    return { x0, x1, y0, y1, topColumns: new Set(members.filter((pixel) => Math.floor(pixel / page.width) < limit).map((pixel) => pixel % page.width)).size };
  });
}

/** The most common of the values, rounded to whole pixels, each counting for its neighbours too. */
function mode(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const value of values) for (const near of [-1, 0, 1]) counts.set(Math.round(value) + near, (counts.get(Math.round(value) + near) ?? 0) + (near === 0 ? 2 : 1));
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0;
}

/**
 * The grey halfway between the region's ink and its paper: faint print is mid-grey, and a fixed threshold
 * would cut the thin tops of its letters off.
 */
function inkThreshold(page: GreyImage, region: LetterBox): number {
  const histogram = new Uint32Array(256);
  let total = 0;
  for (let y = Math.max(0, Math.floor(region.y0)); y < Math.min(page.height, Math.ceil(region.y1)); y++) {
    for (let x = Math.max(0, Math.floor(region.x0)); x < Math.min(page.width, Math.ceil(region.x1)); x++) {
      histogram[page.pixels[y * page.width + x] ?? 255]! += 1;
      total++;
    }
  }
  const at = (share: number) => {
    let seen = 0;
    for (let grey = 0; grey < 256; grey++) {
      seen += histogram[grey]!;
      if (seen > share * total) return grey;
    }
    return 255;
  };
  return (at(INK_QUANTILE) + at(PAPER_QUANTILE)) / 2;
}

/** The region the line's words take, with a margin above and below for the tops and feet their boxes cut. */
function lineRegion(line: TextLine): LetterBox {
  const boxHeight = Math.max(...line.words.map((word) => word.y1 - word.y0));
  return {
    x0: Math.min(...line.words.map((word) => word.x0)),
    x1: Math.max(...line.words.map((word) => word.x1)),
    y0: Math.min(...line.words.map((word) => word.y0)) - MARGIN * boxHeight,
    y1: Math.max(...line.words.map((word) => word.y1)) + MARGIN * boxHeight,
  };
}

/**
 * How high the line's small letters and ascenders rise: the most common heights of the marks that stand on
 * its baseline; undefined where the line has too few of either to tell them apart.
 */
export function lineHeights(page: GreyImage, line: TextLine): LineHeights | undefined {
  if (line.words.length === 0) return undefined;
  const guess = Math.max(...line.words.map((word) => word.y1 - word.y0)) / 2;
  const region = lineRegion(line);
  const ink = inkThreshold(page, region);
  const rises = marksIn(page, region, ink)
    .filter((mark) => Math.abs(mark.y1 - baselineAt(line, (mark.x0 + mark.x1) / 2)) <= FOOT_TOLERANCE * guess)
    .map((mark) => baselineAt(line, (mark.x0 + mark.x1) / 2) - mark.y0)
    .filter((rise) => rise >= 0.5 * guess);
  if (rises.length < MIN_SMALL_LETTERS + MIN_TALL_LETTERS) return undefined;
  const xHeight = mode(rises);
  const tall = rises.filter((rise) => rise >= MIN_ASCENDER_RATIO * xHeight);
  if (tall.length < MIN_TALL_LETTERS || rises.filter((rise) => Math.abs(rise - xHeight) <= 1).length < MIN_SMALL_LETTERS) return undefined;
  return { xHeight, ascender: mode(tall), ink };
}

/**
 * Whether the word in `box` begins with a small letter or a capital, as the page shows it against the
 * line's heights; undefined where the page does not tell (a letter between the two heights, or one whose
 * top is too narrow for a capital).
 */
export function initialCase(page: GreyImage, box: LetterBox, line: TextLine, heights: LineHeights): 'small' | 'capital' | undefined {
  const { xHeight, ascender, ink } = heights;
  const smallest = xHeight + SMALL_RISE * (ascender - xHeight);
  // Looked at from a little left of the box, so that the last letter of a word set close before it
  // ("familiär Verpflichtete") is seen whole and not taken for this word's first.
  const region = { ...lineRegion({ ...line, words: [{ text: '', ...box }] }), x0: box.x0 - NEIGHBOUR_REACH * xHeight, x1: box.x1 };
  // The leftmost mark is the first letter, or a part of it that does not tell its height: a V whose
  // thin foot broke off, say, which leaves its arm above the baseline and no letter to measure.
  const [first] = marksIn(page, region, ink, (x) => baselineAt(line, x) - smallest)
    .filter((mark) => mark.y1 - mark.y0 >= MIN_MARK * xHeight && (mark.x0 + mark.x1) / 2 >= box.x0)
    .sort((a, b) => a.x0 - b.x0);
  if (!first || Math.abs(first.y1 - baselineAt(line, (first.x0 + first.x1) / 2)) > FOOT_TOLERANCE * xHeight || first.y1 - first.y0 < 0.5 * xHeight) return undefined;
  const rise = baselineAt(line, (first.x0 + first.x1) / 2) - first.y0;
  // A small letter of these rises to the x-height: a lower mark is a part of a letter (a V's broken arm).
  if (rise < FULL_SMALL * xHeight) return undefined;
  if (rise <= smallest) return 'small';
  if (rise < xHeight + CAPITAL_RISE * (ascender - xHeight)) return undefined;
  return first.topColumns >= CAPITAL_TOP_WIDTH * (first.x1 - first.x0) ? 'capital' : undefined;
}

/**
 * Puts the first letter of each word of the line in the case the page shows, where the word begins with
 * a letter of the same shape in both cases and goes on in small letters (a word, not an acronym such as
 * "SGB").
 */
export function restoreInitialCase(page: GreyImage, line: TextLine): void {
  const candidates = line.words.filter((word) => SAME_SHAPE.test(word.text) && /^\p{L}\p{Ll}{2,}/u.test(word.text));
  if (candidates.length === 0) return;
  const heights = lineHeights(page, line);
  if (!heights) return;
  for (const word of candidates) {
    const measured = initialCase(page, word, line, heights);
    if (!measured) continue;
    const initial = word.text.charAt(0);
    const wanted = measured === 'capital' ? initial.toLocaleUpperCase('de') : initial.toLocaleLowerCase('de');
    if (wanted !== initial) word.text = wanted + word.text.slice(1);
  }
}
