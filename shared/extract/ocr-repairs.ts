import { distance } from 'fastest-levenshtein';
import { GEBIETSKOERPERSCHAFTEN } from '../data/gebietskoerperschaften.js';
import { MONTHS } from './dates.js';
import { CELL_SEPARATOR } from '../pdf/text-layer.js';
import { withoutMarkerRunIn } from './normalize.js';

/**
 * What OCR gets wrong in the characters of a line, and how each is set right: every repair of OCR's
 * reading, in one place. `repairDigits` runs on every text (text layers made by OCR software carry its
 * letter-for-digit confusions too); the steps of `OCR_REPAIRS` run, in their order, on the lines OCR read.
 */

/**
 * OCR reads 0 as O or o and 1 as l or I. Inside a run of digits and digit separators the letter cannot be
 * meant, so it is replaced there and only there ("1.O18.91O" becomes "1.018.910", "Soll" stays).
 */
export function repairDigits(text: string): string {
  const confusable = /(?<=\d[.,]?)[Oo]|[Oo](?=[.,]?\d)|(?<=\d[.,]?)[lI|]|[lI|](?=[.,]?\d{2})/g;
  let previous: string;
  let current = text;
  do {
    previous = current;
    current = current.replace(confusable, (letter) => ('Oo'.includes(letter) ? '0' : '1'));
  } while (current !== previous);
  return current;
}

/**
 * OCR reads a capital J as a closing bracket, often split from the rest of its word ("] ugend"), or
 * run into the word before it ("Kompetenzagentur] ugend"): no German word starts with a bracket, and
 * one closes only after what it encloses, which a bracket no "[" opened before it does not. Runs before
 * the junk at a cell's edges is dropped, which a bracket standing alone would be.
 */
export function restoreCapitalJ(line: string): string {
  return line
    .replace(/(?<![\p{L}\p{N}\])])\] ?(?=\p{Ll}{2})/gu, 'J')
    .replace(/(?<=\p{L})\] ?(?=\p{Ll}{2})/gu, (bracket, offset: number, text: string) => (text.slice(0, offset).includes('[') ? bracket : ' J'));
}

