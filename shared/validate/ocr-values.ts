import type { ValueEvidence, ValueWord } from '../extract/evidence.js';
import { bareWord, isPlainLongWord, type Lexicon, PERSON_NAME_PATH } from '../extract/lexicon.js';
import { acronymDoubt, acronymIn, spelledLetterByLetter } from '../extract/acronyms.js';
import { listedEntryButForDots, readAsListedValue, readAsMonthOf } from '../extract/listed-values.js';
import type { MisreadWord } from '../extract/misread-words.js';
import { textAt } from '../schema/paths.js';
import type { Agreement, RecordIssue } from '../schema/record.js';
import { type KnownNames, knownNamesAt, nearKnownName } from './known-names.js';

/**
 * The checks of values OCR read, word by word: their confidence, the words the lexicon does not know or
 * writes otherwise, acronyms their own value contradicts, quotation marks that do not pair.
 */

export interface OcrValuesContext {
  /**
   * Where each value was read; a value OCR read with a mean confidence below `minValueConfidence`, or
   * with one word below `minWordConfidence`, needs review.
   */
  values?: readonly ValueEvidence[];
  minValueConfidence?: number;
  minWordConfidence?: number;
  /** Pages of faint print, where each word a value was read from needs `minFaintPrintWordConfidence`. */
  faintPrintPages?: readonly number[];
  minFaintPrintWordConfidence?: number;
  /**
   * The German words and known names; a word of a value OCR read with less confidence than
   * `minUnknownWordConfidence` that it does not know makes its value doubtful. Without it, no word is checked.
   */
  lexicon?: Lexicon;
  minUnknownWordConfidence?: number;
  /** The words OCR misread into non-words that the extraction took for the German word they stand for. */
  misread?: readonly MisreadWord[];
  /** Names of projects and signatories that records known to be right hold (`KnownNames`). */
  knownNames?: KnownNames;
}

type AddIssue = (path: string, code: string, message: string) => void;

const SIGNATURE_DATE_PATH = /^agreement\.signatures\[\d+\]\.date$/;

const percent = (confidence: number) => `${Math.round(confidence * 100)} %`;

/** A value OCR read that the record holds, with its text as recorded. */
type RecordedValue = ValueEvidence & { value: string };

/** The values OCR read (a text layer's are as printed) that the record holds, each with its text as recorded. */
function recordedOcrValues(agreement: Partial<Agreement>, context: OcrValuesContext): RecordedValue[] {
  return (context.values ?? []).flatMap((read) => {
    const value = read.evidence.source === 'pdf-text' ? undefined : textAt(agreement, read.evidence.path);
    return value ? [{ ...read, value }] : [];
  });
}

/**
 * The values OCR read, off faint print, that stand for an entry of their closed list, or for a name
 * records known to be right hold (`KnownNames`), unmistakably (`readAsListedValue`): the list says what
 * they are.
 */
function listedValuesRead(agreement: Partial<Agreement>, context: OcrValuesContext): ValueEvidence[] {
  return (context.values ?? []).filter(
    ({ evidence }) =>
      evidence.source !== 'pdf-text' &&
      context.faintPrintPages?.includes(evidence.page) !== true &&
      readAsListedValue(evidence.path, textAt(agreement, evidence.path) ?? evidence.text, evidence.text, knownNamesAt(evidence.path, context.knownNames)),
  );
}

/**
 * Each value OCR read with less confidence than the floors, at its path, with what was read and where.
 * The word floor holds for each word with a letter or a figure, except an acronym its value spells out
 * letter by letter (`spelledLetterByLetter`) on a page of normal print: the words it stands for witness
 * each of its letters, and tesseract is unsure of a short word in mixed case whatever it reads ("TAff"
 * read right at 20–45 % in a light serif). Nor do the floors hold for a value of a closed list that
 * its reading stands for unmistakably (`readAsListedValue`: "Oberbirgermeisterin" at 54 % is
 * "Oberbürgermeisterin", "ÜSBZ" read exactly at 38 % the known project; a project's name a digital
 * agreement printed, read letter for letter with a word at 19 %), nor for a date's month
 * named so that it can be no other (`readAsMonthOf`: "April" at 31 %), nor for its words where
 * another value holds them (the recipient's name inside the title, "Rheingau- Taunus-Kreis" with
 * "Rheingau-" at 36 %). On faint print, where strokes and so letters go missing, the acronym and the
 * listed value are held to the floors like any.
 */
