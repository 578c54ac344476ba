import { distance } from 'fastest-levenshtein';
import type { Gebietskoerperschaft } from '../data/gebietskoerperschaften.js';
import type { LineGeometry } from '../pdf/text-layer.js';
import type { Agreement, Party, PartyRole } from '../schema/record.js';
import { type AmountCandidate, findAmounts, pickTotalAmount } from './amount.js';
import { GERMAN_DATE } from './dates.js';
import { type LineSpan, locate, textRangeSpans, type ValueSource, wholeLines } from './evidence.js';
import { SECTION_HEADING } from './measure-lines.js';
import { extractMeasures } from './measures.js';
import { isNoiseLine, isSpeckLine } from './noise.js';
import { CELL_SEPARATOR } from '../pdf/text-layer.js';
import { foldForComparison, joinWrapped, similarity } from './normalize.js';
import { type Found, funderParty, recipientParty, splitParties, withKnownMinistryName, withKnownRecipientName } from './party-mentions.js';
import { extractSignatures, type SignatureBlock } from './signatures.js';

/**
 * Reads the agreement's fields from its cleaned lines. Every field is optional here: what could not be
 * read is simply absent, and the validation decides what that means for the record.
 */

export interface ExtractionFindings {
  agreement: Partial<Agreement>;
  /** For each value of `agreement`, by its path in the record, the stretches of the lines it was read from. */
  sources: ValueSource[];
  /** Facts the validation needs beyond the record's fields. */
  facts: {
    isAgreement: boolean;
    titleFound: boolean;
    ambiguousRecipients?: Gebietskoerperschaft[];
    recipientPhrase?: string;
    funderPhrase?: string;
    amountContext?: string;
    /** The amount written out in words next to the digits, if the document does so. */
    amountInWords?: string;
    /** The only amount found is one the text introduces as a part ("davon …"). */
    amountIntroducedAsPart?: boolean;
    signatureBlocks: SignatureBlock[];
    /** Lines of the sections read that became no part of a value (noise, or text lost to the values). */
    unaccounted: UnaccountedText[];
    /** A line numbered as the next measure would be, after the list ended but before its section did. */
    listCutBefore?: string;
    /** Measures (indexes) whose titles share no word with any item of the programme's list in § 1. */
    outsideProgramme: number[];
    /** Stretches of values OCR misread that were taken as the document writes them elsewhere. */
    respelled: Respelling[];
    /** Measure titles and projects OCR lines were joined into where a noun ran into a noun: perhaps two items. */
    doubtfulJoins: string[];
  };
}

/** Lines of one section that no value accounts for, and the path of the value they would belong to. */
export interface UnaccountedText {
  path: string;
  section: 'title' | 'amount' | 'measures';
  lines: string[];
  /** Set when they stand under a measure that has no projects: its projects may be what they are. */
  measureWithoutProjects?: boolean;
}

const TITLE_MAX_LINES = 14;
const TITLE_STOP = /^(?:Präambel|Praambel|Vorbemerkung|Inhalt)\b|^(?:§|S|\$|8)\s?\d{1,2}\s*$/i;
const PROGRAM_WORD = /budget/i;

const TITLE_WORD = 'Zielvereinbarung';
/** Letters OCR may get wrong in the title's first word and it still be the word every agreement's title starts with. */
const TITLE_WORD_MAX_EDITS = 2;

/**
 * Whether the line opens with the title's first word, as read or misread: a line of running text that
 * names the agreements further on ("Die Zielvereinbarungen werden … veröffentlicht") starts no title,
 * where OCR garbled the title's own first word past knowing.
 */
function isTitleStart(line: string): boolean {
  const opening = line.trim().replace(/^[^\p{L}]+/u, '');
  return foldForComparison(opening).startsWith('zielvereinbarung') || /^(?:Zielverein|Zlelverein|Zielvere1n)/i.test(opening) || misreadTitleWord(line) !== undefined;
}

/**
 * The line's first word where it is "Zielvereinbarung" with a letter or two misread ("Zielveranbarung",
 * as a faint scan's large title type gives it), spelled right: every agreement's title starts with that
 * word, and a title read from the running text further on, where the word is spelled right, would be wrong.
 */
export function misreadTitleWord(line: string): { read: string; word: string } | undefined {
  const read = line.trim().split(/\s+/)[0] ?? '';
  const folded = foldForComparison(read);
  if (folded === 'zielvereinbarung' || folded === 'zielvereinbarungen') return undefined;
  const word = [TITLE_WORD, `${TITLE_WORD}en`].find((candidate) => distance(folded, foldForComparison(candidate)) <= TITLE_WORD_MAX_EDITS);
  return word ? { read, word } : undefined;
}

