import type { Measure } from '../schema/record.js';
import type { LineSpan } from './evidence.js';
import { isNoiseLine, isSpeckLine, looksLikeText } from './noise.js';
import { CELL_SEPARATOR, type LineGeometry } from '../pdf/text-layer.js';
import { foldForComparison, joinWrapped } from './normalize.js';
import { CENTRED_OFFSET, CENTRED_WIDTH, columnRightEdge, columnsByPage, continuesPhrase, EXACT_EDGE, fullLineLength, type ListLayout, wrapped } from './list-layout.js';
import { isCompleteStandardTitle, standardTitle } from './measure-titles.js';
import { withoutStrayPeriodsInItem } from './ocr-repairs.js';

/**
 * The numbered list of measure types (Maßnahmenarten), each with the projects listed under it.
 * A numbered line opens a measure, a bulleted line a project. An unmarked line (bullets drawn as
 * shapes leave none in the text, and OCR may drop them) opens a project when it starts further right
 * than the measure title's text, where the text layer tells where lines start; otherwise it continues
 * the item above when that line was full (it wrapped) and opens a project when it was not.
 */

/** "1.", "1)", and OCR's "1,", "1;", "l." or "Z." (for 2) */
const MEASURE_LINE = /^(?<number>\d{1,2}|[lIZ])\s?[.):,;]\s*(?<text>[^\d\s].*)$/;
/** Bullets as typed, as Symbol/Wingdings fonts encode them, and as OCR misreads them ("o-", "x", "oBerufs…"). */
const BULLET_LINE = /^(?:[-–—‐•▪■□●◦○·∙*+»«>°©®✓➢&\uF0A7\uF0B7\uF0D8\uF0FC]|[oesacvx]{1,2}[-.,;:_!*'‘’]?(?=\s+[.,'‘’‚]?\p{Lu})|[oe](?=\p{Lu}\p{Ll}))\s*(?<text>\S.*)$/u;
const LIST_INTRO = /folgende\s+(?:Projekte|Maßnahmen|Angebote)|Maßnahmenart(?:en)?\s*:?\s*$|in\s+den\s+(?:jeweiligen[.,]?\s+)?Maßnahmenarten/i;
export const SECTION_HEADING = /^(?:§|S|\$|8|&)\s?\d{1,2}\s*$|^(?:Artikel|Art\.)\s*\d+/;
/** Sentence openings of the paragraph that follows the list; a list item does not start like this. */
const PARAGRAPH_START =
  /^(?:Die|Der|Das|Diese[rs]?|Dies|Im|In\s+der|Mit|Zur|Zum|Alle|Es|Eine?|Über|Sofern|Soweit|Dabei|Hierbei|Darüber|Für\s+die|Bei|Nach|Unterjährige)\s/;
const PLACE_DATE_HINT = /,\s*(?:den\s+)?\d{1,2}\.\s?(?:\d{1,2}\.|[A-ZÄÖÜ][a-zä]+)\s?\d{2,4}\s*$/;

/** Where a measure's title and each of its projects were read. */
export interface MeasureSource {
  title: LineSpan[];
  projects: LineSpan[][];
}

/** Lines of the list's section that became no part of a value: under which measure they stand (-1: after the list). */
export interface UnaccountedLine {
  line: number;
  measure: number;
}

export interface MeasureList {
  measures: Measure[];
  /** For each of `measures`, the stretches of the lines its title and projects were read from. */
  sources: MeasureSource[];
  /**
   * Lines between the list's start and the next section heading that are neither part of a value nor
   * specks nor the running text of a paragraph: OCR noise, or items the list lost.
   */
  unaccounted: UnaccountedLine[];
  /** A line after the list, before the section ends, numbered as the next measure would be. */
  cutBefore?: number;
  /** Index of the first line after the list. */
  endLine: number;
  startLine: number;
}

/** Stray dots, dashes and bars OCR leaves between a list mark and the item's text. */
function stripLeadingMarks(text: string): string {
  const stripped = text.replace(/^[\s.,:;_|'‘’*•·–—-]+(?=\S)/u, '').trim();
  // A quote that opens nothing (no second one follows) is a speck too.
  return /^["“]/.test(stripped) && (stripped.match(/["“”]/g) ?? []).length === 1 ? stripped.slice(1).trim() : stripped;
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
  if (/^[lI]$/.test(raw)) return 1;
  return raw === 'Z' ? 2 : Number(raw);
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
    // The intro may wrap ("… folgende" / "Projekte:").
    if (LIST_INTRO.test(`${lines[index] ?? ''} ${lines[index + 1] ?? ''}`)) {
      const start = firstMeasure(index + 1, 4);
      if (start >= 0) return start;
      const sameLine = MEASURE_LINE.exec((lines[index] ?? '').split(/:\s*/).slice(1).join(': '));
      if (sameLine) return index;
    }
  }
  return firstMeasure(fromLine, lines.length);
}

