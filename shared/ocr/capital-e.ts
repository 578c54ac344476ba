import { type GreyImage, isInk } from './preprocess.js';
import { type CapitalBox, type LetterBox, letterBoxes } from './umlauts.js';

/**
 * Capital E that tesseract read as F ("EASY" → "FASY", confidently, so the re-read does not catch it),
 * and F read as E ("Erauen" for "Frauen", at 93 %, and alike alone). The two differ only at the foot of
 * the letter, which the page shows: an E has a bar there as wide as the one at its head, an F only its
 * stem (and serifs).
 */

/** The capitals E and F of a word, by their index in its text, with their boxes in page coordinates. */
export function capitalEsAndFs(symbols: readonly { text: string; bbox: LetterBox }[], top: number): CapitalBox[] | undefined {
  return letterBoxes(symbols, top, (letter) => letter === 'E' || letter === 'F');
}

/** The letter's foot and head: its lowest and its highest third. */
const BAND = 0.35;
/** How wide the widest row of the foot must be against that of the head: E's bars are alike, F's foot is its stem. */
const FOOT_TO_HEAD = 0.85;
/** How wide it may be at most for a stem with serifs, an F's foot, seen for sure. */
const STEM_FOOT_TO_HEAD = 0.6;

/** The most inked pixels in any one row of the box between `from` and `to` (page rows). */
function widestRow(page: GreyImage, left: number, right: number, from: number, to: number): number {
  let widest = 0;
  for (let y = Math.max(0, from); y < Math.min(page.height, to); y++) {
    let inked = 0;
    for (let x = left; x < right; x++) if (isInk(page, x, y)) inked++;
    widest = Math.max(widest, inked);
  }
  return widest;
}

/**
 * How wide the foot of the box is against its head, where the head holds a bar across half the box at
 * least; none for a letter too small to tell, or one with no such bar.
 */
function footToHead(page: GreyImage, letter: LetterBox): number | undefined {
  const height = letter.y1 - letter.y0;
  const left = Math.max(0, Math.floor(letter.x0));
  const right = Math.min(page.width, Math.ceil(letter.x1));
  if (height < 10 || right - left < 5) return undefined;
  const band = Math.max(2, Math.round(BAND * height));
  const head = widestRow(page, left, right, Math.floor(letter.y0), Math.floor(letter.y0) + band);
  const foot = widestRow(page, left, right, Math.ceil(letter.y1) - band, Math.ceil(letter.y1));
  return head >= 0.5 * (right - left) ? foot / head : undefined;
}

/** True when the foot of the box holds a bar as wide as the one at its head (an E), not just a stem (an F). */
export function hasFootBar(page: GreyImage, letter: LetterBox): boolean {
  return (footToHead(page, letter) ?? 0) >= FOOT_TO_HEAD;
}

/**
 * True when the foot of the letter is a stem alone, with its serifs, under a head bar (an F, not an E).
 * The letter is taken as wide as its head bar runs from the box, up to as wide as it is tall:
 * tesseract's box of an F it read as E may hold its stem alone ("Erauen": 11 pixels of a 25-pixel F),
 * where head and foot look alike, and the next letter may touch it, whose foot is none of its own.
 */
export function hasStemFoot(page: GreyImage, letter: LetterBox): boolean {
  const band = Math.max(2, Math.round(BAND * (letter.y1 - letter.y0)));
  const [left, top] = [Math.max(0, Math.floor(letter.x0)), Math.max(0, Math.floor(letter.y0))];
  const limit = Math.min(page.width, Math.ceil(letter.x0 + (letter.y1 - letter.y0)));
  let right = Math.ceil(letter.x1);
  for (let y = top; y < Math.min(page.height, top + band); y++) {
    const inked = (x: number) => isInk(page, x, y);
    let x = left;
    while (x < right && !inked(x)) x++;
    while (x < limit && inked(x)) x++;
    right = Math.max(right, x);
  }
  return (footToHead(page, { ...letter, x1: right }) ?? 1) <= STEM_FOOT_TO_HEAD;
}

type WordWithCapitals = { text: string; efs?: readonly CapitalBox[] };

/** Gives each F of the word whose foot shows a bar its E back. */
export function restoreCapitalE(page: GreyImage, word: WordWithCapitals): void {
  for (const letter of word.efs ?? []) {
    if (word.text[letter.index] === 'F' && hasFootBar(page, letter)) {
      word.text = `${word.text.slice(0, letter.index)}E${word.text.slice(letter.index + 1)}`;
    }
  }
}

/**
 * The word with each E whose foot is a stem alone as an F; none where it has no such E. Whether the F
 * stands is for the lexicon to say: an E is common, and a box tesseract cut short at its foot would
 * look so too.
 */
export function withStemFootEsAsF(page: GreyImage, word: WordWithCapitals): string | undefined {
  let text = word.text;
  for (const letter of word.efs ?? []) {
    if (text[letter.index] === 'E' && hasStemFoot(page, letter)) text = `${text.slice(0, letter.index)}F${text.slice(letter.index + 1)}`;
  }
  return text === word.text ? undefined : text;
}
