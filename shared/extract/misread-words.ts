/**
 * The German word a non-word OCR read stands for, where tesseract's typical confusions lead from it to
 * exactly one word the lexicon knows: "Beschäfügung" (ti run together into ü) is "Beschäftigung",
 * "Aleinerziehende" (a thin l lost) "Alleinerziehende", "Allemerziehende" (in read as m) the same,
 * "Erauen" (an E for an F whose foot bar the scan added) "Frauen".
 *
 * A word so taken stays under review: the lexicon says what the word most likely was, not what the
 * scan shows, and a person checks it against the page (see `validateMisreadWords`).
 */

import { textAt, withTextAt } from '../schema/paths.js';
import type { Agreement } from '../schema/record.js';
import { acronymIn } from './acronyms.js';
import type { ValueEvidence } from './evidence.js';
import { bareWord, isKnownNameWord, isPlainLongWord, isPlainWord, type Lexicon, PERSON_NAME_PATH, withSmallInitial, type WordLookup } from './lexicon.js';

/**
 * What tesseract reads for what, in pairs of (as read, as printed): strokes run together or split
 * apart (m for "in", "rn" or "ni"; n for "ri"; h for "li"; ü for "ti"), letters of one shape (E and F,
 * c and e, i, l and j; n for an r whose arm the scan ran into the next stroke), and the dots of an
 * umlaut lost or added.
 */
const CONFUSIONS: readonly (readonly [read: string, printed: string])[] = [
  ['m', 'in'],
  ['m', 'rn'],
  ['m', 'ni'],
  ['rn', 'm'],
  ['in', 'm'],
  ['n', 'ri'],
  ['ri', 'n'],
  ['n', 'r'],
  ['h', 'li'],
  ['li', 'h'],
  ['ü', 'ti'],
  ['ü', 'ii'],
  ['d', 'cl'],
  ['cl', 'd'],
  ['E', 'F'],
  ['F', 'E'],
  ['c', 'e'],
  ['e', 'c'],
  ['i', 'l'],
  ['l', 'i'],
  ['j', 'i'],
  ['i', 'j'],
  ['I', 'l'],
  ['l', 'I'],
  ['t', 'f'],
  ['f', 't'],
  ['a', 'ä'],
  ['o', 'ö'],
  ['u', 'ü'],
  ['ä', 'a'],
  ['ö', 'o'],
  ['ü', 'u'],
  ['A', 'Ä'],
  ['O', 'Ö'],
  ['U', 'Ü'],
];

/** Letters thin enough for OCR to lose inside a word, a stroke taken for speck or for a neighbour's serif. */
const THIN_LETTERS = ['i', 'l', 't', 'f', 'r'];

/** Letters from which a word is long enough for two confusions in it to leave a single German word. */
const TWO_CONFUSION_LETTERS = 10;

/**
 * The words one confusion away from `word`: a pair of `CONFUSIONS` at one place, a thin letter lost
 * inside it, a letter read twice ("ssozialpädagogischer"), the capital J at its start, which in
 * a serif face stands apart and is lost with the box's edge ("ugendwerkstatt"), or a thin letter read
 * before it from a speck ("tsozialpädagogischer").
 */
export function oneConfusionAway(word: string): string[] {
  const found = new Set<string>();
  for (const [read, printed] of CONFUSIONS) {
    for (let at = word.indexOf(read); at >= 0; at = word.indexOf(read, at + 1)) found.add(word.slice(0, at) + printed + word.slice(at + read.length));
  }
  for (let at = 1; at < word.length; at++) {
    for (const letter of THIN_LETTERS) found.add(word.slice(0, at) + letter + word.slice(at));
    if (word[at] === word[at - 1]) found.add(word.slice(0, at) + word.slice(at + 1));
  }
  if (/^\p{Ll}/u.test(word)) found.add(`J${word}`);
  // A speck or a serif before the word read as a thin letter of its own ("tsozialpädagogischer").
  if (/^[iltfrj]\p{Ll}{3}/u.test(word)) found.add(word.slice(1));
  found.delete(word);
  // A word capitalised at most at its start has no capital inside: "MIgrations" is no reading of "Mgrations".
  const innerCapital = (text: string) => /\p{Lu}/u.test(text.slice(1));
  return [...found].filter((candidate) => innerCapital(word) || !innerCapital(candidate));
}

/** A word OCR read, with the words beside it in its value where they are of letters alone: OCR splits a word now and then ("Bes chäftigung"). */
export interface ReadWord {
  word: string;
  before?: string;
  after?: string;
}

/** A word a reading may stand for: the text of the value it replaces (the word, or the word and a neighbour), and the word. */
export interface Candidate {
  read: string;
  taken: string;
}

