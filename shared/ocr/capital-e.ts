import type { GreyImage } from './preprocess.js';
import { type CapitalBox, type LetterBox, letterBoxes } from './umlauts.js';

/**
 * Capital E that tesseract read as F ("EASY" → "FASY", confidently, so the re-read does not catch it).
 * The two differ only at the foot of the letter, which the page shows: an E has a bar there as wide as
 * the one at its head, an F only its stem (and serifs).
 */

/** The capitals F of a word, by their index in its text, with their boxes in page coordinates. */
export function capitalFs(symbols: readonly { text: string; bbox: LetterBox }[], top: number): CapitalBox[] | undefined {
  return letterBoxes(symbols, top, (letter) => letter === 'F');
}

/** Dark for print: the page is grey, print is near black. */
const INK = 128;
/** The letter's foot and head: its lowest and its highest third. */
const BAND = 0.35;
/** How wide the widest row of the foot must be against that of the head: E's bars are alike, F's foot is its stem. */
const FOOT_TO_HEAD = 0.85;

/** The most inked pixels in any one row of the box between `from` and `to` (page rows). */
function widestRow(page: GreyImage, left: number, right: number, from: number, to: number): number {
  let widest = 0;
  for (let y = Math.max(0, from); y < Math.min(page.height, to); y++) {
    let inked = 0;
    for (let x = left; x < right; x++) if ((page.pixels[y * page.width + x] ?? 255) < INK) inked++;
    widest = Math.max(widest, inked);
  }
  return widest;
}

/** True when the foot of the box holds a bar as wide as the one at its head (an E), not just a stem (an F). */
export function hasFootBar(page: GreyImage, letter: LetterBox): boolean {
  const height = letter.y1 - letter.y0;
  const left = Math.max(0, Math.floor(letter.x0));
  const right = Math.min(page.width, Math.ceil(letter.x1));
  if (height < 10 || right - left < 5) return false;
  const band = Math.max(2, Math.round(BAND * height));
  const head = widestRow(page, left, right, Math.floor(letter.y0), Math.floor(letter.y0) + band);
  const foot = widestRow(page, left, right, Math.ceil(letter.y1) - band, Math.ceil(letter.y1));
  return head >= 0.5 * (right - left) && foot >= FOOT_TO_HEAD * head;
}

/** Gives each F of the word whose foot shows a bar its E back. */
export function restoreCapitalE(page: GreyImage, word: { text: string; fs?: readonly CapitalBox[] }): void {
  for (const letter of word.fs ?? []) {
    if (word.text[letter.index] === 'F' && hasFootBar(page, letter)) {
      word.text = `${word.text.slice(0, letter.index)}E${word.text.slice(letter.index + 1)}`;
    }
  }
}
