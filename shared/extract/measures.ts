import type { Measure } from '../schema/record.js';
import { STANDARD_MEASURE_TYPES } from '../data/measure-types.js';
import { CELL_SEPARATOR, foldForComparison, joinWrapped, similarity } from './normalize.js';

/**
 * The numbered list of measure types (Maßnahmenarten), each with the projects listed under it.
 * Works on plain lines (no coordinates), so it decides from the text alone what a line is:
 * a numbered line opens a measure, a bulleted line a project, and an unmarked line continues the
 * item above when that line was full (it wrapped) or opens a project when it was not.
 */

/** "1.", "1)", and OCR's "1," or "l." */
const MEASURE_LINE = /^(?<number>\d{1,2}|[lI])\s?[.):,]\s*(?<text>[^\d\s].*)$/;
/** Bullets as typed, as Symbol/Wingdings fonts encode them, and as OCR misreads them. */
const BULLET_LINE = /^(?:[-–—‐•▪■□●◦○·∙*+»«>°©®✓➢\uF0A7\uF0B7\uF0D8\uF0FC]|[oe](?=\s))\s*(?<text>\S.*)$/u;
const LIST_INTRO = /folgende\s+(?:Projekte|Maßnahmen|Angebote)|Maßnahmenart(?:en)?\s*:?\s*$|in\s+den\s+(?:jeweiligen\s+)?Maßnahmenarten/i;
const SECTION_HEADING = /^(?:§|S|\$|8|&)\s?\d{1,2}\s*$|^(?:Artikel|Art\.)\s*\d+/;
/** Sentence openings of the paragraph that follows the list; a list item does not start like this. */
const PARAGRAPH_START =
  /^(?:Die|Der|Das|Diese[rs]?|Dies|Im|In\s+der|Mit|Zur|Zum|Alle|Es|Eine?|Über|Sofern|Soweit|Dabei|Hierbei|Darüber|Für\s+die|Bei|Nach|Unterjährige)\s/;
const PLACE_DATE_HINT = /,\s*(?:den\s+)?\d{1,2}\.\s?(?:\d{1,2}\.|[A-ZÄÖÜ][a-zä]+)\s?\d{2,4}\s*$/;

export interface MeasureList {
  measures: Measure[];
  /** Index of the first line after the list. */
  endLine: number;
  startLine: number;
}

