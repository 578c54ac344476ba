import type { OcrWord } from './engine.js';
import { columnInked, type GreyImage } from './preprocess.js';
import type { LetterBox } from './umlauts.js';

/**
 * Thousands that tesseract ran together: an amount set with thin spaces ("4 287 572 €") comes out as one
 * word, "4287572", and the amount's digits can then no longer be checked by their groups of three. The
 * page still shows the gaps; where the gaps at every thousands position are clearly wider than those
 * between the other digits, the word is split there, as the document wrote it. The gaps are measured on
 * the page, between the middles of the digits' boxes: tesseract's boxes of single digits are rough, one
 * reaching over its neighbour's ("2610291": the second 2's box started where the 0 ended, and the thin
 * space before it did not show in the boxes).
 */


/** A thousands gap is this much wider than the widest gap between digits of a group… */
const GROUP_GAP_RATIO = 1.5;
/** …and at least this share of the word's height (a thin space, not the spacing of the digits). */
const MIN_GROUP_GAP = 0.25;
/**
 * Or the digits stand at one pitch but at the thousands, where they stand this share of the word's
 * height further apart: most faces set figures all of one width, and a narrow "1" leaves blanks
 * beside it as wide as a thin space ("1 532 211": gaps of 17 and 15 pixels at the thousands, 11 between
 * the last two 1s; pitches of 37 there, 28.5 to 29.5 elsewhere, at a height of 33).
 */
const MIN_PITCH_EXCESS = 0.15;

/**
 * The word split into its groups of three digits where the page shows the gaps between them; else the
 * word alone. `nextWordLeft` is where the next word on the line starts: tesseract's box of a last digit
 * may reach into it ("2485277" over the "€" after it), and its ink is no digit's.
 */
export function splitDigitGroups<W extends OcrWord>(word: W, symbols: readonly { text: string; bbox: LetterBox }[], page: GreyImage, nextWordLeft = Number.POSITIVE_INFINITY): W[] {
  const { text } = word;
  if (!/^\d{5,}$/.test(text) || symbols.length !== text.length) return [word];
  const middle = (symbol: { bbox: LetterBox }) => (symbol.bbox.x0 + Math.min(symbol.bbox.x1, nextWordLeft)) / 2;
  const glyphs = inkRuns(page, { ...word, x1: Math.min(word.x1, nextWordLeft) });
  const apart = glyphs.length === text.length;
  const gaps = apart
    ? glyphs.slice(1).map((glyph, index) => glyph.left - glyphs[index]!.right)
    : symbols.slice(1).map((symbol, index) => widestBlankRun(page, middle(symbols[index]!), middle(symbol), word.y0, word.y1));
  // The gap after digit i separates thousands when the digits after it are a multiple of three.
  const separating = (index: number) => (text.length - 1 - index) % 3 === 0;
  const height = word.y1 - word.y0;
  const groupsStandOut = (spaces: number[], stands: (group: number, digits: number) => boolean) =>
    stands(Math.min(...spaces.filter((_, index) => separating(index))), Math.max(0, ...spaces.filter((_, index) => !separating(index))));
  const widerGaps = groupsStandOut(gaps, (group, digits) => group >= GROUP_GAP_RATIO * digits && group >= MIN_GROUP_GAP * height);
  const centre = (glyph: { left: number; right: number }) => (glyph.left + glyph.right) / 2;
  const pitches = glyphs.slice(1).map((glyph, index) => centre(glyph) - centre(glyphs[index]!));
  const widerPitches = apart && groupsStandOut(pitches, (group, digits) => group - digits >= MIN_PITCH_EXCESS * height);
  if (!widerGaps && !widerPitches) return [word];
  const parts: W[] = [];
  let start = 0;
  for (let index = 0; index < symbols.length; index++) {
    if (index < symbols.length - 1 && !separating(index)) continue;
    parts.push({ ...word, text: text.slice(start, index + 1), x0: symbols[start]!.bbox.x0, x1: Math.min(symbols[index]!.bbox.x1, nextWordLeft) });
    start = index + 1;
  }
  return parts;
}

/**
 * The runs of inked columns in the word's box, left to right: its digits, where each stands apart.
 * Their gaps are the page's own; tesseract's box of a digit may be off by a gap ("1532211": the boxes
 * of the second 2 and the 1 after it began 15 and 32 pixels early, over the thousands gap).
 */
function inkRuns(page: GreyImage, word: OcrWord): { left: number; right: number }[] {
  const [fromRow, toRow] = [Math.max(0, Math.floor(word.y0)), Math.min(page.height, Math.ceil(word.y1))];
  const runs: { left: number; right: number }[] = [];
  let start: number | undefined;
  const [fromColumn, toColumn] = [Math.max(0, Math.floor(word.x0)), Math.min(page.width, Math.ceil(word.x1))];
  for (let x = fromColumn; x <= toColumn; x++) {
    const inked = x < toColumn && columnInked(page, x, fromRow, toRow);
    if (inked && start === undefined) start = x;
    if (!inked && start !== undefined) {
      runs.push({ left: start, right: x });
      start = undefined;
    }
  }
  return runs;
}

/** The widest run of columns from `left` to `right` with no ink between rows `top` and `bottom` of the page. */
function widestBlankRun(page: GreyImage, left: number, right: number, top: number, bottom: number): number {
  const [fromRow, toRow] = [Math.max(0, Math.floor(top)), Math.min(page.height, Math.ceil(bottom))];
  let widest = 0;
  let run = 0;
  for (let x = Math.max(0, Math.ceil(left)); x < Math.min(page.width, Math.floor(right)); x++) {
    run = columnInked(page, x, fromRow, toRow) ? 0 : run + 1;
    widest = Math.max(widest, run);
  }
  return widest;
}
