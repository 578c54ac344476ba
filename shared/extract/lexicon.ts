import { GEBIETSKOERPERSCHAFTEN } from '../data/gebietskoerperschaften.js';
import { STANDARD_MEASURE_TYPES } from '../data/measure-types.js';
import { KNOWN_PROJECTS } from '../data/projects.js';
import { MINISTRIES } from '../data/ministries.js';

/**
 * Whether a word OCR read is a German word: what tells a misread that yields a non-word ("Onentierung"
 * for "Orientierung") from a word that was read right. The word list is igerman98's Hunspell dictionary
 * (npm `dictionary-de`) with every form spelled out as `nspell` reads it (word-list.ts), the names the
 * project knows (ministries, Landkreise and kreisfreie Städte with their seats, the standard measure
 * types) and, for a document, the words of its text layer. Hunspell's German dictionary leaves compounds
 * to its compounding rules, which nspell does not apply; compounds are taken apart here instead:
 * "Teilzeitausbildung" is "Teilzeit" + "Ausbildung", "Qualifizierungsbudgets" is "Qualifizierung" +
 * linking "s" + "Budgets".
 */
export interface Lexicon {
  knows(word: string): boolean;
  /**
   * Whether German writes the word with a small initial (an adjective, a verb: the dictionary holds it
   * so), where it was read with a capital that has the same shape as its small letter (C, O, S, V, W,
   * X, Z); a noun the dictionary holds only with its capital is not. See `withSmallInitial`.
   */
  writesSmall(word: string): boolean;
}

/**
 * How an extraction asks which words are known: of the lexicon in its own process, or, in a reader
 * process, of its owner's (shared/isolation), so that no reader holds a lexicon.
 */
export interface WordLookup {
  /** For each word, whether the lexicon knows it. */
  known(words: readonly string[]): Promise<boolean[]>;
  /** For each word, whether the lexicon writes it with a small initial (`Lexicon.writesSmall`). */
  writtenSmall(words: readonly string[]): Promise<boolean[]>;
  /** For each word, whether the lexicon lists it as it stands, not only as a compound of words it lists (`GermanLexicon.lists`). */
  listed(words: readonly string[]): Promise<boolean[]>;
}

/** A word list that tells whether a word is spelled right, as Hunspell's dictionaries do (`nspell`'s `correct`). */
export interface SpellingList {
  correct(word: string): boolean;
}

/** A part of a compound is at least this long: shorter pieces ("ab", "Re") would make nonsense words up. */
const MIN_PART_LENGTH = 3;
/** The linking elements (Fugenelemente) between the parts of a German compound. */
const LINKS = ['', 's', 'es', 'n', 'en', 'er', 'e'];
/** Compounds of more parts than this are not taken apart (real ones rarely have more, made-up ones would). */
const MAX_PARTS = 4;

/** Verdicts kept of each kind (some MB at most); past that the memory starts anew. */
const MAX_REMEMBERED = 50_000;

function remember(verdicts: Map<string, boolean>, word: string, known: boolean): void {
  if (verdicts.size >= MAX_REMEMBERED) verdicts.clear();
  verdicts.set(word, known);
}

const capitalised = (word: string) => word.charAt(0).toLocaleUpperCase('de') + word.slice(1);

/**
 * Loanwords of labour-market language that the Duden lists and igerman98 lacks: "Coaching" stands in
 * project names on its own, as it does in the standard measure type "Ausbildungscoaching".
 */
const LABOUR_MARKET_LOANWORDS = ['Coaching', 'Mentoring', 'Matching'];