/**
 * The candidates for a misread word, nearest first: the word joined to a neighbour as it stands; one
 * confusion away; joined to a neighbour and one confusion away; and for a long word two confusions away.
 */
export function candidatesFor({ word, before, after }: ReadWord): { joined: Candidate[]; one: Candidate[]; joinedOne: Candidate[]; two: Candidate[] } {
  const alone = (taken: string) => ({ read: word, taken });
  const joined = [...(before ? [{ read: `${before} ${word}`, taken: `${before}${word}` }] : []), ...(after ? [{ read: `${word} ${after}`, taken: `${word}${after}` }] : [])];
  const oneAway = oneConfusionAway(word);
  const joinedOne = joined.flatMap(({ read, taken }) => oneConfusionAway(taken).map((near) => ({ read, taken: near })));
  if ((word.match(/\p{L}/gu) ?? []).length < TWO_CONFUSION_LETTERS) return { joined, one: oneAway.map(alone), joinedOne, two: [] };
  const two = new Set(oneAway.flatMap(oneConfusionAway));
  for (const near of [word, ...oneAway]) two.delete(near);
  return { joined, one: oneAway.map(alone), joinedOne, two: [...two].map(alone) };
}

/**
 * The one German word the misread word stands for, nearest first: the only word it makes joined to a
 * neighbour; else the only one a confusion away; else the only one joined to a neighbour and a
 * confusion away, or two confusions away. Only words the lexicon lists (`listed`) are taken: taking
 * words apart makes compounds up from any near reading ("Kornpeter" from "Kompeter", "zierurigsbudgets"
 * from "zierungsbudgets", "mitssozialpädagogischer" from "mit ssozialpädagogischer"), so a compound
 * the dictionary lacks is left as read ("Mgrationshintergrund"), for review. None where the lexicon
 * has several at the nearest distance it has any, since then only the scan can tell.
 */
export function wordMisreadAs(read: ReadWord | string, listed: (candidate: string) => boolean): Candidate | undefined {
  const { joined, one, joinedOne, two } = candidatesFor(typeof read === 'string' ? { word: read } : read);
  for (const [candidates, taken] of [
    [joined, listed],
    [one, listed],
    [joinedOne, listed],
    [two, listed],
  ] as const) {
    const found = candidates.filter((candidate) => taken(candidate.taken));
    if (found.length === 1) return found[0];
    if (found.length > 1) return undefined;
  }
  return undefined;
}

/**
 * A word of a value that OCR misread, and the word it is taken for: a non-word taken for the German
 * word it stands for (`wordMisreadAs`), or a capital taken for the small letter of its shape (`capitalsWrittenSmall`).
 */
export interface MisreadWord {
  path: string;
  page: number;
  /** The word as read, without the punctuation around it; with its neighbour where the two are taken for one word. */
  read: string;
  confidence: number;
  taken: string;
  /**
   * Why: no German word (`wordMisreadAs`); a word German knows only as a compound the lexicon took
   * apart, where a typical misreading leads to a word it lists ("Allemerziehende", "Allem" + "erziehende",
   * is "Alleinerziehende"); a capital where German writes the small letter of its shape
   * (`capitalsWrittenSmall`), with the word before it; an acronym the words that spell it out contradict
   * (`acronymMisreadAs`); a word OCR split in two, its first part with a capital (`splitAfterCapital`).
   */
  kind: 'non-word' | 'compound' | 'capital' | 'acronym' | 'split';
  previous?: string;
}

/** Letters a word needs before it is taken for another: shorter ones have too many neighbours. */
const SHORTEST_WORD_TAKEN = 4;


/**
 * The acronym one confusion away from the one read, else one letter fewer, that the words spelling it
 * out in its value spell ("FASY" and "FEASY" before "Entwicklung Ausbildung Soziale Teilhabe You" are
 * "EASY"), where there is exactly one: those words witness each of its letters.
 */
export function acronymMisreadAs(acronym: string, value: string): string | undefined {
  const fits = (candidate: string) => acronymIn(candidate, value.replace(acronym, candidate)) === 'spelled-out';
  // A letter dropped fits more often (any letter left out of "FASY" leaves initials of the words), so it comes second.
  for (const near of [oneConfusionAway(acronym), [...acronym].map((_, at) => acronym.slice(0, at) + acronym.slice(at + 1))]) {
    const fitting = [...new Set(near)].filter(fits);
    if (fitting.length === 1) return fitting[0];
    if (fitting.length > 1) return undefined;
  }
  return undefined;
}

/**
 * Words looked at in a document, at most: a page of noise read as words would otherwise have thousands
 * of candidates looked up, and there is nothing to take from it.
 */
const MAX_WORDS_LOOKED_AT = 12;

