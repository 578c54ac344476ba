import type { OcrWord } from './engine.js';
import { columnInked, type GreyImage } from './preprocess.js';

/**
 * Lines whose first letters tesseract's page pass left unread. It reads "Landrätin" under a
 * signatory's name as "rätin" at 0 %, in clear print at 300 dpi, where the same line read alone comes
 * out whole; the lost letters leave ink just left of the line's first word that no word covers.
 */

/** The ink run must end this close to the first word, in the line's heights: the letters of its own word, or the word before. */
const MAX_GAP = 0.6;
/** Gaps inside the run between letters, in the line's heights. */
const LETTER_GAP = 0.3;
/** The run is at least this wide, in the line's heights: two letters, wider than a bullet or a speck. */
const MIN_WIDTH = 0.7;
/** Only the middle of the line's rows is looked at: ascenders and descenders of the lines around reach into its box. */
const MIDDLE = 0.25;

/**
 * Where ink that no word covers runs up to the line's first word from the left, as the column it
 * starts at; undefined where there is none, or too little to be letters.
 */
export function unreadInkBefore(page: GreyImage, words: readonly OcrWord[]): number | undefined {
  const first = words.reduce<OcrWord | undefined>((leftmost, word) => (leftmost && leftmost.x0 <= word.x0 ? leftmost : word), undefined);
  if (!first) return undefined;
  const top = Math.min(...words.map((word) => word.y0));
  const bottom = Math.max(...words.map((word) => word.y1));
  const height = bottom - top;
  if (height <= 0) return undefined;
  const [from, to] = [Math.round(top + height * MIDDLE), Math.round(bottom - height * MIDDLE)];
  const inked = (x: number) => columnInked(page, x, from, to);
  let x = first.x0 - 1;
  let gap = 0;
  while (x >= 0 && !inked(x) && gap <= height * MAX_GAP) {
    x--;
    gap++;
  }
  if (x < 0 || gap > height * MAX_GAP) return undefined;
  const end = x;
  let start = x;
  gap = 0;
  for (x = end - 1; x >= 0 && gap <= height * LETTER_GAP; x--) {
    if (inked(x)) {
      start = x;
      gap = 0;
    } else gap++;
  }
  return end - start + 1 >= height * MIN_WIDTH ? start : undefined;
}

/** Letters and figures alone, for comparing readings of the same words. */
const lettersOf = (words: readonly OcrWord[]) => words.map((word) => word.text).join('').replace(/[^\p{L}\d]/gu, '');
/** A thin letter first in the page pass's reading, which may be what it saw of the letter it cut. */
const CUT_STEM = /^[IlJji1|!]/u;
/** The words a reading adds before the page pass's are at least this sure, 0–100: letters, not a stamp's or a speck's noise. */
const MIN_ADDED_CONFIDENCE = 60;

/**
 * Whether `reread`, the line read again alone, is the page pass's reading `read` with the unread ink
 * before it (from column `inkStart`) read: it reaches as far left, holds the same letters at its end
 * (but for a thin letter first, the stem of the cut letter), and the words that reach into the ink are
 * read surely.
 */
export function readsLineStart(read: readonly OcrWord[], reread: readonly OcrWord[], inkStart: number, lineHeight: number): boolean {
  if (reread.length === 0 || Math.min(...reread.map((word) => word.x0)) > inkStart + lineHeight * LETTER_GAP) return false;
  const [before, after] = [lettersOf(read), lettersOf(reread)];
  // The page pass may have read the cut letter's stem as a thin letter of its own ("Irätin" for "Landrätin").
  const uncut = before.replace(CUT_STEM, '');
  const same = after.endsWith(before) || (uncut.length >= 3 && after.endsWith(uncut));
  if (!same || after.length < before.length + 2) return false;
  // Those that start left of the page pass's first word, the word it cut among them.
  const start = Math.min(...read.map((word) => word.x0));
  const added = reread.filter((word) => word.x0 < start);
  return added.every((word) => word.confidence >= MIN_ADDED_CONFIDENCE);
}