/** The words of the names the project knows as data, and the loanwords above. */
function knownNameWords(): string[] {
  const names = [
    ...LABOUR_MARKET_LOANWORDS,
    ...MINISTRIES.map((ministry) => ministry.name),
    ...MINISTRIES.map((ministry) => ministry.shortName),
    ...MINISTRIES.flatMap((ministry) => ministry.officeHolders.map((holder) => holder.name)),
    ...KNOWN_PROJECTS,
    ...GEBIETSKOERPERSCHAFTEN.flatMap((entity) => [entity.name, entity.core, entity.seat, ...(entity.shortCores ?? [])]),
    ...STANDARD_MEASURE_TYPES,
  ];
  return names.flatMap((name) => name.split(/[\s,–-]+/)).filter((word) => /\p{L}/u.test(word));
}

/**
 * Words of names as a set holds them: in small letters, so that a name is known at a sentence's start
 * or in capitals ("VOGELSBERGKREIS"), but for a word with capitals inside ("ÜSBZ", "PerBe",
 * "JobBrücke"), which is known only as written: its case is what tells it from a misreading ("ÜsBZ"
 * read for "ÜSBZ" at 75 %, a small "s" for the capital of its shape).
 */
class NameWords {
  private readonly held = new Set<string>();

  constructor(words: Iterable<string>) {
    for (const word of words) {
      const bare = bareWord(word);
      if (bare) this.held.add(isPlainWord(bare, 0) ? bare.toLocaleLowerCase('de') : bare);
    }
  }

  get size(): number {
    return this.held.size;
  }

  has(word: string): boolean {
    const bare = bareWord(word);
    return this.held.has(bare) || this.held.has(bare.toLocaleLowerCase('de'));
  }
}

const KNOWN_NAME_WORDS = new NameWords(knownNameWords());

/** Whether the word is a word of a name the project knows as data ("Soziales", "Vogelsbergkreis"). */
export function isKnownNameWord(word: string): boolean {
  return KNOWN_NAME_WORDS.has(word);
}

/**
 * The word with a small initial where its capital has the same shape as the small letter, at another
 * size, so that OCR confuses the two (C, O, S, V, W, X, Z: "mit Sozialpädagogischer Begleitung"); else none.
 */
export function withSmallInitial(word: string): string | undefined {
  const bare = bareWord(word);
  return /^[COSVWXZ]\p{Ll}/u.test(bare) ? `${bare.charAt(0).toLocaleLowerCase('de')}${bare.slice(1)}` : undefined;
}

export class GermanLexicon implements Lexicon {
  private readonly extra: NameWords;
  /**
   * What words and compounds were found to be: taking a compound apart looks its parts up many times
   * over. Bounded, since an owner process lives for many documents.
   */
  private readonly wholes = new Map<string, boolean>();
  private readonly compounds = new Map<string, boolean>();

  constructor(private readonly spell: SpellingList, extraWords: Iterable<string> = knownNameWords()) {
    this.extra = new NameWords(extraWords);
  }

  /**
   * Whether the word is German, or a name the lexicon holds: as it stands, as a compound of known words,
   * and in each part of a hyphenated word ("Main-Kinzig-Kreis"); a part cut at a hyphen
   * ("Ausbildungs-" in "Ausbildungs- und Qualifizierungsbudget") as the compound's first part.
   */
  knows(word: string): boolean {
    const bare = bareWord(word);
    if (!bare) return true;
    // Abbreviations are listed with their period ("Dr.", "Str.").
    if (/^[^\p{L}]*\p{L}+\./u.test(word) && this.spell.correct(`${bare}.`)) return true;
    const parts = bare.split('-').filter(Boolean);
    return parts.length > 0 && parts.every((part) => this.knowsWhole(part) || this.knowsCompound(part));
  }

  /**
   * Whether the dictionary or the names hold the word (each part of a hyphenated one) as it stands, in
   * its case or with its initial changed: a compound the lexicon only knows by taking it apart is not
   * listed. Taking words apart lets a misreading pass for a compound now and then ("Alteinerziehende",
   * "Alt" + "einerziehende"); a listed word is what German writes.
   */
  lists(word: string): boolean {
    const parts = bareWord(word).split('-').filter(Boolean);
    return parts.length > 0 && parts.every((part) => this.knowsPart(part));
  }

