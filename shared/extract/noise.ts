import { STANDARD_MEASURE_TYPES } from '../data/measure-types.js';
import { KNOWN_PROJECTS } from '../data/projects.js';
import type { LineGeometry } from '../pdf/text-layer.js';
import { BULLET_LINE } from './measure-lines.js';
import { foldForComparison } from './normalize.js';

/**
 * What OCR reads where there is no text: specks, dirt, a stamp, a scribble, the grain of an empty page.
 * Such a line is no part of any value; inside a section the extractor reads, it is text nobody could
 * account for, and the record needs a person's look.
 */

/** Below this, a line OCR read is taken for noise, not text (mean word confidence, 0–1). */
export const NOISE_LINE_CONFIDENCE = 0.5;

/**
 * Whether a line reads like text: most of its letters stand in words of three letters or more, and one
 * of those has a vowel. "Pu DO G E 8; ie ' SS Mn On fi 5X" does not; "ÜSBZ", "FiA" and "TAff" do.
 */
export function looksLikeText(line: string): boolean {
  const letters = (line.match(/\p{L}/gu) ?? []).length;
  const words = line.match(/\p{L}{3,}/gu) ?? [];
  const inWords = words.reduce((sum, word) => sum + word.length, 0);
  return words.some((word) => /[aeiouäöüyAEIOUÄÖÜY]/u.test(word)) && inWords * 2 >= letters;
}

/** A line of specks alone: a few characters, no word ("„12", "re", "o ."): a misread bullet or dust, no text lost. */
export function isSpeckLine(line: string): boolean {
  const compact = line.replace(/\s+/g, '');
  return compact.length <= 4 && !/\p{L}{3}/u.test(compact);
}

/**
 * The mean confidence of the words of a line with letters in them; 1 where there are none. A first word
 * that is what OCR made of a bullet is no text, and does not count: "e*" read at 7 % for "•" before
 * "Zukunftskompass" at 81 %.
 */
function lineConfidence(line: string, geometry: LineGeometry): number {
  const itemText = BULLET_LINE.exec(line)?.groups?.text;
  const bullet = itemText === undefined ? undefined : line.slice(0, line.length - itemText.length).trim();
  const [first, ...rest] = geometry.words;
  const textWords = bullet && first?.text === bullet ? rest : geometry.words;
  const words = textWords.filter((word) => /\p{L}/u.test(word.text));
  return words.length === 0 ? 1 : words.reduce((sum, word) => sum + word.confidence, 0) / words.length;
}

const KNOWN_ITEM_NAMES = new Set([...KNOWN_PROJECTS, ...STANDARD_MEASURE_TYPES].map(foldForComparison));

/**
 * Whether OCR read this line from something that is not text. A text layer's lines are text, and so is
 * a line that names a project or measure type the project knows, however unsure OCR was of it: "ÜSBZ"
 * at 33 % is no speck, and lost from its list it shifts every project after it.
 */
export function isNoiseLine(line: string, geometry: LineGeometry | undefined): boolean {
  if (!geometry?.readByOcr || !line.trim() || isSpeckLine(line) || KNOWN_ITEM_NAMES.has(foldForComparison(line))) return false;
  // A line of numbers alone ("€ 2.640.917,00", "2025") is no noise; what it holds is for the values to say.
  if (!/\p{L}/u.test(line) && /\d{2}/.test(line)) return false;
  return !looksLikeText(line) || lineConfidence(line, geometry) < NOISE_LINE_CONFIDENCE;
}
