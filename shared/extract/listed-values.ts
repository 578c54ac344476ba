import { distance } from 'fastest-levenshtein';
import { GEBIETSKOERPERSCHAFTEN } from '../data/gebietskoerperschaften.js';
import { STANDARD_MEASURE_TYPES } from '../data/measure-types.js';
import { MINISTRIES } from '../data/ministries.js';
import { KNOWN_PROJECTS } from '../data/projects.js';
import { MONTHS } from './dates.js';
import { foldForComparison } from './normalize.js';
import { ALL_OFFICES, KNOWN_PLACES, OFFICE_HOLDERS } from './signatures.js';

/**
 * Values of the closed lists the project knows: the offices of those who sign, the ministry's office
 * holders and names, Hesse's Landkreise and kreisfreie Städte and the places they sign at, the standard
 * measure types and the projects counties fund year after year. Where OCR read such a value so that it
 * can stand for no other entry, the list says what the value is, and OCR's confidence in the letters
 * adds nothing: tesseract is unsure of "ÜSBZ", "Grüttner" and "Rheingau-" whatever it reads.
 */

/**
 * Letters and figures alone, in small letters, their umlauts kept: the dots tell "ÜSBZ" from "USBZ",
 * and a misreading changes letters, not spacing or dashes.
 */
export const lettersOf = (text: string) => text.toLocaleLowerCase('de').replace(/ß/gu, 'ss').replace(/[^\p{L}\d]/gu, '');

const MINISTRY_NAMES: readonly string[] = MINISTRIES.map((ministry) => ministry.name);
const RECIPIENT_NAMES: readonly string[] = GEBIETSKOERPERSCHAFTEN.map((recipient) => recipient.name);

/** The list a value at a path may come from. */
function listAt(path: string): readonly string[] | undefined {
  if (/^agreement\.signatures\[\d+\]\.title$/.test(path)) return ALL_OFFICES;
  if (/^agreement\.signatures\[\d+\]\.name$/.test(path)) return OFFICE_HOLDERS;
  if (/^agreement\.signatures\[\d+\]\.place$/.test(path)) return KNOWN_PLACES;
  if (path === 'agreement.parties[0].name') return MINISTRY_NAMES;
  if (path === 'agreement.parties[1].name') return RECIPIENT_NAMES;
  if (/^agreement\.measures\[\d+\]\.title$/.test(path)) return STANDARD_MEASURE_TYPES;
  if (/^agreement\.measures\[\d+\]\.projects\[\d+\]$/.test(path)) return KNOWN_PROJECTS;
  return undefined;
}

/** Letters from which a reading may be a letter off its entry and still stand for it alone; a shorter one must be exact. */
const NEAR_ENTRY_LETTERS = 8;
/** How many more letters another entry must be from the reading than its own, for the reading to stand for its own alone. */
const MARGIN = 3;

/**
 * Whether the value at `path` is an entry of its list, or one of `namesKnown` (the names of its field that
 * records known to be right hold, shared/validate/known-names.ts: lists that grow with the archive), that
 * the reading `read` stands for unmistakably:
 * read exactly, or a letter off in a long entry ("Oberbirgermeisterin", "Stefan Grütiner"), and every
 * other entry at least `MARGIN` letters further from the reading. An entry that is this one's shorter
 * form ("Oberbürgermeister" of "Oberbürgermeisterin") is no rival where the reading holds the letters
 * it lacks: OCR loses letters from a word's end, it does not add them. The reverse stands: "Landrat"
 * read may be "Landrätin" with its ending lost, and stays in doubt.
 */
export function readAsListedValue(path: string, value: string, read: string, namesKnown: readonly string[] = []): boolean {
  const list = [...(listAt(path) ?? []), ...namesKnown];
  if (!list.includes(value)) return false;
  const written = read.replace(/^(?:Der|Die)\s+/u, '');
  const entryLetters = lettersOf(value);
  const own = distance(lettersOf(written), entryLetters);
  if (own > (entryLetters.length >= NEAR_ENTRY_LETTERS ? 1 : 0)) return false;
  // Rivals are weighed without umlaut dots, which OCR loses as easily as it keeps them: "Landrat" is as
  // near "Landrätin" as "Landratin" is.
  const [reading, entry] = [foldForComparison(written), foldForComparison(value)];
  return list.every((other) => {
    const rival = foldForComparison(other);
    if (other === value) return true;
    const shorterForm = entry.startsWith(rival) && reading.endsWith(entry.slice(rival.length));
    return shorterForm || distance(reading, rival) >= own + MARGIN;
  });
}

/**
 * Whether a word of a date (`isoDate`, "2016-04-16") is the name of its month, read exactly, with every
 * other month's name at least `MARGIN` letters from it: the months are a closed list, which says what
 * the word is, as a list says what its entry is ("April" read at 31 % in a signature's date; not "Juni",
 * a letter from "Juli").
 */
export function readAsMonthOf(word: string, isoDate: string): boolean {
  const name = word.toLocaleLowerCase('de');
  const month = MONTHS[name];
  if (month === undefined || month !== Number(isoDate.slice(5, 7))) return false;
  return Object.entries(MONTHS).every(([other, number]) => number === month || distance(name, other) >= MARGIN);
}

/** The text without umlaut dots. */
const withoutDots = (text: string) => text.normalize('NFD').replace(/\u0308/gu, '').normalize('NFC');

/**
 * The entry of the value's list that the value is but for the umlaut dots OCR lost ("USBZ" under a stamp
 * for the known project "ÜSBZ"): no entry itself, and its letters read sure, the value would pass.
 */
export function listedEntryButForDots(path: string, value: string): string | undefined {
  const list = listAt(path);
  if (!list || list.includes(value)) return undefined;
  return list.find((entry) => withoutDots(entry) === value);
}
