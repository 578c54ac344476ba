import type { Measure } from '../schema/record.js';
import { CELL_SEPARATOR } from '../pdf/text-layer.js';
import type { LineSpan } from './evidence.js';
import { breaksOffMidPhrase, continuesPhrase, type ListLayout, wrapped } from './list-layout.js';
import { BULLET_LINE, MEASURE_LINE, measureNumber, OCR_DIGIT_CONFUSIONS, PARAGRAPH_START, PERIOD_LOST, PLACE_DATE_HINT, SECTION_HEADING, stripLeadingMarks } from './measure-lines.js';
import { isCompleteStandardTitle } from './measure-titles.js';
import { isSpeckLine, looksLikeText } from './noise.js';
import { joinWrapped } from './normalize.js';

/**
 * Reads a list of measures line by line from its first measure: a numbered line opens a measure, a
 * bulleted line a project; an unmarked line (bullets drawn as shapes leave none in the text, and OCR may
 * drop them) opens a project when it starts further right than the measure title's text, where the text
 * layer tells where lines start, and otherwise continues the item above when that line was full (it
 * wrapped) and opens a project when it was not.
 */

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

/** How much further right than a measure title's text a line must start to be a project under it (points). */
const PROJECT_INDENT = 6;

export interface ListRead {
  measures: Measure[];
  sources: MeasureSource[];
  unaccounted: UnaccountedLine[];
  endLine: number;
  /**
   * The paths of items OCR lines were joined into where the line before ended in a noun and the next
   * began with one ("… mit sozialpädagogischer Begleitung" / "Jugendwerkstatt Nord"): where a scan shows
   * neither a bullet nor where the line ended, that may be the next item, its bullet lost.
   */
  doubtfulJoins: string[];
}

export function readList(layout: ListLayout): ListRead {
  return new ListReader(layout).read();
}

/** A list line as read: its text (a number standing alone joined with the next line) and where it stands. */
interface ListLine {
  text: string;
  /** The last line it takes in. */
  index: number;
  /** Where the text after the number starts, and where the line starts, when known (points). */
  textX: number | undefined;
  lineX: number | undefined;
}

/** What a line does to the list: it is taken in, passed over (a blank, noise, a speck), or it ends the list. */
type Step = 'taken' | 'passed' | 'end';

/** Reads the list from its first measure, line by line, keeping what is open (a measure's title or a project). */
class ListReader {
  private readonly measures: Measure[] = [];
  private readonly sources: MeasureSource[] = [];
  private readonly unaccounted: UnaccountedLine[] = [];
  private readonly doubtfulJoins: string[] = [];
  /** The lines the line being read is made of (a number standing alone is read with the next line), and how long each is. */
  private parts: { line: number; length: number }[] = [];
  private open: { kind: 'title' } | { kind: 'project'; index: number } | undefined;
  private previousLine = '';
  private previousIndex = -1;
  private afterBlank = false;
  /** Where the open measure's title text starts on the page, when known. */
  private titleTextX: number | undefined;
  /** Where the open measure's line (its number) starts, when known, and on which page. */
  private measureX: number | undefined;
  private measurePage: number | undefined;

  constructor(private readonly layout: ListLayout) {}

  read(): ListRead {
    const { lines } = this.layout;
    let index = this.layout.start;
    for (; index < lines.length; index++) {
      const line = this.lineAt(index);
      index = line.index;
      const step = this.take(line);
      if (step === 'end') break;
      if (step === 'passed') continue;
      this.afterBlank = false;
      this.previousLine = line.text;
      this.previousIndex = index;
    }
    return { measures: this.measures, sources: this.sources, unaccounted: this.unaccounted, endLine: index, doubtfulJoins: [...new Set(this.doubtfulJoins)] };
  }