/** Stray dots, dashes and bars OCR leaves between a list mark and the item's text. */
function stripLeadingMarks(text: string): string {
  return text.replace(/^[\s.,:;_|'‘’*•·–-]+(?=\S)/u, '').trim();
}

/** Digits OCR reads for the one written ("5." as "9."); inside a running list the expected one is meant. */
const OCR_DIGIT_CONFUSIONS: Record<number, readonly number[]> = {
  2: [7],
  3: [8, 5],
  4: [9],
  5: [9, 6, 3, 8],
  6: [5, 8, 0],
  7: [1, 2],
  8: [3, 6, 9, 0],
  9: [5, 8, 0],
};

function measureNumber(raw: string): number {
  return /^[lI]$/.test(raw) ? 1 : Number(raw);
}

function findListStart(lines: readonly string[], fromLine: number): number {
  const firstMeasure = (from: number, within: number) => {
    for (let index = from; index < Math.min(lines.length, from + within); index++) {
      const line = (lines[index] ?? '').trim();
      const match = MEASURE_LINE.exec(line);
      if ((match?.groups && measureNumber(match.groups.number ?? '') === 1) || /^[1lI][.)]$/.test(line)) return index;
    }
    return -1;
  };
  for (let index = fromLine; index < lines.length; index++) {
    if (LIST_INTRO.test(lines[index] ?? '')) {
      const start = firstMeasure(index + 1, 4);
      if (start >= 0) return start;
      const sameLine = MEASURE_LINE.exec((lines[index] ?? '').split(/:\s*/).slice(1).join(': '));
      if (sameLine) return index;
    }
  }
  return firstMeasure(fromLine, lines.length);
}

/** Typical length of a full line of running text, the yardstick for "this line wrapped". */
export function fullLineLength(lines: readonly string[]): number {
  const lengths = lines.map((line) => line.length).filter((length) => length >= 25).sort((a, b) => a - b);
  if (lengths.length === 0) return 80;
  return lengths[Math.floor(lengths.length * 0.9)] ?? 80;
}

export function extractMeasures(lines: readonly string[], fromLine = 0): MeasureList | undefined {
  const start = findListStart(lines, fromLine);
  if (start < 0) return undefined;
  const referenceLength = fullLineLength(lines);
  /**
   * Whether `next` continues `previous`: it starts in lower case, or the previous line breaks off after a
   * comma, dash or conjunction, or the next line's first word would not have fitted after it (the line was
   * full; list lines are indented, so a little shorter than running text).
   */
  const wrapped = (previous: string, next: string) => {
    if (/[.:;!?]$/.test(previous)) return false;
    if (/^[a-zäöüß(]/.test(next) || /(?:[,–-]|\b(?:und|oder|für|der|die|des|zur|zum|mit|in|im|von))$/.test(previous)) return true;
    return previous.length + 1 + (next.split(' ')[0]?.length ?? 0) >= referenceLength * 0.9;
  };
  const measures: Measure[] = [];
  type Open = { kind: 'title' } | { kind: 'project'; index: number };
  let open: Open | undefined;
  let previousLine = '';
  let index = start;

  const append = (text: string) => {
    const measure = measures.at(-1);
    if (!measure || !open) return;
    if (open.kind === 'title') measure.title = joinWrapped(measure.title, text);
    else measure.projects[open.index] = joinWrapped(measure.projects[open.index] ?? '', text);
  };
  const openProject = (text: string) => {
    const measure = measures.at(-1);
    if (!measure) return;
    measure.projects.push(text);
    open = { kind: 'project', index: measure.projects.length - 1 };
  };

  for (; index < lines.length; index++) {
    let line = (lines[index] ?? '').split(CELL_SEPARATOR).join(' ').trim();
    // A number standing alone, its text on the next line (set apart by layout or a page break).
    if (/^\d{1,2}[.)]$/.test(line) && lines[index + 1]?.trim()) line = `${line} ${(lines[++index] ?? '').trim()}`;
    if (!line) {
      // A blank line ends the item above; the list goes on only if a list line follows.
      previousLine = '';
      continue;
    }
    const numbered = MEASURE_LINE.exec(line);
    if (numbered?.groups) {
      const written = measureNumber(numbered.groups.number ?? '');
      const expected = measures.length + 1;
      const number = OCR_DIGIT_CONFUSIONS[expected]?.includes(written) && measures.length > 0 ? expected : written;
      if (number === expected) {
        measures.push({ number, title: stripLeadingMarks(numbered.groups.text ?? ''), projects: [] });
        open = { kind: 'title' };
        previousLine = line;
        continue;
      }
      break;
    }
    if (SECTION_HEADING.test(line) || PLACE_DATE_HINT.test(line)) break;
    const bullet = BULLET_LINE.exec(line);
    if (bullet?.groups) {
      openProject(stripLeadingMarks(bullet.groups.text ?? ''));
      previousLine = line;
      continue;
    }
    const sentenceLike = line.length >= referenceLength * 0.6 || /[.!?]$/.test(line);
    if ((PARAGRAPH_START.test(line) && sentenceLike) || (/[.;!?]$/.test(line) && line.length >= referenceLength * 0.6)) break;
    // A title that already is a whole standard measure type does not go on over the next line.
    const completeTitle = open?.kind === 'title' && isStandardTitle(measures.at(-1)?.title ?? '');
    if (open && !completeTitle && wrapped(previousLine, line)) append(line);
    else if (!previousLine) break;
    else openProject(line);
    previousLine = line;
  }
  if (measures.length === 0) return undefined;
  for (const measure of measures) measure.title = standardTitle(measure.title);
  return { measures, startLine: start, endLine: index };
}

/** How close a title must be to a standard measure type to be read as it: a few misread letters. */
const STANDARD_TITLE_SIMILARITY = 0.9;

function matchingStandardTitle(title: string): string | undefined {
  const folded = foldForComparison(title);
  return STANDARD_MEASURE_TYPES.find((standard) => similarity(folded, foldForComparison(standard)) >= STANDARD_TITLE_SIMILARITY);
}

function isStandardTitle(title: string): boolean {
  return matchingStandardTitle(title) !== undefined;
}

/** The standard spelling of a measure type when the title is one of them, misread ("Ausbhildungsvorbereitung"). */
export function standardTitle(title: string): string {
  return matchingStandardTitle(title) ?? title;
}
