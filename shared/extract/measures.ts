import type { Measure } from '../schema/record.js';
import { CELL_SEPARATOR, type LineGeometry } from '../pdf/text-layer.js';
import type { LineSpan } from './evidence.js';
import { CENTRED_OFFSET, CENTRED_WIDTH, columnRightEdge, columnsByPage, EXACT_EDGE, fullLineLength, type ListLayout } from './list-layout.js';
import { type MeasureSource, readList, type UnaccountedLine } from './list-reader.js';
import { BULLET_GLYPH, BULLET_LINE, GLYPH_BULLET_LINE, LIST_INTRO, MEASURE_LINE, measureNumber, PERIOD_LOST, PLACE_DATE_HINT, SECTION_HEADING } from './measure-lines.js';
import { standardTitle } from './measure-titles.js';
import { isNoiseLine, isSpeckLine, looksLikeText } from './noise.js';
import { foldForComparison } from './normalize.js';
import { withoutStrayPeriodsInItem } from './ocr-repairs.js';

/**
 * The numbered list of measure types (Maßnahmenarten), each with the projects listed under it: where
 * the list starts, how it is laid out (list-layout.ts), how it is read (list-reader.ts), and what
 * follows it up to the next section.
 */

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
  /** The paths of items that OCR lines were joined into where a noun ran into a noun (see `ListRead`). */
  doubtfulJoins: string[];
  /** Index of the first line after the list. */
  endLine: number;
  startLine: number;
}



function findListStart(lines: readonly string[], fromLine: number): number {
  /** Right after the list's intro, a first measure whose period OCR lost ("1 Ausbildungsvorbereitung") opens it too. */
  const firstMeasure = (from: number, within: number, afterIntro = false) => {
    for (let index = from; index < Math.min(lines.length, from + within); index++) {
      const line = (lines[index] ?? '').trim();
      const match = MEASURE_LINE.exec(line);
      if ((match?.groups && measureNumber(match.groups.number ?? '') === 1) || /^[1lI][.)]$/.test(line)) return index;
      if (afterIntro && PERIOD_LOST.exec(line)?.groups?.number === '1') return index;
    }
    return -1;
  };
  for (let index = fromLine; index < lines.length; index++) {
    // The intro may wrap ("… folgende" / "Projekte:").
    if (LIST_INTRO.test(`${lines[index] ?? ''} ${lines[index + 1] ?? ''}`)) {
      const start = firstMeasure(index + 1, 4, true);
      if (start >= 0) return start;
      const sameLine = MEASURE_LINE.exec((lines[index] ?? '').split(/:\s*/).slice(1).join(': '));
      if (sameLine) return index;
    }
  }
  return firstMeasure(fromLine, lines.length);
}


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
      // (a bullet, a speck) has been dropped from the line but not from the geometry, and a word read
      // run into the next ("Kompetenzagentur]ugend") has been split.
      const line = geometry[lineIndex];
      const written = (lines[lineIndex] ?? '').trim().split(/\s+/)[0] ?? '';
      const first = foldForComparison(written);
      if (!line || !written) return undefined;
      const index = line.words.findIndex(({ text: word }) => {
        const folded = foldForComparison(word);
        if (!first) return word === written;
        return folded === first || (first.length >= 3 && folded.length >= 3 && (folded.endsWith(first) || first.endsWith(folded) || folded.startsWith(first)));
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
    bulleted: (lineIndex) => {
      const words = geometry[lineIndex]?.words ?? [];
      return GLYPH_BULLET_LINE.test(lines[lineIndex] ?? '') || (words.length > 1 && BULLET_GLYPH.test(words[0]?.text ?? ''));
    },
    readByOcr: (lineIndex) => geometry[lineIndex]?.readByOcr === true,
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
  const { measures, sources, unaccounted, endLine, doubtfulJoins } = atEdge.length >= 2 ? readList({ ...layout, justified: true }) : list;
  measures.forEach((measure, index) => {
    const source = sources[index];
    const title = withoutStrayPeriodsInItem(measure.title);
    if (source) source.title = withoutCutStart(source.title, measure.title, title);
    measure.title = standardTitle(title);
    measure.projects = measure.projects.map((read, project) => {
      const item = withoutStrayPeriodsInItem(read);
      const spans = source?.projects[project];
      if (source && spans) source.projects[project] = withoutCutStart(spans, read, item);
      return item;
    });
  });
  const after = afterTheList(layout, endLine);
  return {
    measures,
    sources,
    unaccounted: [...unaccounted, ...after.unaccounted.map((line) => ({ line, measure: -1 }))],
    ...(after.numbered !== undefined ? { cutBefore: after.numbered } : {}),
    doubtfulJoins,
    startLine: start,
    endLine,
  };
}

/**
 * The stretches an item was read from, less what the clean-up cut off its start (`withoutStrayPeriodsInItem`:
 * the "_- " of "_- Produktionsschule"): its evidence holds the words of the value, not a bullet's specks,
 * whose confidence would be the value's.
 */
function withoutCutStart(spans: LineSpan[], read: string, cleaned: string): LineSpan[] {
  const [first, ...rest] = spans;
  const firstWord = cleaned.split(' ')[0];
  const cut = firstWord ? read.indexOf(firstWord) : -1;
  if (!first || cut <= 0) return spans;
  return [{ ...first, start: Math.min(first.end, first.start + cut) }, ...rest];
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

