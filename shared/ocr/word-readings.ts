/**
 * Which reading of a doubtful word stands: the page's, or one of the word read again alone (see
 * `TesseractOcrEngine`'s second readings in tesseract.ts), weighed by extent, by the lexicon and by
 * confidence.
 */

import { bareWord, isPlainLongWord } from '../extract/lexicon.js';
import type { WordReading } from '../pdf/text-layer.js';

/** How much more confident a lone second reading must be to replace the first. */
const REREAD_GAIN = 15;
/**
 * The letters a known word needs before readings that agree on it count as witnesses of it (see
 * `chooseReading`): a short word is misread as another short word ("dem" for "den", "im" for "in").
 */
const WITNESSED_WORD_LETTERS = 6;

/** Words read with less confidence than this are read again on their own (see `chooseReading`)… */
const REREAD_BELOW_CONFIDENCE = 70;
/**
 * …and so are words the lexicon does not know, below this one (the extraction asks 90 % of them), and
 * long plain ones however sure tesseract was (`isPlainLongWord`: the extraction doubts them at any
 * confidence; "Aleinerziehende" read at 91 % on the page reads "Alleinerziehende" at 95 % alone).
 */
const REREAD_UNKNOWN_BELOW_CONFIDENCE = 90;

/**
 * Whether a word the page pass read is read again alone: `always`, `unless-known` to the lexicon, or
 * `never` (a known word or a short one tesseract was sure of, and a word with neither two letters nor
 * four figures in a row). A year is read again: tesseract can be unsure of one it read right ("2014"
 * in a signature's date at 25 %, read alike at 96 % alone); an amount, a group of three figures after
 * a separator in it, is not, even with a group misread ("1.5391.186,99"): no second reading makes an
 * amount that validation doubts one it takes.
 */
export function secondReading(word: WordReading): 'always' | 'unless-known' | 'never' {
  const year = /\d{4}/u.test(word.text) && !/[.,]\d{3}(?!\d)/u.test(word.text);
  if (!/\p{L}{2}/u.test(word.text) && !year) return 'never';
  if (word.confidence < REREAD_BELOW_CONFIDENCE) return 'always';
  return word.confidence < REREAD_UNKNOWN_BELOW_CONFIDENCE || isPlainLongWord(bareWord(word.text)) ? 'unless-known' : 'never';
}

/** The marks of a word that are no letter or figure, in their order: a crop that clips or adds one is another extent. */
const punctuationOf = (text: string) => text.replace(/[\p{L}\p{N}]/gu, '');
/** The word without the marks before and after its letters and figures. */
const lettersOf = (text: string) => text.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');

/**
 * A reading of the word alone covers the same extent as the page's: as many characters, or one more or
 * fewer inside the word ("Bernufssprachkurs" → "Berufssprachkurs") but never at its ends, where a crop
 * can clip a letter ("Jugend" → "ugend") or take in a neighbour's ("Kompetenzagentur J"); and with the
 * same punctuation, not a letter read as a mark ("TAff" → "TAf-"), except that it may lose a closing
 * mark or an underscore the page's reading put before the word ("]Jugendwerkstatt", "_Benachteiligte").
 */
function sameExtent(first: string, reread: string): boolean {
  // No word begins with a closing mark or an underscore: before one it is a speck, or part of a letter read apart.
  if (/^[\])}|¦_]/u.test(first) && reread === first.slice(1)) return true;
  if (reread.length === 0 || punctuationOf(reread) !== punctuationOf(first)) return false;
  const sameEnds = reread[0] === first[0] && reread.at(-1) === first.at(-1);
  return reread.length === first.length || (Math.abs(reread.length - first.length) === 1 && sameEnds);
}

/** Letters more or fewer than the page's reading that a known word the crops agree on may have (see `chooseReading`). */
const AGREED_LETTERS = 2;

/**
 * A reading of the word alone that begins as the page's and has its punctuation, at most
 * `AGREED_LETTERS` letters longer or shorter; its last letters may differ, where the page read two as
 * one ("Hombun" for "Homburg").
 */
function sameStartNearLength(first: string, reread: string): boolean {
  return reread[0] === first[0] && punctuationOf(reread) === punctuationOf(first) && Math.abs(reread.length - first.length) <= AGREED_LETTERS;
}

/**
 * A reading of the word alone as one word: a gap tesseract saw inside it is the face's spacing ("J
 * ugend"); where the crop took in a letter of a neighbour ("Kompetenzagentur J"), it is the part of the
 * word's extent.
 */
function asOneWord(original: string, reread: string): string {
  const joined = reread.replace(/\s+/gu, '');
  if (joined === original || sameExtent(original, joined)) return joined;
  return reread.split(/\s+/u).find((part) => part === original || sameExtent(original, part)) ?? joined;
}

/** The texts `chooseReading` asks the lexicon about, for each word: its own, and its readings each as one word (`asOneWord`). */
export function textsToLookUp(words: readonly { first: string; rereads: readonly WordReading[] }[]): string[] {
  return [
    ...new Set(
      words.flatMap(({ first, rereads }) => {
        const original = first.trim();
        return [original, ...rereads.map((reread) => asOneWord(original, reread.text))];
      }),
    ),
  ];
}

