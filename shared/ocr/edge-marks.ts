import type { LetterBox } from './umlauts.js';

/** Quotation marks, opening and closing, German and English, single and double. */
const QUOTATION_MARK = /^[„“”"‚‘’'«»]$/u;
/**
 * A symbol tesseract read as blank: ink beside the word it took into the word's box, no part of its
 * text (a list's bullet, the edge of a stamp; " Assistierte", its blank twice as tall as its letters).
 */
const BLANK = /^\s*$/u;

/** What stands at a word's edges besides its letters: quotation marks, blank symbols; and the box its letters span (page pixels). */
export interface EdgeMarks {
  /** The quotation marks before and after the letters. */
  before: string;
  letters: string;
  after: string;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/**
 * Where a word tesseract read (`text`) has quotation marks ("„Coaching", "Wege“") or blank symbols
 * (" Assistierte") at its edges, the marks and where its letters lie, from its symbols; undefined for a
 * word without them, of marks alone, or whose symbols spell another text. The symbols' rows count from
 * `top`, where the band of the page they were read in begins. A word is read again alone
 * from its letters' box: the marks and the blank's ink drag tesseract's confidence down ("„Coaching"
 * at 32 %, each symbol at 90 % or more; " Assistierte" at 38 %, and at 0 and 10 % on crops of its box).
 */
export function edgeMarks(text: string, symbols: readonly { text: string; bbox: LetterBox }[], top: number): EdgeMarks | undefined {
  let [from, to] = [0, symbols.length];
  while (from < to && BLANK.test(symbols[from]!.text)) from++;
  while (to > from && BLANK.test(symbols[to - 1]!.text)) to--;
  const inked = symbols.slice(from, to);
  if (inked.map((symbol) => symbol.text).join('') !== text.trim()) return undefined;
  let first = 0;
  while (first < inked.length && QUOTATION_MARK.test(inked[first]!.text)) first++;
  let last = inked.length - 1;
  while (last >= first && QUOTATION_MARK.test(inked[last]!.text)) last--;
  const blanks = inked.length < symbols.length;
  if (last < first || (first === 0 && last === inked.length - 1 && !blanks)) return undefined;
  const marks = (start: number, end: number) => inked.slice(start, end).map((symbol) => symbol.text).join('');
  const letters = inked.slice(first, last + 1);
  return {
    before: marks(0, first),
    letters: marks(first, last + 1),
    after: marks(last + 1, inked.length),
    x0: letters[0]!.bbox.x0,
    x1: letters.at(-1)!.bbox.x1,
    y0: top + Math.min(...letters.map((symbol) => symbol.bbox.y0)),
    y1: top + Math.max(...letters.map((symbol) => symbol.bbox.y1)),
  };
}
