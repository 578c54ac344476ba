import diff from 'fast-diff';
import type { PageSize } from '../pdf/document.js';
import type { PlacedWord, WordReading } from '../pdf/text-layer.js';
import type { Evidence, EvidenceSource } from '../schema/record.js';
import { foldForComparison, normalizeCharacters, similarity } from './normalize.js';

/**
 * Where each extracted value was read. The field extractors read cleaned lines (OCR noise repaired,
 * page furniture removed); each value they find is reported as the stretches of those lines it came
 * from. Every cleaned line knows the words its reader gave (with their boxes and confidences) and, for
 * each of its characters, which of those words it came from, so a stretch of cleaned text leads back
 * to the words as read: the value's evidence.
 */

/** A stretch of one cleaned line: the line's index among the document's lines, and a character range in it. */
export interface LineSpan {
  line: number;
  start: number;
  end: number;
}

/** A value the extractors found, by its path in the record, and the stretches of text it was read from. */
export interface ValueSource {
  path: string;
  spans: LineSpan[];
}

/** A cleaned line with the words it was read from. */
export interface SourceLine {
  /** The page it is on, from 1. */
  page: number;
  /** The words of the line as its reader gave them, in points from the page's top-left corner. */
  words: readonly PlacedWord[];
  /** For each character of the cleaned line, the index in `words` of the word it came from; -1 for none. */
  origin: Int32Array;
}

/** For each character of `raw`, the index of the word of `words` it belongs to (-1 between words). */
function rawOrigin(raw: string, words: readonly PlacedWord[]): Int32Array {
  const origin = new Int32Array(raw.length).fill(-1);
  let cursor = 0;
  for (const [index, word] of words.entries()) {
    const text = word.text.trim();
    const at = text ? raw.indexOf(text, cursor) : -1;
    if (at < 0) continue;
    origin.fill(index, at, at + text.length);
    cursor = at + text.length;
  }
  return origin;
}

/**
 * For each character of `cleaned`, the word of `words` it came from, where `cleaned` is what the text
 * repairs made of `raw` (the line as its reader gave it, its words separated by white space). The two
 * are aligned character by character: kept characters keep their word, a replaced character takes the
 * word of the one it replaced, an inserted one its neighbour's.
 */
export function alignToWords(cleaned: string, raw: string, words: readonly PlacedWord[]): Int32Array {
  const fromRaw = rawOrigin(raw, words);
  if (cleaned === raw) return fromRaw;
  const origin = new Int32Array(cleaned.length).fill(-1);
  let rawAt = 0;
  let cleanedAt = 0;
  /** The word of the characters just deleted, which characters inserted next replace. */
  let replaced = -1;
  for (const [operation, text] of diff(raw, cleaned)) {
    if (operation === diff.EQUAL) {
      origin.set(fromRaw.subarray(rawAt, rawAt + text.length), cleanedAt);
      rawAt += text.length;
      cleanedAt += text.length;
      replaced = -1;
    } else if (operation === diff.DELETE) {
      const deleted = fromRaw.subarray(rawAt, rawAt + text.length).find((word) => word >= 0);
      replaced = deleted ?? replaced;
      rawAt += text.length;
    } else {
      const neighbour = replaced >= 0 ? replaced : (fromRaw[rawAt - 1] ?? -1) >= 0 ? fromRaw[rawAt - 1]! : (fromRaw[rawAt] ?? -1);
      for (let index = 0; index < text.length; index++) origin[cleanedAt + index] = /\s/.test(text[index]!) ? -1 : neighbour;
      cleanedAt += text.length;
    }
  }
  return origin;
}

/** The whole of each of the given lines. */
export function wholeLines(lines: readonly string[], indexes: readonly number[]): LineSpan[] {
  return indexes.map((line) => ({ line, start: 0, end: lines[line]?.length ?? 0 }));
}

/** The stretches of `lines` that characters `start` to `end` of `lines.join('\n')` cover. */
export function textRangeSpans(lines: readonly string[], start: number, end: number): LineSpan[] {
  const spans: LineSpan[] = [];
  let offset = 0;
  for (const [line, text] of lines.entries()) {
    const lineEnd = offset + text.length;
    if (lineEnd >= start && offset < end) {
      const from = Math.max(start, offset) - offset;
      const to = Math.min(end, lineEnd) - offset;
      if (to > from) spans.push({ line, start: from, end: to });
    }
    if (offset > end) break;
    offset = lineEnd + 1;
  }
  return spans;
}

/** How close the words found must come to the value sought (folded, by edit distance). */
const LOCATE_SIMILARITY = 0.6;

/**
 * The stretch of `region` that holds `value`: where it stands there exactly, or else the run of words
 * that comes closest to it once case, spacing and punctuation are set aside (OCR misreads a letter, a
 * repair joined a broken word, the value is a canonical spelling of what the document wrote).
 */