/**
 * Which reading of a doubtful word stands: the page's, or one of the word read again alone (from the
 * despeckled page enlarged, and from the unfiltered page), each as one word (`asOneWord`). Readings of
 * another extent are not taken, except that one with a mark beside the letters of a known word the page
 * read bare counts as a reading of that word, and that where the page read no word, a known word both
 * crops read alike may have up to two letters more or fewer after its first (`sameStartNearLength`):
 * tesseract merges "ri" and "ti" into an "n" on the page ("Onenterung", read "Orientierung" at 74 and
 * 95 % alone), and "rg" at a word's end ("Hombun", read "Homburg" at 94 and 86 %).
 * Of the rest, a word the lexicon knows beats one it does not (a misread letter mostly makes a
 * non-word: "Onentierung", "flexihle"); then the surest. A reading that differs from the page's
 * replaces it only when another reading agrees with it, when it is much surer, or when it is a known
 * word and the page's is not. A known word of at least `WITNESSED_WORD_LETTERS` letters that two or
 * more readings agree on is surer than any one of them: each reading is a witness, and the word is wrong
 * only if every witness is, so its confidence is 1 − Π(1 − cᵢ), rounded down (a light serif's
 * "Assistierte", read alike at 36, 40 and 45 % from the page and both crops, stands at 78 %). Any other
 * known word that stands gets the highest confidence a reading gave it. A non-word gets the lowest:
 * tesseract repeats its misreadings ("Aleinerziehende" read so three times), and agreement does not make
 * one right.
 */
export function chooseReading(first: WordReading, rereads: readonly WordReading[], known: (text: string) => boolean): WordReading {
  const original = first.text.trim();
  const groups = new Map<string, { text: string; count: number; confidence: number; lowest: number; allWrong: number }>();
  const firstKnown = known(original);
  // A crop takes in marks beside the word (the edge of a list's dash: "_Kompetenzagentur"); a reading
  // whose letters are those of a known word the page read bare witnesses that word.
  const sameLetters = (text: string) => firstKnown && lettersOf(original) === original && lettersOf(text) === original;
  const alone = rereads.map((reread) => ({ text: asOneWord(original, reread.text), confidence: reread.confidence }));
  for (const read of [{ text: original, confidence: first.confidence }, ...alone]) {
    const reading = sameLetters(read.text) ? { ...read, text: original } : read;
    const agreedWord = !firstKnown && known(reading.text) && alone.filter((other) => other.text === reading.text).length >= 2 && sameStartNearLength(original, reading.text);
    if (reading.text !== original && !sameExtent(original, reading.text) && !agreedWord) continue;
    const group = groups.get(reading.text) ?? { text: reading.text, count: 0, confidence: 0, lowest: 100, allWrong: 1 };
    group.count += 1;
    group.confidence = Math.max(group.confidence, reading.confidence);
    group.lowest = Math.min(group.lowest, reading.confidence);
    group.allWrong *= 1 - reading.confidence / 100;
    groups.set(reading.text, group);
  }
  const standing = [...groups.values()].filter(
    (group) => group.text === original || group.count >= 2 || group.confidence >= first.confidence + REREAD_GAIN || (!firstKnown && known(group.text)),
  );
  const anyKnown = standing.some((group) => known(group.text));
  const [best] = standing
    .filter((group) => !anyKnown || known(group.text))
    .sort((a, b) => b.confidence - a.confidence || b.count - a.count);
  if (!best) return { text: original, confidence: first.confidence };
  // Readings of one model repeat its misreadings: agreement vouches for a word the lexicon knows, not for a non-word.
  if (!known(best.text)) return { text: best.text, confidence: best.lowest };
  const witnessed = best.count >= 2 && (best.text.match(/\p{L}/gu) ?? []).length >= WITNESSED_WORD_LETTERS;
  return { text: best.text, confidence: witnessed ? Math.floor(100 * (1 - best.allWrong)) : best.confidence };
}

/**
 * The readings of a doubtful word other than the one `chooseReading` took: the page's and the crops'
 * (each as one word, `asOneWord`) of the same extent as the page's, each once, at the highest confidence
 * it was read with. What OCR cannot weigh on a word alone, the value it stands in, may show one of them
 * right: tesseract reads "TAff" right at 34 % on the page, and "TAfF" at 61 and 42 % alone.
 */
export function otherReadings(first: WordReading, rereads: readonly WordReading[], taken: string): WordReading[] {
  const original = first.text.trim();
  const others = new Map<string, number>();
  for (const reading of [{ text: original, confidence: first.confidence }, ...rereads.map((reread) => ({ text: asOneWord(original, reread.text), confidence: reread.confidence }))]) {
    if (reading.text === taken || (reading.text !== original && !sameExtent(original, reading.text))) continue;
    others.set(reading.text, Math.max(others.get(reading.text) ?? 0, reading.confidence));
  }
  return [...others].map(([text, confidence]) => ({ text, confidence }));
}

/**
 * The side of the word a reading of it alone lost a letter at ("Jugend" read again as "ugend"): a letter
 * that stands apart from the rest of the word, as a serif J does, may lie outside the box tesseract gave
 * the word, and the crop cut it off.
 */
export function clippedSide(first: string, reread: string): 'left' | 'right' | undefined {
  const original = first.trim();
  const alone = reread.trim();
  if (alone.length === 0 || original.length !== alone.length + 1) return undefined;
  if (original.slice(1) === alone) return 'left';
  if (original.slice(0, -1) === alone) return 'right';
  return undefined;
}