interface TitleBlock {
  title: string;
  endLine: number;
  /** The lines the title was read from. */
  lineIndexes: number[];
  /** Lines inside the title block OCR read from something that is not text. */
  noise: number[];
}

function titleBlock(lines: readonly string[], geometry: readonly (LineGeometry | undefined)[]): TitleBlock | undefined {
  const start = lines.findIndex((line) => isTitleStart(line));
  if (start < 0) return undefined;
  const parts: string[] = [];
  const lineIndexes: number[] = [];
  const noise: number[] = [];
  let end = start;
  for (let index = start; index < Math.min(lines.length, start + TITLE_MAX_LINES); index++) {
    const line = (lines[index] ?? '').split(CELL_SEPARATOR).join(' ').trim();
    if (!line) continue;
    const readByOcr = geometry[index]?.readByOcr === true;
    // Figures in the title are its year; any other line OCR read without a letter in it is unaccounted for.
    if (isNoiseLine(line, geometry[index]) || (readByOcr && !/\p{L}/u.test(line) && !/^\d{4}$/.test(line))) {
      noise.push(index);
      continue;
    }
    // Specks OCR read on a line of their own ("ö !") are no part of the title, and no text lost.
    if (readByOcr && isSpeckLine(line) && /\p{L}/u.test(line)) continue;
    if (index > start && TITLE_STOP.test(line)) break;
    const misread = index === start ? misreadTitleWord(line) : undefined;
    parts.push(misread ? `${misread.word}${line.slice(line.indexOf(misread.read) + misread.read.length)}` : line);
    lineIndexes.push(index);
    end = index + 1;
    if (PROGRAM_WORD.test(line)) {
      // A budget year may still follow on its own line ("für das Jahr 2025", "2025").
      const following = (lines[index + 1] ?? '').trim();
      if (/^(?:(?:für\s+das\s+(?:Haushalts)?jahr|im\s+Jahr?)\s+)?\d{4}$/i.test(following)) {
        parts.push(following);
        lineIndexes.push(index + 1);
        end = index + 2;
      }
      break;
    }
  }
  // A title ends without punctuation; a colon or comma after it is a speck OCR read.
  const title = parts.reduce((joined, part) => (joined ? joinWrapped(joined, part) : part), '').replace(/\s*[.:;,]+$/, '');
  return { title, endLine: end, lineIndexes, noise: noise.filter((index) => index < end) };
}

/** Words that say what kind of thing a measure is, not which: no ground for matching a title to the programme. */
const GENERIC_WORDS = new Set(['massnahmen', 'massnahme', 'projekte', 'projekt', 'angebote', 'sowie', 'insbesondere', 'bereich', 'rahmen']);

/** The stems a title is matched by: the first six letters of each of its words of five letters or more. */
function stemsOf(text: string): Set<string> {
  return new Set(
    text
      .split(/[\s,;:()–-]+/)
      .map(foldForComparison)
      .filter((word) => word.length >= 5 && !GENERIC_WORDS.has(word))
      .map((word) => word.slice(0, 6)),
  );
}

/**
 * The measure types the programme's paragraph in § 1 lists, where it does ("Schwerpunkte im … sind
 * Maßnahmen zur …, zu …, … sowie …"): the items of that enumeration.
 */
function programmeList(lines: readonly string[]): string[] | undefined {
  const first = lines.findIndex((line) => /^(?:§|S|\$|&)\s?1\s*$/.test(line.trim()));
  if (first < 0) return undefined;
  const last = lines.findIndex((line, index) => index > first && SECTION_HEADING.test(line.trim()));
  const section = lines.slice(first + 1, last < 0 ? undefined : last).map((line) => line.split(CELL_SEPARATOR).join(' '));
  const enumeration = /Schwerpunkte\b[^.]*?\bsind\s+([^.]+)\./.exec(section.reduce((text, line) => (text ? joinWrapped(text, line) : line), ''))?.[1];
  const items = enumeration?.split(/,\s+|\s+sowie\s+/).map((item) => item.trim()).filter(Boolean);
  return items && items.length >= 2 ? items : undefined;
}