/** Tokens OCR makes of specks, stamp edges and scribbles: stray punctuation and lone symbols. */
const JUNK_TOKEN = /^[|¦;:_©®°¬~^`'‘’‚“”"„»«<>{}[\]\\/.,*+=•·]+$/;

/**
 * Removes what OCR reads into the margins of a line: junk tokens at either end of each cell, and cells
 * that hold nothing but junk or a single stray letter. Text inside a cell is left alone.
 */
export function dropOcrJunk(line: string): string {
  return line
    .split(CELL_SEPARATOR)
    .map((cell) => {
      const tokens = cell.trim().split(/\s+/);
      while (tokens.length > 1 && JUNK_TOKEN.test(tokens[0] ?? '') && !/^[-–•]$/.test(tokens[0] ?? '')) tokens.shift();
      while (tokens.length > 0 && JUNK_TOKEN.test(tokens.at(-1) ?? '')) tokens.pop();
      const text = tokens.join(' ');
      return /^(?:\p{L}|[^\p{L}\p{N}]+)$/u.test(text) && !/^[-–•]$/.test(text) ? '' : text;
    })
    .filter(Boolean)
    .join(CELL_SEPARATOR);
}

/**
 * OCR reads the German dash (Gedankenstrich, "–") as a hyphen, a double hyphen or an equals sign, and
 * the German closing quote (“) as the English one (”). Between two words with spaces on both sides none
 * of those is meant, and a quote opened with „ closes with “, so both are set right again; so is a word
 * split after its capital.
 */
export function restoreDashes(line: string): string {
  return line
    .replace(/(?<=\S) (?:--|[-—=]) (?=\S)/g, ' – ')
    // A dash that lost the space on one side: "TAff- Teilzeit", "Arbeit -FiA". A hyphen that ends a word
    // before a space is a suspended one only before a lower-case word ("Ausbildungs- und").
    .replace(/(?<=\p{L})[-—=] (?=\p{Lu})/gu, ' – ')
    .replace(/(?<=\p{L}) [-—=](?=\p{L})/gu, ' – ')
    .replace(/„([^„“”"]*)[”"]/g, '„$1“')
    // A capital standing alone before a lower-case word is a word OCR split ("J ugend").
    .replace(/(?<![\p{L}.])(\p{Lu}) (\p{Ll}{2,})/gu, '$1$2');
}

/** The hyphenated names of Hesse's Landkreise, kreisfreie Städte and their seats ("Main-Taunus-Kreis", "Groß-Gerau"). */
const HYPHENATED_NAMES = [
  ...new Set(GEBIETSKOERPERSCHAFTEN.flatMap((entity) => [entity.name, entity.core, ...(entity.shortCores ?? []), entity.seat]).flatMap((name) => name.split(/\s+/)).filter((word) => word.includes('-'))),
];
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Each hyphenated name with a dash, spaced or not, at each of its hyphens: "Main – Taunus – Kreises". */
const DASHED_NAMES = HYPHENATED_NAMES.map((name) => ({
  name,
  dashed: new RegExp(`(?<!\\p{L})${name.split('-').map(escaped).join(' ?[-–—=] ?')}`, 'gu'),
}));

/**
 * A hyphen OCR split a hyphenated name at ("Main-" "Taunus-" "Kreises"), which `restoreDashes` then took
 * for a dash that lost a space: in a name of the list it is the name's hyphen again.
 */
export function restoreNameHyphens(line: string): string {
  if (!/[-–—=]/.test(line)) return line;
  return DASHED_NAMES.reduce((repaired, { name, dashed }) => repaired.replace(dashed, name), line);
}

/** Words after which no sentence ends: a period OCR reads after one is a speck. */
const NEVER_SENTENCE_FINAL = 'und|oder|sowie|für|zur|zum|der|die|das|des|dem|den|im|in|mit|von';

/**
 * OCR reads specks in the wide gaps of justified text as periods ("Ausbildung und." / "Beschäftigung",
 * "Weiterbildungsmaßnahmen. für", "TAff –. Teilzeit", "1.,854.899", "in.Arbeit") and single quotes into
 * words ("Coaching'für"). A period after a word no sentence ends with or after a dash, or between a long
 * word and a lower-case one, is dropped (abbreviations are short), and so is a single quote without its
 * pair; a straight quote between two lower-case words stands where a space was.
 */
export function dropStrayPeriods(line: string): string {
  const cleaned = line
    .replace(new RegExp(`(?<![\\p{L}.])(${NEVER_SENTENCE_FINAL})\\.(?= |\\t|$)`, 'giu'), '$1')
    // The same where OCR lost the space after it ("und.der Stadt").
    .replace(new RegExp(`(?<![\\p{L}.])(${NEVER_SENTENCE_FINAL})\\.(?=\\p{Ll}{2})`, 'gu'), '$1 ')
    // Nothing is left out of one of those words either: an apostrophe after it is a speck ("und’ familiär").
    .replace(new RegExp(`(?<![\\p{L}.])(${NEVER_SENTENCE_FINAL})['’‘](?= |\\t|$)`, 'giu'), '$1')
    .replace(/(?<=\p{L}{4}) ?\.(?= \p{Ll})/gu, '')
    .replace(/(?<= [-–—])\.(?= )/gu, '')
    .replace(/(?<=\d)(?:\.,|,\.)(?=\d{3})/g, '.')
    // A period between two words where OCR lost the space ("in.Arbeit").
    .replace(/(?<=\p{Ll}{2})\.(?=\p{Lu}\p{Ll}{2})/gu, ' ')
    .replace(/(?<=\p{Ll}{2})'(?=\p{Ll}{2})/gu, ' ');
  // Low and high single quotes come in pairs (‚so‘); one without the other is a speck.
  if (cleaned.includes('‚') && cleaned.includes('‘')) return cleaned;
  return cleaned.replace(/‚(?=[\p{L}\p{N}])/gu, '').replace(/(?<=\p{L})‘(?=\s|$)/gu, '');
}

/**
 * OCR loses the narrow space of a light face between a short word and the noun after it ("Frauen
 * inArbeit"). German writes no capital inside a word that starts small, so a preposition, article or
 * conjunction run into a capitalised word is two words.
 */
export function restoreSpaceAfterShortWord(line: string): string {
  return line.replace(new RegExp(`(?<![\\p{L}.])(${NEVER_SENTENCE_FINAL})(?=\\p{Lu}\\p{Ll}{2})`, 'gu'), '$1 ');
}

/**
 * OCR loses the space between an amount and the currency after it ("1 422 739€"), narrow in a light
 * face; German sets one there (DIN 5008), and the amount's text is recorded as the document writes it.
 */
export function restoreSpaceBeforeCurrency(line: string): string {
  return line.replace(/(?<=\d)(?=€|(?:EUR|Euro)(?!\p{L}))/gu, ' ');
}

/** Short words that never carry an umlaut, and none of whose umlauted spellings is a German word ("öder" is, so "oder" is not here). */
const WORDS_WITHOUT_UMLAUT = ['und', 'von', 'zur', 'zum', 'das', 'auf', 'aus', 'nach', 'als', 'an', 'zu'];
const UMLAUTED = new Map(
  WORDS_WITHOUT_UMLAUT.flatMap((word) =>
    [...word].flatMap((letter, index) => {
      const umlaut = ({ a: 'ä', o: 'ö', u: 'ü' } as Record<string, string>)[letter];
      return umlaut ? [[`${word.slice(0, index)}${umlaut}${word.slice(index + 1)}`, word] as const] : [];
    }),
  ),
);
const UMLAUTED_WORD = new RegExp(`(?<!\\p{L})(?:${[...UMLAUTED.keys()].join('|')})(?!\\p{L})`, 'gu');

/** Specks OCR reads as an umlaut's dots over a word that has none ("ünd" → "und"). */
export function withoutStrayUmlauts(line: string): string {
  return line.replace(UMLAUTED_WORD, (word) => UMLAUTED.get(word) ?? word);
}

/** A word standing between a day and a year, where a month's name stands. */
const WORD_AS_MONTH = /(?<=\b\d{1,2}\s?[.,:;]\s?)(\p{Lu}\p{Ll}{3,8})(?=\.?\s+\d{4}(?!\d))/gu;
const FULL_MONTH_NAMES = Object.keys(MONTHS).filter((name) => name.length >= 4);

/**
 * A month's name OCR misread by one letter ("3. Janwar 2013"), spelt as it should be: only where it
 * stands between a day and a year, and only when one month alone is that close ("Jusi" could be Juni
 * or Juli, and stays as it is).
 */
export function restoreMonthNames(line: string): string {
  return line.replace(WORD_AS_MONTH, (word) => {
    const lower = word.toLowerCase();
    if (MONTHS[lower]) return word;
    const near = FULL_MONTH_NAMES.filter((name) => distance(name, lower) === 1);
    return near.length === 1 ? `${near[0]![0]!.toUpperCase()}${near[0]!.slice(1)}` : word;
  });
}


/**
 * A list item is a name, not sentences: a period between a word and the next one, a colon before a
 * lower-case word, or a bar, colon or underscore standing alone, is a speck OCR read in a wide gap
 * ("familiensorgenden. Tätigkeiten", "Integration: von", "Menschen | mit"); so is an underscore before a
 * word ("_Benachteiligte"), dashes and bars before the item's first word ("_- Produktionsschule"), and
 * a double quote before it that nothing in the item closes ("„Coaching für Geflüchtete"), a closing
 * bracket or a lone apostrophe run into its first word ("]JobBrücke", "'TAff"). Abbreviations ("Dr. Müller", "e. V.") are short and keep theirs;
 * German sets no space before a colon.
 */
export function withoutStrayPeriodsInItem(text: string): string {
  const quotes = text.match(/[„“”"]/gu) ?? [];
  const unquoted = quotes.length === 1 ? text.replace(/^[„“”"] ?(?=\p{L})/u, '') : text;
  return (
    unquoted
      .replace(/(?<=\p{Ll}{4})\.(?= \p{Lu})/gu, '')
      .replace(/(?<=\p{Ll}{4}):(?= \p{Ll})/gu, '')
      // A bar, colon or underscore standing alone between two words ("Menschen | mit : Migrationshintergrund _ in").
      .replace(/(?<=\p{L}) [|:_¦](?= \S)/gu, '')
      // No word begins with an underscore ("für _Benachteiligte").
      .replace(/(?<=^|\s)_+(?=\p{L})/gu, '')
      // Nor does an item: marks before its first word are a bullet with a speck OCR read beside it ("_- Produktionsschule").
      .replace(/^[-–—_|¦•·~]+\s+(?=\S)/u, '')
      // A closing bracket opens nothing: a bullet read so, run into the first word ("]JobBrücke").
      .replace(/^[\])}]+(?=\p{L})/u, '')
      // Nor does an apostrophe that nothing in the item pairs ("'TAff – …").
      .replace(/^['’‘](?=\p{L})(?!.*['’‘])/u, '')
  );
}

/** One repair of lines OCR read: what it sets right, and how. */
export interface OcrRepair {
  name: string;
  repair: (line: string, document: { pageCount: number }) => string;
}

/** In the order they run, each on the line as the one before left it. */
export const OCR_REPAIRS: readonly OcrRepair[] = [
  { name: 'a page marker run into the line', repair: (line, { pageCount }) => withoutMarkerRunIn(line, pageCount) },
  { name: 'a capital J read as a closing bracket', repair: restoreCapitalJ },
  { name: 'specks and stray letters at the edges of cells', repair: dropOcrJunk },
  { name: 'stray periods and single quotes', repair: dropStrayPeriods },
  { name: 'a space lost after a short word', repair: restoreSpaceAfterShortWord },
  { name: 'a space lost before a currency', repair: restoreSpaceBeforeCurrency },
  { name: 'dashes read as hyphens, closing quotes, capitals split from their words', repair: restoreDashes },
  { name: 'hyphens of a listed name read as dashes', repair: restoreNameHyphens },
  { name: 'umlaut dots over words that have none', repair: withoutStrayUmlauts },
  { name: 'month names misread by one letter', repair: restoreMonthNames },
];

/** A line OCR read, with every repair applied. */
export function repairOcrLine(line: string, document: { pageCount: number }): string {
  return OCR_REPAIRS.reduce((repaired, step) => step.repair(repaired, document), line);
}