/** How much further right than a measure title's text a line must start to be a project under it (points). */
const PROJECT_INDENT = 6;

export function extractMeasures(
  lines: readonly string[],
  fromLine = 0,
  geometry: readonly (LineGeometry | undefined)[] = [],
): MeasureList | undefined {
  const start = findListStart(lines, fromLine);
  if (start < 0) return undefined;
  const column = columnRightEdge(geometry);
  const columns = columnsByPage(geometry);
  const layout: ListLayout = {
    lines,
    start,
    referenceLength: fullLineLength(lines),
    rightEdge: column?.edge,
    startOf: (lineIndex) => {
      // Where the line's first word as cleaned stands among the words as read: junk OCR read before it
      // (a bullet, a speck) has been dropped from the line but not from the geometry.
      const line = geometry[lineIndex];
      const written = (lines[lineIndex] ?? '').trim().split(/\s+/)[0] ?? '';
      const first = foldForComparison(written);
      if (!line || !written) return undefined;
      const index = line.words.findIndex(({ text: word }) => {
        const folded = foldForComparison(word);
        if (!first) return word === written;
        return folded === first || (first.length >= 3 && folded.length >= 3 && (folded.endsWith(first) || first.endsWith(folded)));
      });
      const x = line.words[index]?.left;
      return x !== undefined && Number.isFinite(x) ? x : undefined;
    },
    geometryOf: (lineIndex) => {
      const line = geometry[lineIndex];
      const words = (lines[lineIndex] ?? '').split(/\s+/).filter(Boolean).length;
      return line && line.words.length === words && line.words.every((word) => Number.isFinite(word.left)) ? line : undefined;
    },
    pageOf: (lineIndex) => geometry[lineIndex]?.page,
    justified: false,
    isNoise: (lineIndex) => isNoiseLine(lines[lineIndex] ?? '', geometry[lineIndex]),
    isCentred: (lineIndex) => {
      const line = geometry[lineIndex];
      const column = columns.get(line?.page ?? 0);
      const words = line?.words.filter((word) => Number.isFinite(word.left) && Number.isFinite(word.right)) ?? [];
      if (!column || words.length === 0) return false;
      const left = Math.min(...words.map((word) => word.left));
      const right = Math.max(...words.map((word) => word.right));
      const width = column.right - column.left;
      return right - left < CENTRED_WIDTH * width && Math.abs((left + right) / 2 - (column.left + column.right) / 2) < CENTRED_OFFSET * width;
    },
  };
  const list = readList(layout);
  if (list.measures.length === 0) return undefined;
  // In justified text, several lines of the list ending exactly at the column's edge show that the list
  // is justified too; it is read again knowing that.
  const atEdge = lines.slice(start, list.endLine).filter((_, offset) => {
    const line = layout.geometryOf(start + offset);
    return column?.justified === true && line !== undefined && line.words.length >= 3 && Math.abs(line.endX - column.edge) <= EXACT_EDGE;
  });
  const { measures, sources, unaccounted, endLine } = atEdge.length >= 2 ? readList({ ...layout, justified: true }) : list;
  for (const measure of measures) {
    measure.title = standardTitle(withoutStrayPeriodsInItem(measure.title));
    measure.projects = measure.projects.map(withoutStrayPeriodsInItem);
  }
  const after = afterTheList(layout, endLine);
  return {
    measures,
    sources,
    unaccounted: [...unaccounted, ...after.unaccounted.map((line) => ({ line, measure: -1 }))],
    ...(after.numbered !== undefined ? { cutBefore: after.numbered } : {}),
    startLine: start,
    endLine,
  };
}

/** How many lines after a list are looked at for what the list may have lost, at most. */
const AFTER_LIST_LINES = 30;

/**
 * The lines after the list, up to the next section heading (a "§ n" line, or a line centred as headings
 * are), a signature line, or the end of the first sentence that follows the list (OCR may lose a
 * heading's short line): running text (lines that run
 * full, end a sentence, or go on with one) is accounted for; a numbered or bulleted line, a short line
 * standing alone, or noise is not. `numbered` is the first numbered line.
 */