function validateConfidence(agreement: Partial<Agreement>, context: OcrValuesContext, listed: readonly ValueEvidence[], add: AddIssue): void {
  const faintPage = (page: number) => context.faintPrintPages?.includes(page) === true;
  const wordAt = (word: ValueWord) => `${word.page}:${word.left}:${word.top}`;
  const listedWords = new Set(listed.flatMap(({ words }) => words.map(wordAt)));
  for (const read of context.values ?? []) {
    const { evidence, words } = read;
    if (evidence.source === 'pdf-text' || listed.includes(read)) continue;
    const doubtfulMean = context.minValueConfidence !== undefined && evidence.confidence < context.minValueConfidence;
    const faint = faintPage(evidence.page);
    const wordFloor = faint ? context.minFaintPrintWordConfidence : context.minWordConfidence;
    const value = textAt(agreement, evidence.path) ?? evidence.text;
    const date = SIGNATURE_DATE_PATH.test(evidence.path);
    const witnessed = (word: ValueWord) =>
      !faint && (spelledLetterByLetter(bareWord(word.text), value) || listedWords.has(wordAt(word)) || (date && readAsMonthOf(bareWord(word.text), value)));
    const [weakest] = words.filter((word) => /[\p{L}\d]/u.test(word.text) && !witnessed(word)).sort((a, b) => a.confidence - b.confidence);
    const doubtfulWord = wordFloor !== undefined && weakest !== undefined && weakest.confidence < wordFloor;
    if (!doubtfulMean && !doubtfulWord) continue;
    const word = weakest && weakest.text !== evidence.text ? ` (its least sure word, "${weakest.text}", at ${percent(weakest.confidence)})` : '';
    add(evidence.path, 'value.low_confidence', `"${evidence.text}" on page ${evidence.page}${faint ? ' (faint print)' : ''} was read by OCR with a confidence of ${percent(evidence.confidence)}${word}; check it against the scan.`);
  }
}

/**
 * A value with a word OCR misread, taken for the word it most likely was (`misreadWords`): a non-word
 * for the one German word a typical confusion leads to, a capital for the small letter of its shape.
 * The lexicon says what the word most likely was, the scan what it is; except where the value taken is
 * an entry of a closed list its reading stands for unmistakably ("HEASY – Entwicklung Ausbildung
 * Soziale Teilhabe You" is the known project "EASY – …"), off faint print (`listedValuesRead`).
 */
function validateMisreadWords(context: OcrValuesContext, listed: readonly ValueEvidence[], add: AddIssue): void {
  const listedPaths = new Set(listed.map(({ evidence }) => evidence.path));
  for (const { path, page, read, confidence, taken, kind, previous } of context.misread ?? []) {
    if (listedPaths.has(path)) continue;
    const why = {
      'non-word': `and is no German word or name known here; it was taken for "${taken}", the one German word or known name a typical misreading leads to`,
      compound: `and is German only as a compound of words the lexicon took it apart into; it was taken for "${taken}", the one word German writes that a typical misreading leads to`,
      capital: `with a capital after "${previous}" and before a noun, where German writes "${taken}"; it was taken so`,
      acronym: `and does not fit the words that spell it out; it was taken for "${taken}", the one acronym near it they spell`,
      split: `as two words, the second in small letters after one with a capital; it was taken for "${taken}", the one word they make`,
    }[kind];
    add(path, 'value.misread_word', `"${read}" on page ${page} was read by OCR (${percent(confidence)}) ${why}; check it against the scan.`);
  }
}

/**
 * A value OCR read whose quotation marks do not pair ("Produktionsschule Neue Wege“"): OCR lost one, or
 * read a speck as one, and where the lost one stood cannot be told.
 */
