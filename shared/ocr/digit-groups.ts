import type { OcrWord } from './engine.js';
import type { GreyImage } from './preprocess.js';
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

/** A pixel darker than this is ink. */
const INK = 128;

/** A thousands gap is this much wider than the widest gap between digits of a group… */
const GROUP_GAP_RATIO = 1.5;
/** …and at least this share of the word's height (a thin space, not the spacing of the digits). */
const MIN_GROUP_GAP = 0.25;

/** The word split into its groups of three digits where the page shows the gaps between them; else the word alone. */
export function splitDigitGroups<W extends OcrWord>(word: W, symbols: readonly { text: string; bbox: LetterBox }[], page: GreyImage): W[] {
  const { text } = word;
  if (!/^\d{5,}$/.test(text) || symbols.length !== text.length) return [word];
  const middle = (symbol: { bbox: LetterBox }) => (symbol.bbox.x0 + symbol.bbox.x1) / 2;
  const gaps = symbols.slice(1).map((symbol, index) => widestBlankRun(page, middle(symbols[index]!), middle(symbol), word.y0, word.y1));
  // The gap after digit i separates thousands when the digits after it are a multiple of three.
  const separating = (index: number) => (text.length - 1 - index) % 3 === 0;
  const groupGaps = gaps.filter((_, index) => separating(index));
  const digitGaps = gaps.filter((_, index) => !separating(index));
  const narrowest = Math.min(...groupGaps);
  if (narrowest < GROUP_GAP_RATIO * Math.max(0, ...digitGaps) || narrowest < MIN_GROUP_GAP * (word.y1 - word.y0)) return [word];
  const parts: W[] = [];
  let start = 0;
  for (let index = 0; index < symbols.length; index++) {
    if (index < symbols.length - 1 && !separating(index)) continue;
    parts.push({ ...word, text: text.slice(start, index + 1), x0: symbols[start]!.bbox.x0, x1: symbols[index]!.bbox.x1 });
    start = index + 1;
  }
  return parts;
}

/** The widest run of columns from `left` to `right` with no ink between rows `top` and `bottom` of the page. */
function widestBlankRun(page: GreyImage, left: number, right: number, top: number, bottom: number): number {
  const [fromRow, toRow] = [Math.max(0, Math.floor(top)), Math.min(page.height, Math.ceil(bottom))];
  let widest = 0;
  let run = 0;
  for (let x = Math.max(0, Math.ceil(left)); x < Math.min(page.width, Math.floor(right)); x++) {
    let blank = true;
    for (let y = fromRow; y < toRow && blank; y++) blank = (page.pixels[y * page.width + x] ?? 255) >= INK;
    run = blank ? run + 1 : 0;
    widest = Math.max(widest, run);
  }
  return widest;
}