export function locate(lines: readonly string[], region: readonly LineSpan[], value: string): LineSpan[] | undefined {
  for (const { line, start, end } of region) {
    const at = (lines[line] ?? '').slice(start, end).indexOf(value);
    if (value && at >= 0) return [{ line, start: start + at, end: start + at + value.length }];
  }
  const target = foldForComparison(value);
  if (!target) return undefined;
  const tokens = region.flatMap(({ line, start, end }) =>
    [...(lines[line] ?? '').slice(start, end).matchAll(/\S+/g)].map((match) => ({
      line,
      start: start + (match.index ?? 0),
      end: start + (match.index ?? 0) + match[0].length,
      folded: foldForComparison(match[0]),
    })),
  );
  let best: { first: number; last: number; score: number } | undefined;
  for (let first = 0; first < tokens.length; first++) {
    if (!tokens[first]?.folded) continue;
    let joined = '';
    for (let last = first; last < tokens.length; last++) {
      joined += tokens[last]?.folded ?? '';
      if (joined.length > target.length * 1.5 + 3) break;
      const score = similarity(joined, target);
      if (!best || score > best.score) best = { first, last, score };
    }
  }
  if (!best || best.score < LOCATE_SIMILARITY) return undefined;
  const spans: LineSpan[] = [];
  for (const token of tokens.slice(best.first, best.last + 1)) {
    const previous = spans.at(-1);
    if (previous?.line === token.line) previous.end = token.end;
    else spans.push({ line: token.line, start: token.start, end: token.end });
  }
  return spans;
}

/** What evidence needs to know of a page: its size in points and who read it. */
export interface PageOrigin {
  size: PageSize;
  source: EvidenceSource;
}

const fraction = (value: number, whole: number) => Math.min(1, Math.max(0, value / whole));

/** A word a value was read from, as read, with the reader's confidence in it, and where it stands (its page, and its top-left corner in points). */
export interface ValueWord {
  /**
   * The word as the clean-up writes it into values (OCR's dotless "ı" an "i"), so that it is found in
   * the value it belongs to; the evidence's text keeps the words as read.
   */
  text: string;
  confidence: number;
  page: number;
  left: number;
  top: number;
  /** The other readings OCR gave the word (`PlacedWord`), written as `text` is. */
  readings?: WordReading[];
}

/**
 * A value's evidence, and its words as read: all of them, on whichever page they stand (a project the
 * page break cut in two is checked word by word on both), while the evidence's box and text are those
 * on the page that holds most of it.
 */
export interface ValueEvidence {
  evidence: Evidence;
  words: ValueWord[];
}

/**
 * The evidence of a value: the words its spans came from, on the page that holds most of them, their
 * box in fractions of that page and their text as read, and the mean confidence of all its words, on
 * every page. Undefined when the spans lead to no word at all.
 */
export function evidenceOf(source: ValueSource, lines: readonly SourceLine[], pages: ReadonlyMap<number, PageOrigin>): ValueEvidence | undefined {
  const byPage = new Map<number, PlacedWord[]>();
  const pageOf = new Map<PlacedWord, number>();
  for (const { line, start, end } of source.spans) {
    const sourceLine = lines[line];
    if (!sourceLine) continue;
    const indexes = new Set<number>();
    for (let character = start; character < end; character++) {
      const word = sourceLine.origin[character] ?? -1;
      if (word >= 0) indexes.add(word);
    }
    const words = [...indexes].sort((a, b) => a - b).flatMap((index) => sourceLine.words[index] ?? []);
    for (const word of words) pageOf.set(word, sourceLine.page);
    const onPage = byPage.get(sourceLine.page) ?? [];
    byPage.set(sourceLine.page, [...onPage, ...words.filter((word) => !onPage.includes(word))]);
  }
  const [page, words] = [...byPage.entries()].reduce<[number, PlacedWord[]] | undefined>(
    (best, entry) => (!best || entry[1].length > best[1].length ? entry : best),
    undefined,
  ) ?? [0, []];
  const origin = pages.get(page);
  if (!origin || words.length === 0) return undefined;
  const everyWord = [...byPage.values()].flat();
  const finite = (values: number[]) => values.filter(Number.isFinite);
  const left = Math.min(...finite(words.map((word) => word.left)));
  const top = Math.min(...finite(words.map((word) => word.top)));
  const right = Math.max(...finite(words.map((word) => word.right)));
  const bottom = Math.max(...finite(words.map((word) => word.bottom)));
  const { width, height } = origin.size;
  const box = {
    left: fraction(left, width),
    top: fraction(top, height),
    width: Math.min(fraction(right - left, width), 1 - fraction(left, width)),
    height: Math.min(fraction(bottom - top, height), 1 - fraction(top, height)),
  };
  if (!Object.values(box).every(Number.isFinite)) return undefined;
  return {
    evidence: {
      path: source.path,
      page,
      box,
      source: origin.source,
      confidence: everyWord.reduce((sum, word) => sum + word.confidence, 0) / everyWord.length,
      text: words.map((word) => word.text.trim()).join(' '),
    },
    words: everyWord.map((word) => ({
      text: normalizeCharacters(word.text.trim()),
      confidence: word.confidence,
      page: pageOf.get(word) ?? page,
      left: word.left,
      top: word.top,
      ...(word.readings ? { readings: word.readings.map((reading) => ({ ...reading, text: normalizeCharacters(reading.text.trim()) })) } : {}),
    })),
  };
}