function afterTheList(layout: ListLayout, endLine: number): { unaccounted: number[]; numbered?: number } {
  const { lines, referenceLength } = layout;
  const unaccounted: number[] = [];
  let numbered: number | undefined;
  /** The line before ran full, or broke off mid-sentence: the next one goes on with it. */
  let previous: { full: boolean } | undefined;
  for (let index = endLine; index < Math.min(lines.length, endLine + AFTER_LIST_LINES); index++) {
    const line = (lines[index] ?? '').split(CELL_SEPARATOR).join(' ').trim();
    if (SECTION_HEADING.test(line) || PLACE_DATE_HINT.test(line) || layout.isCentred(index)) break;
    if (!line || isSpeckLine(line)) {
      previous = undefined;
      continue;
    }
    const isNumbered = MEASURE_LINE.test(line);
    const isBulleted = BULLET_LINE.test(line) && !/^\p{Lu}\p{Ll}/u.test(line);
    const full = line.length >= referenceLength * 0.6;
    // A sentence may go on with a dash after a full line ("– nach Antragstellung …"); a new one runs full or ends.
    const goesOn = previous !== undefined && !isNumbered && (!isBulleted || previous.full);
    const opens = !isNumbered && !isBulleted && (full || /[.:;!?]$/.test(line));
    if (layout.isNoise(index) || !looksLikeText(line) || !(goesOn || opens)) {
      unaccounted.push(index);
      if (numbered === undefined && isNumbered) numbered = index;
      previous = undefined;
      continue;
    }
    if (/[.!?]$/.test(line)) break;
    previous = { full };
  }
  return { unaccounted, ...(numbered !== undefined ? { numbered } : {}) };
}