  private lineAt(index: number): ListLine {
    const { lines, geometryOf } = this.layout;
    const text = (lines[index] ?? '').split(CELL_SEPARATOR).join(' ').trim();
    this.parts = [{ line: index, length: (lines[index] ?? '').length }];
    // The title's text starts at the first word after the number that has a letter (OCR may leave a speck between).
    const firstWord = text.split(/\s+/).findIndex((word, position) => position > 0 && /\p{L}/u.test(word));
    const lineX = this.layout.startOf(index);
    // A number standing alone, its text on the next line (set apart by layout or a page break).
    if (/^\d{1,2}[.)]$/.test(text) && lines[index + 1]?.trim()) {
      const next = index + 1;
      this.parts.push({ line: next, length: (lines[next] ?? '').length });
      return { text: `${text} ${(lines[next] ?? '').split(CELL_SEPARATOR).join(' ').trim()}`, index: next, textX: this.layout.startOf(next), lineX };
    }
    return { text, index, textX: firstWord > 0 ? geometryOf(index)?.words[firstWord]?.left : undefined, lineX };
  }

  private take(read: ListLine): Step {
    let { text: line } = read;
    const { index } = read;
    if (!line) {
      this.afterBlank = true;
      return 'passed';
    }
    // What OCR read from specks, a stamp or dirt is no item; it stays unaccounted for. A line with a
    // bullet glyph, or the number of the measure the list expects next, before text that reads like
    // text is an item, however unsure OCR was of it ("- ÜSBZ" at 39 %, "1) Benffliche Orientierung" in
    // faint print): lost, it would shift every project after it, or lose the whole list, and its value
    // goes to review by its own words' confidence, which the noise floor does not exceed.
    const writtenNumber = MEASURE_LINE.exec(line)?.groups?.number;
    const expectedMeasure = writtenNumber !== undefined && measureNumber(writtenNumber) === this.measures.length + 1;
    if (this.layout.isNoise(index) && !((this.layout.bulleted(index) || expectedMeasure) && looksLikeText(line))) return this.unaccountedFor(index);
    // A lone digit before a capitalised word is the next measure's number with its period lost ("1
    // Ausbildungsvorbereitung"), or else a bullet OCR misread ("9 JobBrücke").
    // No measure is numbered 0: "0." is a hollow bullet (◦) OCR read as a digit.
    const periodLost = PERIOD_LOST.exec(line)?.groups;
    const nextNumber = periodLost !== undefined && Number(periodLost.number) === this.measures.length + 1;
    const misreadBullet = (/^\d\s+\p{Lu}/u.test(line) && !nextNumber) || /^0[.)]\s/.test(line);
    if (misreadBullet && this.open) line = line.slice(1).trim();
    const numbered = nextNumber ? periodLost : MEASURE_LINE.exec(line)?.groups;
    // A number set on the open measure's page, nearer its title text than its number, is no measure's:
    // a bullet OCR read as a digit ("9; Sprungbrett", even "3." under measure 2), or a numbered list of
    // projects.
    const numberedBullet = numbered !== undefined && this.underMeasure(index, read);
    if (numbered && !numberedBullet) return this.openMeasure(numbered, line, read);
    if (SECTION_HEADING.test(line) || PLACE_DATE_HINT.test(line)) return 'end';
    const bullet = BULLET_LINE.exec(line);
    // A bullet glyph the clean-up dropped as a speck still opens an item: without it "° Jugendwerkstatt
    // Nord" (or "*" before it) read as the two-line item above going on, and the project was lost into it.
    const droppedBullet = bullet === null && this.layout.bulleted(index);
    const itemText = numberedBullet ? stripLeadingMarks(numbered?.text ?? line) : bullet?.groups || misreadBullet || droppedBullet ? stripLeadingMarks(bullet?.groups?.text ?? line) : undefined;
    if (itemText !== undefined && !/\p{L}{2}/u.test(itemText)) {
      // No word after the bullet ("- . „", "0 G9 ,"): specks OCR read as a bullet and a text, which
      // no project is named; more than a few such characters may be what is left of an item.
      return isSpeckLine(itemText) ? 'passed' : this.unaccountedFor(index);
    }
    if (itemText !== undefined) {
      this.openProject(itemText);
      return 'taken';
    }
    if (!/\p{L}/u.test(line) || /^\p{Ll}{1,2}$/u.test(line) || isSpeckLine(line)) {
      // Not a word in it: what OCR makes of a bullet or a speck on a line of its own ("re", "/ ö !");
      // more than a few such characters may be what is left of an item.
      return isSpeckLine(line) ? 'passed' : this.unaccountedFor(index);
    }
    return this.unmarkedLine(line, read);
  }

  private unaccountedFor(index: number): Step {
    this.unaccounted.push({ line: index, measure: this.measures.length - 1 });
    return 'passed';
  }

  /**
   * Whether a numbered line stands under the open measure: on its page, set nearer its title's text
   * than its number; but not one whose own text starts where the title's does, which is the next
   * measure whatever OCR made of its number's box ("1." read with a speck beside it, 23 points left of
   * the numbers below it, and measures 2 to 4 were taken for its projects).
   */
  private underMeasure(index: number, { lineX, textX }: ListLine): boolean {
    const { open, measureX, titleTextX } = this;
    const besideTitle = textX !== undefined && titleTextX !== undefined && Math.abs(textX - titleTextX) <= PROJECT_INDENT;
    return (
      open !== undefined &&
      measureX !== undefined &&
      lineX !== undefined &&
      !besideTitle &&
      this.layout.pageOf(index) === this.measurePage &&
      lineX > measureX + Math.max(PROJECT_INDENT, ((titleTextX ?? measureX) - measureX) / 2)
    );
  }

  private openMeasure(numbered: Record<string, string | undefined>, line: string, { index, lineX, textX }: ListLine): Step {
    const expected = this.measures.length + 1;
    const written = measureNumber(numbered.number ?? '');
    const number = OCR_DIGIT_CONFUSIONS[expected]?.includes(written) && this.measures.length > 0 ? expected : written;
    if (number !== expected) return 'end';
    const title = stripLeadingMarks(numbered.text ?? '');
    this.measures.push({ number, title, projects: [] });
    this.sources.push({ title: this.suffixSpans(title.length), projects: [] });
    this.measureX = lineX;
    this.measurePage = this.layout.pageOf(index);
    this.open = { kind: 'title' };
    // The number must stand apart from the title for its second word to be where the title starts.
    this.titleTextX = /^(?:\d{1,2}|[lIZ])\s?[.):,;»]*["'‘’„“]?\s/.test(line) ? textX : undefined;
    return 'taken';
  }

  /** A line with no number or bullet: the item above goes on, a project opens, or the list has ended. */
  private unmarkedLine(line: string, { index, lineX }: ListLine): Step {
    const { referenceLength } = this.layout;
    const { open, titleTextX } = this;
    const sentenceLike = line.length >= referenceLength * 0.6 || /[.!?]$/.test(line);
    if ((PARAGRAPH_START.test(line) && sentenceLike) || (/[.;!?]$/.test(line) && line.length >= referenceLength * 0.6)) return 'end';
    // A title that already is a whole standard measure type does not go on over the next line, and
    // neither does one whose wrapped lines would start where this line starts: further right, on the
    // same page (another page's scan lies elsewhere), unless the title breaks off mid-phrase ("… im
    // Kontext der", its last word carried over a page break).
    const indentedUnderTitle =
      open?.kind === 'title' &&
      titleTextX !== undefined &&
      lineX !== undefined &&
      lineX > titleTextX + PROJECT_INDENT &&
      this.layout.pageOf(index) === this.measurePage &&
      !breaksOffMidPhrase(this.previousLine);
    const completeTitle = open?.kind === 'title' && (isCompleteStandardTitle(this.measures.at(-1)?.title ?? '', line) || indentedUnderTitle);
    // A blank line ends the item above (OCR leaves one at a paragraph's end), unless the item plainly
    // goes on; otherwise the list goes on only with a numbered or bulleted line, or one set as far
    // right as the list's text (the paragraph after the list starts further left).
    const inList = titleTextX !== undefined && lineX !== undefined && lineX >= titleTextX - PROJECT_INDENT;
    if (this.afterBlank && open && !completeTitle && continuesPhrase(this.previousLine, line)) this.append(line);
    else if (this.afterBlank && !inList) return 'end';
    else if (open && !completeTitle && wrapped(this.layout, this.previousIndex, this.previousLine, index, line)) {
      if (this.layout.readByOcr(index) && nounRunsIntoNoun(this.previousLine, line)) this.doubtfulJoins.push(this.openPath());
      this.append(line);
    }
    else if (!this.previousLine) return 'end';
    else this.openProject(line);
    return 'taken';
  }

  /** Where the last `length` characters of the line being read stand: the end of its last part, and so on back. */
  private suffixSpans(length: number): LineSpan[] {
    const spans: LineSpan[] = [];
    let remaining = length;
    for (const part of [...this.parts].reverse()) {
      if (remaining <= 0) break;
      const taken = Math.min(remaining, part.length);
      spans.unshift({ line: part.line, start: part.length - taken, end: part.length });
      // The space that joined the parts.
      remaining -= taken + 1;
    }
    return spans;
  }

  /** The path of the item being read. */
  private openPath(): string {
    const measure = `agreement.measures[${this.measures.length - 1}]`;
    return this.open?.kind === 'project' ? `${measure}.projects[${this.open.index}]` : `${measure}.title`;
  }

  private append(text: string) {
    const measure = this.measures.at(-1);
    const source = this.sources.at(-1);
    if (!measure || !source || !this.open) return;
    if (this.open.kind === 'title') {
      measure.title = joinWrapped(measure.title, text);
      source.title.push(...this.suffixSpans(text.length));
    } else {
      measure.projects[this.open.index] = joinWrapped(measure.projects[this.open.index] ?? '', text);
      source.projects[this.open.index]?.push(...this.suffixSpans(text.length));
    }
  }

  private openProject(text: string) {
    const measure = this.measures.at(-1);
    if (!measure) return;
    measure.projects.push(text);
    this.sources.at(-1)?.projects.push(this.suffixSpans(text.length));
    this.open = { kind: 'project', index: measure.projects.length - 1 };
  }
}

/** Whether the line before ends in a capitalised word and the next begins with one: a noun run into a noun, which no title writes across its own line break but two items do. */
function nounRunsIntoNoun(previous: string, next: string): boolean {
  const last = previous.trim().split(/\s+/).at(-1) ?? '';
  const first = next.trim().split(/\s+/)[0] ?? '';
  return /^\p{Lu}\p{Ll}+$/u.test(last) && /^\p{Lu}/u.test(first);
}