/** How far from the amount its section is looked at, at most, for what it holds besides (lines). */
const AMOUNT_SECTION_LINES = 12;
const GERMAN_DATE_ANYWHERE = new RegExp(GERMAN_DATE.source, 'gu');
/** A number the amount's section holds that is none of its amounts, years or dates: an amount not read. */
const UNREAD_NUMBER = /\d[\d.,' ]*\d{2}/;

/**
 * The lines of the amount's section (from its heading to the next, and before the measure list, which
 * the section cannot hold: OCR may lose the heading between them) that no value or running text
 * accounts for: noise, or a number left over once the amounts, years and dates are taken out of it (an
 * amount too garbled to read, maybe the real total).
 */
function amountSectionLeftovers(lines: readonly string[], geometry: readonly (LineGeometry | undefined)[], amountLine: number, listStart = lines.length): number[] {
  let first = amountLine;
  while (first > 0 && amountLine - first < AMOUNT_SECTION_LINES && !SECTION_HEADING.test((lines[first - 1] ?? '').trim())) first--;
  let last = amountLine;
  const end = listStart > amountLine ? listStart : lines.length;
  while (last + 1 < end && last - amountLine < AMOUNT_SECTION_LINES && !SECTION_HEADING.test((lines[last + 1] ?? '').trim())) last++;
  // Amounts and dates may wrap ("Davon sind 20.000" / "Euro für …"): they are taken out of the section's
  // text as a whole, line breaks read as spaces, which keeps every line where it was.
  const section = lines.slice(first, last + 1).map((line) => line.split(CELL_SEPARATOR).join(' '));
  let text = section.join(' ');
  for (const found of findAmounts(text)) text = `${text.slice(0, found.index)}${' '.repeat(found.length)}${text.slice(found.index + found.length)}`;
  text = text.replace(GERMAN_DATE_ANYWHERE, (date) => ' '.repeat(date.length)).replace(/\b(?:19|20)\d{2}\b|§\s*\d+/g, (found) => ' '.repeat(found.length));
  const leftovers: number[] = [];
  let offset = 0;
  section.forEach((line, at) => {
    const rest = text.slice(offset, offset + line.length);
    offset += line.length + 1;
    if (isNoiseLine(line, geometry[first + at]) || UNREAD_NUMBER.test(rest)) leftovers.push(first + at);
  });
  return leftovers;
}

const YEAR = /\b(20[1-3]\d)\b/;


function budgetYear(title: string | undefined, text: string): Found<number> | undefined {
  const inTitle = title ? YEAR.exec(title) : null;
  if (inTitle?.[1]) return { value: Number(inTitle[1]), in: 'title', written: inTitle[1] };
  const cued = /(?:budget(?:s|es)?|Haushaltsjahr|im\s+Jahr|für\s+das\s+Jahr)\s+(20[1-3]\d)\b/gi;
  const counts = new Map<number, { count: number; index: number }>();
  for (const match of text.matchAll(cued)) {
    const year = Number(match[1]);
    const seen = counts.get(year);
    // The year's first mention is the one its evidence points to.
    counts.set(year, { count: (seen?.count ?? 0) + 1, index: seen?.index ?? match.index + match[0].length - 4 });
  }
  const ranked = [...counts.entries()].sort((a, b) => b[1].count - a[1].count);
  const [year, found] = ranked[0] ?? [];
  return year !== undefined && found ? { value: year, in: 'text', index: found.index, length: 4 } : undefined;
}

/** "Ausbildungs- und Qualifizierungsbudgets" → "Ausbildungs- und Qualifizierungsbudget". */
const PROGRAM_NAME = /((?:[A-ZÄÖÜ][\p{L}]*-\s(?:und|sowie)\s)?[A-ZÄÖÜ][\p{L}]*budget)(?:s|es)?\b/u;

function program(title: string | undefined, text: string): Found<string> | undefined {
  const inTitle = title ? PROGRAM_NAME.exec(title) : null;
  if (inTitle?.[1]) return { value: inTitle[1].replace(/\s+/g, ' '), in: 'title', written: inTitle[0] };
  const inText = PROGRAM_NAME.exec(text);
  return inText?.[1] ? { value: inText[1].replace(/\s+/g, ' '), in: 'text', index: inText.index, length: inText[0].length } : undefined;
}

/** The programme's name as the document writes it most often, where it does so at least twice and no other name as often. */
function programAsWritten(text: string): { name: string; count: number } | undefined {
  const counts = new Map<string, number>();
  for (const match of text.matchAll(new RegExp(PROGRAM_NAME.source, 'gu'))) {
    const name = (match[1] ?? '').replace(/\s+/g, ' ');
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const [first, second] = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  return first && first[1] >= 2 && first[1] !== second?.[1] ? { name: first[0], count: first[1] } : undefined;
}

/** How near the title's words must come to the programme's name as the document writes it to be taken for it. */
const PROGRAM_SIMILARITY = 0.85;

/** A stretch of the title that OCR misread, and what the document's own text says it is. */
export interface Respelling {
  path: string;
  read: string;
  taken: string;
  /** How often the document writes it so elsewhere. */
  count: number;
}

/**
 * The title with the programme's name as the document writes it elsewhere, where OCR misread or split it
 * in the title ("Qualifizi jerungsbudgets", "Aus bildungs- und …"): the run of the title's words nearest
 * to the name, in the genitive the title puts it in or as it stands, where near enough and not the same.
 */
function withProgramAsWritten(title: string, written: { name: string; count: number }): { title: string; respelling: Respelling } | undefined {
  const words = title.split(' ');
  let best: { start: number; end: number; taken: string; score: number } | undefined;
  for (const taken of [`${written.name}s`, written.name]) {
    const size = taken.split(' ').length;
    for (let length = Math.max(1, size - 1); length <= size + 1; length++) {
      for (let start = 0; start + length <= words.length; start++) {
        const run = words.slice(start, start + length).join(' ').replace(/[,.;:]+$/u, '');
        if (run === taken) return undefined;
        const score = similarity(foldForComparison(run), foldForComparison(taken));
        if (score >= PROGRAM_SIMILARITY && score > (best?.score ?? 0)) best = { start, end: start + length, taken, score };
      }
    }
  }
  if (!best) return undefined;
  const read = words.slice(best.start, best.end).join(' ');
  const trailing = /[,.;:]*$/u.exec(read)?.[0] ?? '';
  const respelled = [...words.slice(0, best.start), `${best.taken}${trailing}`, ...words.slice(best.end)].join(' ');
  return { title: respelled, respelling: { path: 'agreement.title', read: read.slice(0, read.length - trailing.length), taken: best.taken, count: written.count } };
}

/**
 * `geometry`, when the text layer gives positions, says for each line where its words lie; the measure
 * list needs it when its bullets are drawn rather than typed.
 */
export function extractAgreement(lines: readonly string[], geometry: readonly (LineGeometry | undefined)[] = []): ExtractionFindings {
  const text = lines.map((line) => line.split(CELL_SEPARATOR).join(' ')).join('\n');
  const heading = titleBlock(lines, geometry);
  const programWritten = programAsWritten(text);
  const respelled = heading?.title && programWritten ? withProgramAsWritten(heading.title, programWritten) : undefined;
  const title = respelled?.title ?? heading?.title;
  const year = budgetYear(title, text);
  const { funderPhrase, recipientPhrase } = title ? splitParties(title) : {};

  const measureList = extractMeasures(lines, heading?.endLine ?? 0, geometry);
  const signatureBlocks = extractSignatures(lines, measureList?.endLine ?? heading?.endLine ?? 0, geometry);
  const signatureOffices = signatureBlocks.map((block) => block.title ?? '').join(' ');

  const funder = funderParty(funderPhrase, text, year?.value);
  const recipient = recipientParty(recipientPhrase, text, signatureOffices);
  const parties = [funder, recipient.party].filter((party): party is Found<Party> => party !== undefined);

  // The total is stated before the list of measures; amounts inside the list are parts of it.
  const amountText = measureList ? lines.slice(0, measureList.startLine).join('\n') : text;
  const amount: AmountCandidate | undefined = pickTotalAmount(amountText) ?? pickTotalAmount(text);
  const programName = program(title, text);

  const agreement: Partial<Agreement> = {};
  const sources: ValueSource[] = [];
  const titleLines = wholeLines(lines, heading?.lineIndexes ?? []);
  /** The stretch a value was found at: among the title's lines, or at its place in the text. */
  const spansOf = (found: Found<unknown>, sought: string): LineSpan[] => {
    const region = found.in === 'title' ? titleLines : textRangeSpans(lines, found.index, found.index + found.length);
    return locate(lines, region, sought) ?? region;
  };
  if (title) {
    const withMinistry = funderPhrase ? withKnownMinistryName(title, funderPhrase) : title;
    const named = recipient.party?.in === 'title' ? recipient.party.value : undefined;
    agreement.title = named && recipientPhrase ? withKnownRecipientName(withMinistry, recipientPhrase, named) : withMinistry;
    sources.push({ path: 'agreement.title', spans: titleLines });
  }
  if (programName) {
    agreement.program = programName.value;
    sources.push({ path: 'agreement.program', spans: spansOf(programName, programName.in === 'title' ? programName.written : programName.value) });
  }
  if (year !== undefined) {
    agreement.budgetYear = year.value;
    sources.push({ path: 'agreement.budgetYear', spans: spansOf(year, String(year.value)) });
  }
  if (parties.length > 0) {
    agreement.parties = parties.map((party) => party.value);
    parties.forEach((party, index) => {
      // The party's own name where the phrase that names it holds it ("dem Landkreis Kassel" → "Landkreis Kassel").
      const region = spansOf(party, party.in === 'title' ? party.written : party.value.name);
      sources.push({ path: `agreement.parties[${index}].name`, spans: locate(lines, region, party.value.name) ?? region });
    });
  }
  if (amount) {
    agreement.amount = { cents: amount.cents, currency: 'EUR', text: amount.text };
    sources.push({ path: 'agreement.amount', spans: textRangeSpans(lines, amount.index, amount.index + amount.length) });
  }
  agreement.measures = measureList?.measures ?? [];
  measureList?.sources.forEach((measure, index) => {
    sources.push({ path: `agreement.measures[${index}].title`, spans: measure.title });
    measure.projects.forEach((spans, project) => sources.push({ path: `agreement.measures[${index}].projects[${project}]`, spans }));
  });
  // A signature whose date, name or office could not be read still says who signed where.
  const signed = signatureBlocks.filter((block): block is SignatureBlock & { party: PartyRole } => block.party !== undefined);
  agreement.signatures = signed.map(({ party, place, date, name, title }) => ({
    party,
    place,
    ...(date ? { date } : {}),
    ...(name ? { name } : {}),
    ...(title ? { title } : {}),
  }));
  signed.forEach((block, index) => {
    for (const key of ['place', 'date', 'name', 'title'] as const) {
      const spans = block.sources[key];
      if (agreement.signatures?.[index]?.[key] !== undefined && spans) sources.push({ path: `agreement.signatures[${index}].${key}`, spans });
    }
  });

  const unaccounted: UnaccountedText[] = [];
  const account = (path: string, section: UnaccountedText['section'], indexes: readonly number[], measureWithoutProjects = false) => {
    if (indexes.length > 0) unaccounted.push({ path, section, lines: indexes.map((index) => lines[index] ?? ''), ...(measureWithoutProjects ? { measureWithoutProjects } : {}) });
  };
  account('agreement.title', 'title', heading?.noise ?? []);
  const amountLine = amount ? textRangeSpans(lines, amount.index, amount.index + amount.length)[0]?.line : undefined;
  if (amountLine !== undefined) account('agreement.amount', 'amount', amountSectionLeftovers(lines, geometry, amountLine, measureList?.startLine));
  if (measureList) {
    const byMeasure = new Map<number, number[]>();
    for (const { line, measure } of measureList.unaccounted) byMeasure.set(measure, [...(byMeasure.get(measure) ?? []), line]);
    for (const [measure, indexes] of byMeasure) {
      const projects = measureList.measures[measure]?.projects;
      if (measure < 0 || !projects) account('agreement.measures', 'measures', indexes);
      else if (projects.length === 0) account(`agreement.measures[${measure}].projects`, 'measures', indexes, true);
      else account(`agreement.measures[${measure}]`, 'measures', indexes);
    }
  }

  const programme = programmeList(lines);
  const programmeStems = programme?.map(stemsOf) ?? [];
  const outsideProgramme = programme
    ? (agreement.measures ?? []).flatMap((measure, index) => {
        const stems = stemsOf(measure.title);
        return programmeStems.some((item) => [...stems].some((stem) => item.has(stem))) ? [] : [index];
      })
    : [];

  const amountContext = amount ? text.slice(Math.max(0, amount.index - 80), amount.index + amount.text.length) : undefined;
  return {
    agreement,
    sources,
    facts: {
      isAgreement: Boolean(heading) || /Zielvereinbarung/i.test(text),
      titleFound: Boolean(heading),
      ambiguousRecipients: recipient.ambiguous,
      recipientPhrase,
      funderPhrase,
      amountContext: amountContext?.replace(/\s+/g, ' '),
      amountInWords: amount?.inWords,
      ...(amount?.introducedAsPart ? { amountIntroducedAsPart: true } : {}),
      signatureBlocks: signed,
      unaccounted,
      ...(measureList?.cutBefore !== undefined ? { listCutBefore: lines[measureList.cutBefore] ?? '' } : {}),
      outsideProgramme,
      respelled: respelled ? [respelled.respelling] : [],
      doubtfulJoins: measureList?.doubtfulJoins ?? [],
    },
  };
}