function readList(layout: ListLayout): { measures: Measure[]; sources: MeasureSource[]; unaccounted: UnaccountedLine[]; endLine: number } {
  const { lines, referenceLength, geometryOf } = layout;
  const measures: Measure[] = [];
  const sources: MeasureSource[] = [];
  const unaccounted: UnaccountedLine[] = [];
  /** The lines the line being read is made of (a number standing alone is read with the next line), and how long each is. */
  let parts: { line: number; length: number }[] = [];
  /** Where the last `length` characters of the line being read stand: the end of its last part, and so on back. */
  const suffixSpans = (length: number): LineSpan[] => {
    const spans: LineSpan[] = [];
    let remaining = length;
    for (const part of [...parts].reverse()) {
      if (remaining <= 0) break;
      const taken = Math.min(remaining, part.length);
      spans.unshift({ line: part.line, start: part.length - taken, end: part.length });
      // The space that joined the parts.
      remaining -= taken + 1;
    }
    return spans;
  };
  type Open = { kind: 'title' } | { kind: 'project'; index: number };
  let open: Open | undefined;
  let previousLine = '';
  let previousIndex = -1;
  let afterBlank = false;
  /** Where the open measure's title text starts on the page, when known. */
  let titleTextX: number | undefined;
  /** Where the open measure's line (its number) starts, when known, and on which page. */
  let measureX: number | undefined;
  let measurePage: number | undefined;
  let index = layout.start;

  /** A line starting there lies under the open measure's title, further right than its text. */
  const indentedUnderMeasure = (x: number | undefined) => titleTextX !== undefined && x !== undefined && x > titleTextX + PROJECT_INDENT;

  const append = (text: string) => {
    const measure = measures.at(-1);
    const source = sources.at(-1);
    if (!measure || !source || !open) return;
    if (open.kind === 'title') {
      measure.title = joinWrapped(measure.title, text);
      source.title.push(...suffixSpans(text.length));
    } else {
      measure.projects[open.index] = joinWrapped(measure.projects[open.index] ?? '', text);
      source.projects[open.index]?.push(...suffixSpans(text.length));
    }
  };
  const openProject = (text: string) => {
    const measure = measures.at(-1);
    if (!measure) return;
    measure.projects.push(text);
    sources.at(-1)?.projects.push(suffixSpans(text.length));
    open = { kind: 'project', index: measure.projects.length - 1 };
  };

  for (; index < lines.length; index++) {
    let line = (lines[index] ?? '').split(CELL_SEPARATOR).join(' ').trim();
    parts = [{ line: index, length: (lines[index] ?? '').length }];
    // The title's text starts at the first word after the number that has a letter (OCR may leave a speck between).
    const firstWord = line.split(/\s+/).findIndex((word, position) => position > 0 && /\p{L}/u.test(word));
    let textX = firstWord > 0 ? geometryOf(index)?.words[firstWord]?.left : undefined;
    const lineX = layout.startOf(index);
    // A number standing alone, its text on the next line (set apart by layout or a page break).
    if (/^\d{1,2}[.)]$/.test(line) && lines[index + 1]?.trim()) {
      line = `${line} ${(lines[++index] ?? '').split(CELL_SEPARATOR).join(' ').trim()}`;
      parts.push({ line: index, length: (lines[index] ?? '').length });
      textX = layout.startOf(index);
    }
    if (!line) {
      afterBlank = true;
      continue;
    }
    // What OCR read from specks, a stamp or dirt is no item; it stays unaccounted for.
    if (layout.isNoise(index)) {
      unaccounted.push({ line: index, measure: measures.length - 1 });
      continue;
    }
    // A lone digit before a capitalised word that is not the next measure's number is a bullet OCR
    // misread ("9 JobBrücke"); measure numbers carry a period or parenthesis.
    // No measure is numbered 0: "0." is a hollow bullet (◦) OCR read as a digit.
    const misreadBullet = (/^\d\s+\p{Lu}/u.test(line) && Number(line[0]) !== measures.length + 1) || /^0[.)]\s/.test(line);
    if (misreadBullet && open) line = line.slice(1).trim();
    const numbered = MEASURE_LINE.exec(line)?.groups;
    const expected = measures.length + 1;
    const written = numbered ? measureNumber(numbered.number ?? '') : undefined;
    // A number set on the open measure's page, nearer its title text than its number, is no measure's:
    // a bullet OCR read as a digit ("9; Sprungbrett", even "3." under measure 2), or a numbered list of
    // projects.
    const underMeasure =
      open !== undefined &&
      measureX !== undefined &&
      lineX !== undefined &&
      layout.pageOf(index) === measurePage &&
      lineX > measureX + Math.max(PROJECT_INDENT, ((titleTextX ?? measureX) - measureX) / 2);
    const number = written !== undefined && OCR_DIGIT_CONFUSIONS[expected]?.includes(written) && measures.length > 0 ? expected : written;
    const numberedBullet = numbered !== undefined && underMeasure;
    if (numbered && !numberedBullet) {
      if (number !== expected) break;
      const title = stripLeadingMarks(numbered.text ?? '');
      measures.push({ number, title, projects: [] });
      sources.push({ title: suffixSpans(title.length), projects: [] });
      measureX = lineX;
      measurePage = layout.pageOf(index);
      open = { kind: 'title' };
      // The number must stand apart from the title for its second word to be where the title starts.
      titleTextX = /^(?:\d{1,2}|[lIZ])\s?[.):,;]+["'‘’„“]?\s/.test(line) ? textX : undefined;
    } else {
      if (SECTION_HEADING.test(line) || PLACE_DATE_HINT.test(line)) break;
      const bullet = BULLET_LINE.exec(line);
      const itemText = numberedBullet ? stripLeadingMarks(numbered?.text ?? line) : bullet?.groups || misreadBullet ? stripLeadingMarks(bullet?.groups?.text ?? line) : undefined;
      if (itemText !== undefined && !/\p{L}{2}/u.test(itemText)) {
        // No word after the bullet ("- . „", "0 G9 ,"): specks OCR read as a bullet and a text, which
        // no project is named; more than a few such characters may be what is left of an item.
        if (!isSpeckLine(itemText)) unaccounted.push({ line: index, measure: measures.length - 1 });
        continue;
      } else if (itemText !== undefined) {
        openProject(itemText);
      } else if (!/\p{L}/u.test(line) || /^\p{Ll}{1,2}$/u.test(line) || isSpeckLine(line)) {
        // Not a word in it: what OCR makes of a bullet or a speck on a line of its own ("re", "/ ö !");
        // more than a few such characters may be what is left of an item.
        if (!isSpeckLine(line)) unaccounted.push({ line: index, measure: measures.length - 1 });
        continue;
      } else {
        const sentenceLike = line.length >= referenceLength * 0.6 || /[.!?]$/.test(line);
        if ((PARAGRAPH_START.test(line) && sentenceLike) || (/[.;!?]$/.test(line) && line.length >= referenceLength * 0.6)) break;
        // A title that already is a whole standard measure type does not go on over the next line, and
        // neither does one whose wrapped lines would start where this line starts: further right.
        const indentedUnderTitle = open?.kind === 'title' && indentedUnderMeasure(lineX);
        const completeTitle = open?.kind === 'title' && (isCompleteStandardTitle(measures.at(-1)?.title ?? '', line) || indentedUnderTitle);
        // A blank line ends the item above (OCR leaves one at a paragraph's end), unless the item plainly
        // goes on; otherwise the list goes on only with a numbered or bulleted line, or one set as far
        // right as the list's text (the paragraph after the list starts further left).
        const inList = titleTextX !== undefined && lineX !== undefined && lineX >= titleTextX - PROJECT_INDENT;
        if (afterBlank && open && !completeTitle && continuesPhrase(previousLine, line)) append(line);
        else if (afterBlank && !inList) break;
        else if (open && !completeTitle && wrapped(layout, previousIndex, previousLine, index, line)) append(line);
        else if (!previousLine) break;
        else openProject(line);
      }
    }
    afterBlank = false;
    previousLine = line;
    previousIndex = index;
  }
  return { measures, sources, unaccounted, endLine: index };
}