  writesSmall(word: string): boolean {
    const small = withSmallInitial(word);
    return small !== undefined && this.spell.correct(small);
  }

  private knowsWhole(word: string): boolean {
    const known = this.wholes.get(word);
    if (known !== undefined) return known;
    const result = this.extra.has(word) || this.spell.correct(word);
    remember(this.wholes, word, result);
    return result;
  }

  private knowsPart(part: string): boolean {
    return this.knowsWhole(part) || this.knowsWhole(capitalised(part)) || this.knowsWhole(part.toLocaleLowerCase('de'));
  }

  private knowsCompound(word: string): boolean {
    const known = this.compounds.get(word);
    if (known !== undefined) return known;
    const result = this.splits(word.toLocaleLowerCase('de'), 0, 0);
    remember(this.compounds, word, result);
    return result;
  }

  /** Whether `word` from `start` on is a sequence of known parts, each but the last followed by a link. */
  private splits(word: string, start: number, parts: number): boolean {
    if (parts >= MAX_PARTS) return false;
    for (let end = word.length; end - start >= MIN_PART_LENGTH; end--) {
      const part = word.slice(start, end);
      if (end === word.length) {
        if (parts > 0 && this.knowsPart(part)) return true;
        continue;
      }
      if (!this.knowsPart(part)) continue;
      for (const link of LINKS) {
        if (!word.startsWith(link, end)) continue;
        const next = end + link.length;
        if (word.length - next >= MIN_PART_LENGTH && this.splits(word, next, parts + 1)) return true;
      }
    }
    return false;
  }
}

/**
 * The lexicon with a document's own words added, those its text layer holds: a scanned page of a
 * document that has others with text is checked against them too.
 */
export function withDocumentWords(lexicon: Lexicon, words: Iterable<string>): Lexicon {
  const own = new NameWords(words);
  if (own.size === 0) return lexicon;
  return { knows: (word) => own.has(word) || lexicon.knows(word), writesSmall: (word) => lexicon.writesSmall(word) };
}

/** Letters from which a word written as German words are is long enough for a misread letter in it to make a non-word. */
const LONG_WORD_LETTERS = 6;

/**
 * Whether the word has `minimumLetters` letters or more and is written as German words are,
 * capitalised at most at the start of each of its hyphenated parts ("Waldeck-Erankenberg"): not an
 * acronym or a name with capitals inside ("TAff", "JobBrücke").
 */
export function isPlainWord(bare: string, minimumLetters: number): boolean {
  const plain = bare.split('-').every((part) => !/\p{Lu}/u.test(part.slice(1)));
  return plain && (bare.match(/\p{L}/gu) ?? []).length >= minimumLetters;
}

/** A plain word (`isPlainWord`) of `LONG_WORD_LETTERS` letters or more. */
export const isPlainLongWord = (bare: string) => isPlainWord(bare, LONG_WORD_LETTERS);

/** The paths of values that are persons' names, which no lexicon holds. */
export const PERSON_NAME_PATH = /^agreement\.signatures\[\d+\]\.name$/;

/** The word without the punctuation around it; empty when it has no letter (figures, dashes, specks). */
export function bareWord(word: string): string {
  const bare = word.replace(/^[^\p{L}\d]+|[^\p{L}\d]+$/gu, '');
  return /\p{L}/u.test(bare) ? bare : '';
}

/** The answers a lookup gave for the words it was asked about, as a lexicon of those words (any other is unknown). */
export function answeredLexicon(
  words: readonly string[],
  known: readonly boolean[],
  capitalised: readonly string[] = [],
  writtenSmall: readonly boolean[] = [],
): Lexicon {
  const knownWords = new Set(words.filter((_, index) => known[index]));
  const smallWords = new Set(capitalised.filter((_, index) => writtenSmall[index]));
  return { knows: (word) => !bareWord(word) || knownWords.has(word), writesSmall: (word) => smallWords.has(word) };
}