function validateQuotes(recorded: readonly RecordedValue[], add: AddIssue): void {
  for (const { evidence, value } of recorded) {
    const count = (marks: RegExp) => value.match(marks)?.length ?? 0;
    if (count(/„/gu) === count(/[“”]/gu) && count(/"/gu) % 2 === 0) continue;
    add(evidence.path, 'value.unpaired_quote', `"${value}" on page ${evidence.page} was read by OCR with a quotation mark that has no partner; check it against the scan.`);
  }
}

/**
 * A contraction of a preposition with "dem" ("im" is "in dem", "zum" "zu dem") right before a noun that
 * German makes feminine by its ending, which no "dem" goes with ("im Ausbildung"; "der Sprung" and
 * "der Schwung" are no such nouns).
 */
const CONTRACTION_BEFORE_FEMININE = /(?<![\p{L}\d])(?<contraction>im|am|zum|vom|beim)\s+(?<noun>\p{Lu}\p{Ll}*(?:(?<![Ss]pr|[Ss]chw)ung|heit|keit|schaft|tion|tät))(?![\p{L}\d])/u;

/**
 * A value OCR read with a contraction before a feminine noun (`CONTRACTION_BEFORE_FEMININE`): OCR read a
 * short word as another the lexicon knows as well ("im" for "in", "zum" for "zur"), and sure of it
 * ("Migrationshintergrund im Ausbildung und Beschäftigung", recorded valid). German writes no such
 * phrase, so the scan says which word it was.
 */
function validateContractions(recorded: readonly RecordedValue[], add: AddIssue): void {
  for (const { evidence, value } of recorded) {
    const found = CONTRACTION_BEFORE_FEMININE.exec(value)?.groups;
    if (!found) continue;
    add(
      evidence.path,
      'value.contraction',
      `"${value}" on page ${evidence.page} was read by OCR with "${found.contraction}" before "${found.noun}", a feminine noun that German writes no "${found.contraction}" before; OCR may have misread a short word; check it against the scan.`,
    );
  }
}

/**
 * A long plain word (`isPlainLongWord`) where a person's name does not stand: one the lexicon does not
 * know is doubtful however sure OCR was of it, since a misread letter in a long word makes a non-word
 * that tesseract can be sure of ("Alemerziehende" for "Alleinerziehende", at 90 %). Acronyms and names
 * written in capitals inside ("TAff", "JobBrücke") are judged by their confidence; so are signatories'
 * names, which no lexicon holds.
 */
function isDoubtfulWhenUnknown(bare: string, path: string): boolean {
  return !PERSON_NAME_PATH.test(path) && isPlainLongWord(bare);
}

/**
 * A value OCR read with a word in it that is no German word or name known here, and that OCR was not
 * sure enough of or that is long (`isDoubtfulWhenUnknown`), is doubtful: a misread letter mostly makes
 * a non-word ("Berufliche Onentierung"), and OCR is often fairly confident of it. An acronym its own
 * value spells out is known; one the value contradicts is doubtful however sure OCR was (unless the
 * lexicon knows it). Only words that stand in the value as it was recorded count; a word the repairs
 * replaced is judged by the confidence floors alone. A value already under review for its confidence
 * gets no second issue.
 */
function validateWords(recorded: readonly RecordedValue[], context: OcrValuesContext, issues: readonly RecordIssue[], add: AddIssue): void {
  const { lexicon, minUnknownWordConfidence } = context;
  if (!lexicon || minUnknownWordConfidence === undefined) return;
  for (const { evidence, words, value } of recorded) {
    if (issues.some((issue) => issue.path === evidence.path && issue.code === 'value.low_confidence')) continue;
    const recordedWords = new Set(value.split(/\s+/).map(bareWord));
    const doubts = words.flatMap((word) => {
      const bare = bareWord(word.text);
      if (!bare || !recordedWords.has(bare)) return [];
      const sure = percent(word.confidence);
      const doubt = acronymDoubt(bare, value);
      // Whether the lexicon knows it or not ("FA" may be an abbreviation of its own).
      if (doubt?.kind === 'small-word-skipped') return [`"${bare}" (${sure}) may have lost the small letter of "${doubt.word}" among the words that spell it out`];
      if (doubt?.kind === 'small-letter-short') return [`"${bare}" (${sure}) may have lost a "${doubt.letter}": more of the words that spell it out begin with it`];
      if (lexicon.knows(word.text)) return [];
      if (doubt?.kind === 'contradicted') return [`"${bare}" (${sure}) does not fit the words that spell it out`];
      const unknown = (word.confidence < minUnknownWordConfidence || isDoubtfulWhenUnknown(bare, evidence.path)) && acronymIn(bare, value) !== 'spelled-out';
      return unknown ? [`"${bare}" (${sure}) is no German word or name known here`] : [];
    });
    if (doubts.length === 0) continue;
    add(evidence.path, 'value.unknown_word', `"${value}" on page ${evidence.page} was read by OCR, and ${doubts.join('; ')}; check it against the scan.`);
  }
}

/**
 * A value OCR read that is an entry of its closed list but for the umlaut dots ("USBZ" for the known
 * project "ÜSBZ", read under a stamp at 90 % or more): OCR loses dots as easily as it keeps them, and
 * the value as read is no entry.
 */
function validateLostDots(recorded: readonly RecordedValue[], add: AddIssue): void {
  for (const { evidence, value } of recorded) {
    const entry = listedEntryButForDots(evidence.path, value);
    if (entry) add(evidence.path, 'value.dots_lost', `"${value}" on page ${evidence.page} was read by OCR, and is "${entry}" but for its umlaut dots, which OCR may have lost; check it against the scan.`);
  }
}

/**
 * A value OCR read a letter or two off a name that records known to be right hold, and not that name
 * (`nearKnownName`: "Sprungbreit" for the project "Sprungbrett", read sure of every letter): likely the
 * name misread. It is not respelled: a new project may be named near an old one, and the scan says which.
 */
function validateNearKnownNames(recorded: readonly RecordedValue[], knownNames: KnownNames | undefined, add: AddIssue): void {
  if (!knownNames) return;
  for (const { evidence, value } of recorded) {
    const name = nearKnownName(evidence.path, value, knownNames);
    if (name) add(evidence.path, 'value.near_known_name', `"${value}" on page ${evidence.page} was read by OCR, a letter or two off "${name}", which records known to be right hold; check it against the scan.`);
  }
}

/**
 * The checks of the values OCR read, in the order their issues are listed; the values of closed lists
 * read unmistakably (`listedValuesRead`) are found once for the confidence and the misread words, and
 * the values the record holds (`recordedOcrValues`) once for the checks of their words and text.
 */
export function validateOcrValues(agreement: Partial<Agreement>, context: OcrValuesContext, issues: readonly RecordIssue[], add: AddIssue): void {
  const listed = listedValuesRead(agreement, context);
  validateConfidence(agreement, context, listed, add);
  const recorded = recordedOcrValues(agreement, context);
  validateWords(recorded, context, issues, add);
  validateMisreadWords(context, listed, add);
  validateQuotes(recorded, add);
  validateContractions(recorded, add);
  validateLostDots(recorded, add);
  validateNearKnownNames(recorded, context.knownNames, add);
}
