import type { LetterBox } from './umlauts.js';

/** Quotation marks, opening and closing, German and English, single and double. */
const QUOTATION_MARK = /^[„“”"‚‘’'«»]$/u;

/** The quotation marks at a word's edges, its letters between them, and the columns they span (page pixels). */
export interface QuotedLetters {
  before: string;
  letters: string;
  after: string;
  x0: number;
  x1: number;
}

/**
 * Where a word tesseract read (`text`) has quotation marks at its edges ("„Coaching", "Wege“"), the
 * marks and where its letters lie, from its symbols; undefined for a word without them, of marks alone,
 * or whose symbols spell another text.
 */
export function quotedLetters(text: string, symbols: readonly { text: string; bbox: LetterBox }[]): QuotedLetters | undefined {
  if (symbols.map((symbol) => symbol.text).join('') !== text.trim()) return undefined;
  let first = 0;
  while (first < symbols.length && QUOTATION_MARK.test(symbols[first]!.text)) first++;
  let last = symbols.length - 1;
  while (last >= first && QUOTATION_MARK.test(symbols[last]!.text)) last--;
  if (last < first || (first === 0 && last === symbols.length - 1)) return undefined;
  const marks = (from: number, to: number) => symbols.slice(from, to).map((symbol) => symbol.text).join('');
  return { before: marks(0, first), letters: marks(first, last + 1), after: marks(last + 1, symbols.length), x0: symbols[first]!.bbox.x0, x1: symbols[last]!.bbox.x1 };
}