/**
 * Capitals OCR may have read for small letters of the same shape: a capital C, O, S, V, W, X or Z after a
 * word in lower case and before a noun (not before a sentence after it: "kreisfreien Städten. Bei"), starting an adjective or a verb (the lexicon writes it small),
 * and no word of a name the project knows ("für Soziales und Integration"). Before a noun such a word is
 * an attribute, which German writes small; with no noun after it, it may stand as a noun itself ("familiär
 * Verpflichtete im ländlichen Raum"). "mit Sozialpädagogischer Begleitung" was read so, confidently, and
 * its record was valid.
 */
function capitalsWrittenSmall(value: string, lexicon: Lexicon): { read: string; taken: string; kind: 'capital'; previous: string }[] {
  const tokens = value.split(/\s+/);
  return tokens.flatMap((token, index) => {
    const previous = tokens[index - 1];
    const next = tokens[index + 1];
    const small = withSmallInitial(token);
    if (!previous || !next || !small || !/^\p{Ll}+$/u.test(previous) || !/^\p{L}+$/u.test(token) || !/^\p{Lu}/u.test(token) || !/^\p{Lu}/u.test(next)) return [];
    if (!lexicon.writesSmall(token) || isKnownNameWord(token)) return [];
    return [{ read: bareWord(token), taken: small, kind: 'capital' as const, previous }];
  });
}

/**
 * The word before `word` where the two may be one word OCR split: `word` in small letters with nothing
 * before its letters, after a word of letters alone with a capital initial ("Migrations hintergrund",
 * "Aus bildung"). See `misreadWords` for when they are taken for one.
 */
function splitAfterCapital(tokens: readonly string[], index: number, word: string): string | undefined {
  const before = lettersAlone(tokens[index - 1]);
  return before && /^\p{Lu}/u.test(before) && /^\p{Ll}/u.test(word) && tokens[index]?.startsWith(word) ? before : undefined;
}

/** Whether an acronym alone, OCR unsure of it, is long enough to be taken for another (see `SHORTEST_WORD_TAKEN`). */
const isAcronymTaken = (word: string, confidence: number, minUnknownWordConfidence: number) =>
  confidence < minUnknownWordConfidence && /^\p{L}+$/u.test(word) && word.length >= SHORTEST_WORD_TAKEN;

/** A token of letters alone, a word that OCR may have split off another. */
const lettersAlone = (token: string | undefined) => (token && /^\p{L}+$/u.test(token) ? token : undefined);

/**
 * The words of values OCR read that it misread, each with the word it is taken for: words the lexicon
 * does not know that send their value to review (long plain words, `isPlainLongWord`, however sure OCR
 * was; shorter ones read with less than `minUnknownWordConfidence`), and long words it knows only by
 * taking them apart (a misreading may pass for a compound: "Allemerziehende", "Allem" + "erziehende"),
 * taken for the German word they stand for (`wordMisreadAs`) where there is one; capitals written where
 * German writes a small letter of their shape (`capitalsWrittenSmall`); acronyms the words that spell
 * them out contradict (`acronymMisreadAs`).
 * Persons' names, which no lexicon holds, are left as read. A word taken sends its value to review
 * (`validateMisreadWords`). One lookup of the compounds, and one of all candidates, for the document.
 */
