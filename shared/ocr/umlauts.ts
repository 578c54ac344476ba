import { inkMarks } from './ink-marks.js';
import { type GreyImage, INK } from './preprocess.js';

/**
 * Capital umlauts that tesseract lost: it cuts a text line just above its capitals, so the dots of an
 * Ä, Ö or Ü often fall outside what it reads ("Übergang" comes out as "Ubergang"). The page still shows
 * them; where it shows a diaeresis above an A, O or U, the letter gets its umlaut back.
 */

export interface LetterBox {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** A capital that could carry an umlaut: its index in the word's text and its box on the page. */
export interface CapitalBox extends LetterBox {
  index: number;
}

const UMLAUTS: Record<string, string> = { A: 'Ä', O: 'Ö', U: 'Ü' };

/**
 * The letters of a word that `wanted` picks, by their index in its text, with their boxes in page
 * coordinates (symbol boxes are relative to the band read, which starts at `top`).
 */
export function letterBoxes(
  symbols: readonly { text: string; bbox: LetterBox }[],
  top: number,
  wanted: (letter: string) => boolean,
): CapitalBox[] | undefined {
  const boxes: CapitalBox[] = [];
  let index = 0;
  for (const symbol of symbols) {
    if (wanted(symbol.text)) boxes.push({ index, x0: symbol.bbox.x0, x1: symbol.bbox.x1, y0: top + symbol.bbox.y0, y1: top + symbol.bbox.y1 });
    index += symbol.text.length;
  }
  return boxes.length ? boxes : undefined;
}

/** The capitals A, O and U of a word, by their index in its text, with their boxes in page coordinates. */
export function umlautCapitals(symbols: readonly { text: string; bbox: LetterBox }[], top: number): CapitalBox[] | undefined {
  return letterBoxes(symbols, top, (letter) => letter in UMLAUTS);
}

/** Gives each A, O or U of the word with a diaeresis above it on the page its umlaut. */
export function restoreCapitalUmlauts(page: GreyImage, word: { text: string; capitals?: readonly CapitalBox[] }): void {
  for (const capital of word.capitals ?? []) {
    const umlaut = UMLAUTS[word.text[capital.index] ?? ''];
    if (umlaut && hasDiaeresisAbove(page, capital)) {
      word.text = word.text.slice(0, capital.index) + umlaut + word.text.slice(capital.index + 1);
    }
  }
}


/**
 * True when the band above a capital's box holds exactly two small marks of about equal size, side by side,
 * within the letter's width and close above it, and nothing else but what reaches in from the line above.
 */
export function hasDiaeresisAbove(page: GreyImage, letter: LetterBox): boolean {
  const height = letter.y1 - letter.y0;
  const width = letter.x1 - letter.x0;
  if (height < 12 || width < 6) return false;
  const side = Math.ceil(0.15 * height);
  const left = Math.max(0, Math.floor(letter.x0) - side);
  const right = Math.min(page.width, Math.ceil(letter.x1) + side);
  const bottom = Math.floor(letter.y0);
  const top = Math.max(0, bottom - Math.ceil(0.45 * height));
  if (bottom - top < 4 || right - left < 4) return false;
  const marks: { x0: number; x1: number; y0: number; y1: number; area: number }[] = [];
  for (const mark of inkMarks(page, { left, top, right, bottom }, INK)) {
    // What reaches in from above is the line above (descenders, underlines); what is cut at the sides
    // belongs to something wider than a dot.
    if (mark.y0 === top) continue;
    if (mark.x0 === left || mark.x1 === right) return false;
    // Specks of a pixel or two are scanner noise, not marks. Boxes from here on hold their last column and row.
    if (mark.pixels.length > 2) marks.push({ x0: mark.x0, x1: mark.x1 - 1, y0: mark.y0, y1: mark.y1 - 1, area: mark.pixels.length });
    if (marks.length > 2) return false;
  }
  if (marks.length !== 2) return false;
  const [a, b] = (marks as [(typeof marks)[0], (typeof marks)[0]]).sort((m, n) => m.x0 - n.x0);
  const dotLike = (m: typeof a) => {
    const w = m.x1 - m.x0 + 1;
    const h = m.y1 - m.y0 + 1;
    return w >= 0.06 * height && h >= 0.06 * height && w <= 0.3 * height && h <= 0.3 * height && w <= 2 * h && h <= 2 * w;
  };
  const middle = (m: typeof a) => ({ x: (m.x0 + m.x1) / 2, y: (m.y0 + m.y1) / 2 });
  return (
    dotLike(a) && dotLike(b) &&
    Math.max(a.area, b.area) <= 2.5 * Math.min(a.area, b.area) &&
    Math.abs(middle(a).y - middle(b).y) <= 0.12 * height &&
    b.x0 - a.x1 >= 0.08 * height &&
    middle(a).x >= letter.x0 && middle(b).x <= letter.x1 &&
    Math.abs((middle(a).x + middle(b).x) / 2 - (letter.x0 + letter.x1) / 2) <= 0.25 * width &&
    bottom - Math.max(a.y1, b.y1) <= 0.3 * height
  );
}
