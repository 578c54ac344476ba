import type { Measure } from '../schema/record.js';
import { CELL_SEPARATOR, joinWrapped } from './normalize.js';

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

function measureNumber(raw: string): number {
  return /^[lI]$/.test(raw) ? 1 : Number(raw);
}

function findListStart(lines: readonly string[], fromLine: number): number {
  const firstMeasure = (from: number, within: number) => {
    for (let index = from; index < Math.min(lines.length, from + within); index++) {
      const match = MEASURE_LINE.exec(lines[index] ?? '');
      if (match?.groups && measureNumber(match.groups.number ?? '') === 1) return index;
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
  /** A line wrapped when the next line's first word would not have fitted after it. */
  const wrapped = (previous: string, next: string) =>
    !/[.:;!?]$/.test(previous) && previous.length + 1 + (next.split(' ')[0]?.length ?? 0) >= referenceLength * 0.8;
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
    const line = (lines[index] ?? '').split(CELL_SEPARATOR).join(' ').trim();
    if (!line) {
      // A blank line ends the item above; the list goes on only if a list line follows.
      previousLine = '';
      continue;
    }
    const numbered = MEASURE_LINE.exec(line);
    if (numbered?.groups) {
      const number = measureNumber(numbered.groups.number ?? '');
      if (number === measures.length + 1) {
        measures.push({ number, title: (numbered.groups.text ?? '').trim(), projects: [] });
        open = { kind: 'title' };
        previousLine = line;
        continue;
      }
      break;
    }
    if (SECTION_HEADING.test(line) || PLACE_DATE_HINT.test(line)) break;
    const bullet = BULLET_LINE.exec(line);
    if (bullet?.groups) {
      openProject((bullet.groups.text ?? '').trim());
      previousLine = line;
      continue;
    }
    const sentenceLike = line.length >= referenceLength * 0.6 || /[.!?]$/.test(line);
    if ((PARAGRAPH_START.test(line) && sentenceLike) || (/[.;!?]$/.test(line) && line.length >= referenceLength * 0.6)) break;
    if (open && wrapped(previousLine, line)) append(line);
    else if (!previousLine) break;
    else openProject(line);
    previousLine = line;
  }
  if (measures.length === 0) return undefined;
  return { measures, startLine: start, endLine: index };
}