export async function misreadWords(
  values: readonly ValueEvidence[],
  agreement: Partial<Agreement>,
  lexicon: Lexicon,
  lookup: WordLookup,
  minUnknownWordConfidence: number,
): Promise<MisreadWord[]> {
  const capitals: MisreadWord[] = [];
  const acronyms: Omit<MisreadWord, 'taken' | 'kind'>[] = [];
  const known: { path: string; page: number; read: { word: string }; confidence: number; head?: string }[] = [];
  const unknown = values
    .flatMap(({ evidence, words }) => {
      const value = textAt(agreement, evidence.path);
      if (evidence.source === 'pdf-text' || !value || PERSON_NAME_PATH.test(evidence.path)) return [];
      const readAs = (bare: string) => words.find((word) => bareWord(word.text) === bare);
      const place = { path: evidence.path, page: evidence.page };
      for (const capital of capitalsWrittenSmall(value, lexicon)) capitals.push({ ...place, ...capital, confidence: readAs(capital.read)?.confidence ?? evidence.confidence });
      const tokens = value.split(/\s+/);
      return tokens.flatMap((token, index) => {
        const word = bareWord(token);
        const read = readAs(word);
        if (!read) return [];
        if (lexicon.knows(read.text)) {
          const head = splitAfterCapital(tokens, index, word);
          if (isPlainLongWord(word)) known.push({ ...place, read: { word }, confidence: read.confidence, ...(head ? { head } : {}) });
          return [];
        }
        const acronym = acronymIn(word, value);
        if (acronym === 'contradicted') {
          acronyms.push({ ...place, read: word, confidence: read.confidence });
          return [];
        }
        // An acronym standing alone ("USBZ" for "ÜSBZ") has no words beside it to witness its letters;
        // only one the lexicon lists, a known project's or ministry's, is taken for it.
        if (acronym === 'alone' && isAcronymTaken(word, read.confidence, minUnknownWordConfidence)) return [{ ...place, read: { word }, confidence: read.confidence }];
        if (!isPlainWord(word, SHORTEST_WORD_TAKEN) || (!isPlainLongWord(word) && read.confidence >= minUnknownWordConfidence)) return [];
        const before = token.startsWith(word) ? lettersAlone(tokens[index - 1]) : undefined;
        const after = token.endsWith(word) ? lettersAlone(tokens[index + 1]) : undefined;
        return [{ ...place, read: { word, ...(before ? { before } : {}), ...(after ? { after } : {}) }, confidence: read.confidence }];
      });
    })
    .slice(0, MAX_WORDS_LOOKED_AT);
  // Long words the lexicon knows only by taking them apart: a misreading may pass for a compound.
  const knownListed = known.length > 0 ? await lookup.listed(known.map(({ read }) => read.word)) : [];
  const listedAlone = new Set(known.filter((_, index) => knownListed[index]));
  // A word in small letters after one with a capital is the end of a word OCR split where the two make a
  // word the dictionary lists ("Aus bildung"), or one it knows as a compound where the word is German
  // only as a compound's part ("Migrations hintergrund"). A word German writes small after a noun is one
  // of its own, an adjective or a verb, which the dictionary lists, and no word with the noun before it.
  const joinable = known.filter(({ head }) => head !== undefined);
  const joins = joinable.map(({ read, head }) => `${head}${read.word}`);
  const [joinsListed, joinsKnown] = joins.length > 0 ? await Promise.all([lookup.listed(joins), lookup.known(joins)]) : [[], []];
  const joined = new Set(joinable.filter((word, index) => joinsListed[index] || (joinsKnown[index] && !listedAlone.has(word))));
  const splits = [...joined].map(({ path, page, read, confidence, head }) => ({ path, page, confidence, read: `${head} ${read.word}`, taken: `${head}${read.word}`, kind: 'split' as const }));
  const compounds = known.filter((word) => !listedAlone.has(word) && !joined.has(word)).slice(0, MAX_WORDS_LOOKED_AT - unknown.length);
  const looked = [...unknown.map((word) => ({ ...word, kind: 'non-word' as const })), ...compounds.map(({ path, page, read, confidence }) => ({ path, page, read, confidence, kind: 'compound' as const }))];
  const candidates = [...new Set(looked.flatMap(({ read }) => Object.values(candidatesFor(read)).flatMap((found) => found.map(({ taken }) => taken))))];
  const listed = candidates.length > 0 ? await lookup.listed(candidates) : [];
  const listedWords = new Set(candidates.filter((_, index) => listed[index]));
  const taken = looked.flatMap(({ read, ...word }) => {
    const found = wordMisreadAs(read, (candidate) => listedWords.has(candidate));
    return found ? [{ ...word, ...found }] : [];
  });
  // Both halves of a split word lead to it once.
  const words = taken.filter((word, index) => taken.findIndex((other) => other.path === word.path && other.read === word.read) === index);
  // An acronym is judged by the words that spell it out as they are taken: "FiA" is right beside "Erauen in Arbeit", which is "Frauen in Arbeit".
  const taking = withMisreadWordsTaken(agreement, words);
  const acronymsTaken = acronyms.flatMap((acronym) => {
    const value = textAt(taking, acronym.path) ?? '';
    const found = acronymIn(acronym.read, value) === 'contradicted' ? acronymMisreadAs(acronym.read, value) : undefined;
    return found ? [{ ...acronym, taken: found, kind: 'acronym' as const }] : [];
  });
  return [...words, ...splits, ...acronymsTaken, ...capitals];
}

/** The agreement with each misread word replaced by the word it is taken for, in the value it stands in. */
export function withMisreadWordsTaken(agreement: Partial<Agreement>, misread: readonly Pick<MisreadWord, 'path' | 'read' | 'taken'>[]): Partial<Agreement> {
  return misread.reduce((taken, { path, read, taken: word }) => withTextAt(taken, path, withWordReplaced(textAt(taken, path) ?? '', read, word)), agreement);
}

/** `word` where it stands as a word of its own in a text: with no letter or figure beside it. */
export function wordAlone(word: string): RegExp {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\d])${escaped}(?![\\p{L}\\d])`, 'u');
}

/** The text with the first occurrence of `read` as a word of its own (`wordAlone`) replaced by `taken`. */
export function withWordReplaced(text: string, read: string, taken: string): string {
  return text.replace(wordAlone(read), taken);
}
