import type { LineGeometry } from '../pdf/text-layer.js';

/**
 * How a list lies on the page, for reading it: where the text column runs and ends, whether the text is
 * justified, which lines are centred, and whether a line wrapped onto the next one.
 */

/** Typical length of a full line of running text, the yardstick for "this line wrapped". */
export function fullLineLength(lines: readonly string[]): number {
  const lengths = lines.map((line) => line.length).filter((length) => length >= 25).sort((a, b) => a - b);
  if (lengths.length === 0) return 80;
  return lengths[Math.floor(lengths.length * 0.9)] ?? 80;
}

/** A word "would have fitted" only with this much room to spare, for the estimated widths (points). */
const FIT_MARGIN = 2;
/** Room beyond which a line that did not take the next word certainly was not full (points). */
const LOOSE_FIT = 15;
/** How close to the right edge a justified line ends (points), and how far short an item's last line stops. */
export const EXACT_EDGE = 0.3;
const JUSTIFIED_SLACK = 1.5;

/** How many lines must end at the very same place for the text to count as justified. */
const JUSTIFIED_LINES = 5;

/**
 * Where the text column ends. In justified text many lines end at exactly the same place, and that is
 * the edge; ragged text gives the right end of most of its full lines, and no exact edge.
 */
export function columnRightEdge(geometry: readonly (LineGeometry | undefined)[]): { edge: number; justified: boolean } | undefined {
  const ends = geometry
    .filter((line): line is LineGeometry => line !== undefined && line.words.length >= 4 && Number.isFinite(line.endX))
    .map((line) => line.endX)
    .sort((a, b) => a - b);
  if (ends.length < 5) return undefined;
  let best = { size: 0, at: 0 };
  for (let first = 0, last = 0; last < ends.length; last++) {
    while ((ends[last] ?? 0) - (ends[first] ?? 0) > EXACT_EDGE) first++;
    if (last - first + 1 > best.size) best = { size: last - first + 1, at: ends[last] ?? 0 };
  }
  if (best.size >= JUSTIFIED_LINES) return { edge: best.at, justified: true };
  return { edge: ends[Math.floor(ends.length * 0.9)] ?? 0, justified: false };
}

/** What the list is read with: its lines, where they lie when known, and how wide its lines run. */
export interface ListLayout {
  lines: readonly string[];
  start: number;
  /** Typical length of a full line in characters. */
  referenceLength: number;
  /** Where the text column ends (points), when the text layer gives positions. */
  rightEdge?: number;
  /** Where a line starts, when known. */
  startOf: (lineIndex: number) => number | undefined;
  /**
   * A line's geometry, trusted only while the cleaned line still has as many words as the text layer
   * had (clean-up may drop OCR junk or join split words); `endX` may be NaN, for a scan.
   */
  geometryOf: (lineIndex: number) => LineGeometry | undefined;
  /** The page a line is on, when known; positions compare only within a page. */
  pageOf: (lineIndex: number) => number | undefined;
  /** The list is set justified: every line of an item but its last reaches the right edge. */
  justified: boolean;
  /** OCR read the line from something that is not text (see `isNoiseLine`). */
  isNoise: (lineIndex: number) => boolean;
  /**
   * The line starts with a bullet glyph set apart from its text, as it stands or as it was read: the
   * clean-up drops a glyph it cannot tell from a speck ("*" before "Ausbildungslotsen").
   */
  bulleted: (lineIndex: number) => boolean;
  /** OCR read the line: where its words end is not known, and neither is whether it was full. */
  readByOcr: (lineIndex: number) => boolean;
  /** The line is short and centred in the text column: a heading, where the positions tell. */
  isCentred: (lineIndex: number) => boolean;
}

/** Where each page's text column runs (points): most lines start at its left and end at its right. */
export function columnsByPage(geometry: readonly (LineGeometry | undefined)[]): Map<number, { left: number; right: number }> {
  const byPage = new Map<number, { starts: number[]; ends: number[] }>();
  for (const line of geometry) {
    if (!line || line.words.length < 4) continue;
    const page = byPage.get(line.page ?? 0) ?? { starts: [], ends: [] };
    page.starts.push(Math.min(...line.words.map((word) => word.left)));
    page.ends.push(Math.max(...line.words.map((word) => word.right)));
    byPage.set(line.page ?? 0, page);
  }
  const at = (values: number[], share: number) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) * share)] ?? Number.NaN;
  return new Map([...byPage].filter(([, page]) => page.starts.length >= 5).map(([page, { starts, ends }]) => [page, { left: at(starts, 0.1), right: at(ends, 0.9) }]));
}

/** A line no wider than this share of its column, whose middle lies this near the column's, is centred. */
export const CENTRED_WIDTH = 0.6;
export const CENTRED_OFFSET = 0.05;

/**
 * Whether the line at `nextIndex` continues the one at `previousIndex`: it starts in lower case, or the
 * previous line breaks off after a comma, dash or conjunction, or the next line's first word would not
 * have fitted after it (the previous line was full). Where the text layer gives positions, "full" is
 * measured against the text column's right edge; otherwise in characters against the typical full line
 * (list lines are indented, so a little shorter than running text).
 */
export function wrapped(layout: ListLayout, previousIndex: number, previous: string, nextIndex: number, next: string): boolean {
  if (/[.:;!?]$/.test(previous)) return false;
  const { rightEdge } = layout;
  const before = layout.geometryOf(previousIndex);
  const after = layout.geometryOf(nextIndex);
  if (layout.justified && rightEdge !== undefined && before && before.words.length >= 2) return before.endX >= rightEdge - JUSTIFIED_SLACK;
  if (continuesPhrase(previous, next)) return true;
  if (rightEdge !== undefined && before && after && Number.isFinite(before.endX) && Number.isFinite(after.endX)) {
    const [first = 0, second] = after.words.map((word) => word.left);
    // The first word and the space before it: up to the second word, or to the line's end plus about a
    // character's width.
    const needed = (second ?? after.endX + (after.endX - first) / Math.max(1, next.length)) - first;
    const room = rightEdge - before.endX;
    if (needed > room - FIT_MARGIN) return true;
    // Producers break lines with some room to spare; only a word that would have fitted with plenty
    // of room left says the line was not full.
    if (needed < room - LOOSE_FIT) return false;
  }
  return previous.length + 1 + (next.split(' ')[0]?.length ?? 0) >= layout.referenceLength * 0.9;
}

/** Whether the text breaks off mid-phrase: after a comma or a dash, a conjunction, an article or a preposition, no name or title ends. */
export function breaksOffMidPhrase(text: string): boolean {
  return /(?:[,–-]|\b(?:und|oder|sowie|für|der|die|des|zur|zum|mit|in|im|von))$/.test(text.trimEnd());
}

/**
 * Whether a phrase is missing inside the text: a conjunction right after a word that opens a phrase
 * ("zwischen und dem Landkreis …", the ministry's line lost), where no title or name runs so.
 */
export function missesPhraseWithin(text: string): boolean {
  return /\b(?:zwischen|und|oder|sowie|der|die|des|dem|zur|zum)\s+(?:und|oder|sowie)\b/u.test(text);
}

/** The text alone says `next` goes on with `previous`: it starts in lower case, or `previous` breaks off mid-phrase. */
export function continuesPhrase(previous: string, next: string): boolean {
  if (/[.:;!?]$/.test(previous)) return false;
  return /^[a-zäöüß(]/.test(next) || breaksOffMidPhrase(previous);
}
