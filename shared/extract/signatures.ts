import { distance } from 'fastest-levenshtein';
import { GEBIETSKOERPERSCHAFTEN } from '../data/gebietskoerperschaften.js';
import { MINISTRIES } from '../data/ministries.js';
import type { PartyRole } from '../schema/record.js';
import { DATE_REST_AT_START, DATE_START_AT_END, GERMAN_DATE, parseGermanDate, toIsoDate, type WrittenDate } from './dates.js';
import type { LineGeometry } from '../pdf/text-layer.js';
import { type LineSpan, locate } from './evidence.js';
import { isNoiseLine } from './noise.js';
import { CELL_SEPARATOR } from '../pdf/text-layer.js';
import { foldForComparison, similarity } from './normalize.js';
import { NAME_MATCH_THRESHOLD } from './parties.js';

/**
 * Signature blocks: "Place, den Date", room for the signature, the signatory's name, their office and
 * organisation. Blocks stand one after another or side by side (cells of one line, separated by a tab);
 * OCR may also run two side-by-side blocks into one line, which the place-date pattern splits again.
 */

export interface SignatureBlock {
  party?: PartyRole;
  place: string;
  /** The date as written; absent where the block names its place but its date could not be read. */
  writtenDate?: WrittenDate;
  /** What stands where the date should be, when it could not be read as one ("den 28. Jüh 2025"). */
  unreadDate?: string;
  /** ISO date, absent when the written date does not exist in the calendar ("31.02.2025") or could not be read. */
  date?: string;
  name?: string;
  title?: string;
  /** The office the word read as the title is as near to as to `title`, for a person to tell (`readOffice`). */
  titleRival?: string;
  /** The lines the block was read from, for a reviewer. */
  source: string;
  /** Where each of the block's values was read. */
  sources: { place?: LineSpan[]; date?: LineSpan[]; name?: LineSpan[]; title?: LineSpan[] };
}

const PLACE = String.raw`(?<place>[A-ZÄÖÜ][\p{L}.()\/'’-]*(?: [\p{L}.()\/'’-]+){0,4}?)`;
/**
 * A place-date ends its line or is followed by the next column's place. OCR may read the comma after the
 * place as a semicolon or lose it before "den", and after the comma it may misspell "den" or "am"
 * ("dern", "dcn") or read a speck after it ("den.25.08.2025", "den-26.01.2022"), or after the date
 * ("04.05.2020."): any short lowercase word between the comma and the date takes their place.
 */
const PLACE_DATE = new RegExp(
  String.raw`${PLACE}(?:\s*[,;]\s*(?:\p{Ll}{2,4}(?:[-–.,:]\s*|\s+))?|\s+(?:den|am)\s+)(?<date>${GERMAN_DATE.source})(?=[.,]?\s*$|[.,]?\s+\p{Lu})`,
  'gud',
);
/**
 * Where agreements are signed: the ministry's seat and those of the 26, each also in the short form
 * people write ("Hofheim" for Hofheim am Taunus, "Bad Homburg" for Bad Homburg v. d. Höhe).
 */
export const KNOWN_PLACES = [
  ...new Set(['Wiesbaden', ...GEBIETSKOERPERSCHAFTEN.flatMap((entity) => [entity.seat, entity.seat.replace(/\s+(?:\(.*\)|am\s.*|a\.\s?d\.\s.*|v\.\s?d\.\s.*)$/, '')])]),
];

/** Offices of the people who sign these agreements, for the ministry and for counties and cities. */
export const OFFICES: Record<PartyRole, readonly string[]> = {
  funder: [
    'Staatsminister', 'Staatsministerin', 'Minister', 'Ministerin', 'Staatssekretär', 'Staatssekretärin',
    'Ministerialdirektor', 'Ministerialdirektorin', 'Ministerialdirigent', 'Ministerialdirigentin',
    'Abteilungsleiter', 'Abteilungsleiterin',
  ],
  recipient: [
    'Landrat', 'Landrätin', 'Oberbürgermeister', 'Oberbürgermeisterin', 'Bürgermeister', 'Bürgermeisterin',
    'Kreisbeigeordneter', 'Kreisbeigeordnete', 'Beigeordneter', 'Beigeordnete', 'Stadtrat', 'Stadträtin',
    'Stadtkämmerer', 'Stadtkämmerin', 'Dezernent', 'Dezernentin', 'Sozialdezernent', 'Sozialdezernentin',
  ],
};
/** Every office, of either party. */
export const ALL_OFFICES: readonly string[] = [...OFFICES.funder, ...OFFICES.recipient];
/** How close a misread word must be to an office to count as it ("Staatsministenin"). */
const OFFICE_SIMILARITY = 0.85;
const FUNDER_ORGANISATION = /Ministeri|Sozialministeri|\bLand\s+Hessen\b/i;
const RECIPIENT_ORGANISATION = /Kreis|Stadt|Magistrat/i;
const NAME_PART = String.raw`[A-ZÄÖÜ][a-zäöüßé]+(?:-[A-ZÄÖÜ][a-zäöüßé]+)?`;
const PERSON_NAME = new RegExp(
  String.raw`^(?:(?:Dr|Prof)\.\s?(?:(?:med|phil|jur|rer\.\s?nat|h\.\s?c)\.\s?)*)*(?:${NAME_PART}\.?\s+){1,3}(?:(?:von|van|vom|zu|de|von\s+der)\s+)?${NAME_PART}$`,
  'u',
);
/** Words of organisations and page furniture, which look like names but are none. */
const NOT_A_NAME = /^(?:Hessisch|Minist|Sozialminist|Landkreis|Kreis|Stadt|(?:Landeshaupt|Wissenschafts|Universitäts|Kreis|Hanse)stadt|Magistrat|Seite|Zielvereinbarung|Der$|Die$|Das$|Für$|Und$)/;
const REPRESENTATION_PREFIX = /^(?:gez\.|i\.\s?V\.|i\.\s?A\.|In\s+Vertretung|Im\s+Auftrag)\s*/i;

interface Office {
  title: string;
  party: PartyRole;
  /**
   * Another office the word read is as near to, or a letter further from, where it is no office as
   * written: a misread ending does not say which of the two it was ("Staatsministerm" is "Staatsminister"
   * with an "m" added or "Staatsministerin" with its "in" read as one "m"). Or another office the word
   * may be the end of, where it was read without the capital every office begins with: OCR lost the
   * line's first letters, under a stamp or at a cut ("inisterin" may be "Ministerin" or "Staatsministerin").
   */
  rival?: string;
}

/**
 * The office a line names, spelled correctly even where OCR misread a letter: "Landrat",
 * "Erste Kreisbeigeordnete", "Die Oberbürgermeisterin" (article dropped), "Minister für …"; with its
 * rival where the misread word could be either of two (`Office.rival`), unless one of the two is `held`,
 * the office the block's signatory is known to hold: "Staatsministern" under "Heike Hofmann" is her
 * office, "Staatsministerin".
 */
export function readOffice(line: string, held?: string): Office | undefined {
  const words = line.trim().split(/\s+/);
  let index = /^(?:Der|Die)$/.test(words[0] ?? '') ? 1 : 0;
  const prefix = /^(?:Erste[rn]?|Hessische[rn]?)$/.test(words[index] ?? '') ? words[index++] : undefined;
  const word = foldForComparison(words[index] ?? '');
  if (word.length < 5) return undefined;
  let best: { office: string; party: PartyRole; score: number } | undefined;
  for (const party of ['funder', 'recipient'] as const) {
    for (const office of OFFICES[party]) {
      const score = similarity(word, foldForComparison(office));
      if (!best || score > best.score) best = { office, party, score };
    }
  }
  if (!best || best.score < OFFICE_SIMILARITY) return undefined;
  const rest = words.slice(index + 1).join(' ');
  const own = distance(word, foldForComparison(best.office));
  const misread = own === 0 ? undefined : ALL_OFFICES.find((office) => office !== best.office && distance(word, foldForComparison(office)) <= own + 1);
  const cut = /^\p{Ll}/u.test(words[index] ?? '') ? ALL_OFFICES.find((office) => office !== best.office && foldForComparison(office).endsWith(word)) : undefined;
  const rival = misread ?? cut;
  const settled = rival !== undefined && held === rival ? rival : best.office;
  const title = [prefix, settled, /^für\s/.test(rest) ? rest : undefined].filter(Boolean).join(' ');
  return { title, party: best.party, ...(rival && held !== rival && held !== best.office ? { rival } : {}) };
}

function isOffice(line: string): boolean {
  return readOffice(line) !== undefined;
}

/**
 * The person's name in a line, with OCR's stray marks around it left out ("Monika Jäger eo"). A line
 * that opens with an article in the genitive or dative names an organisation ("der Landeshauptstadt
 * Wiesbaden"), not a person.
 */
export function personNameIn(line: string): string | undefined {
  if (/^(?:der|des|dem)\s/u.test(line.trim())) return undefined;
  // A period, colon or comma after a whole name is OCR's ("Dr. Andrea. Krämer", "Heike: Hofmann");
  // initials and "Dr." keep their periods.
  const tokens = line
    .trim()
    .split(/\s+/)
    .map((token) => (/^\p{Lu}\p{Ll}{2,}[.:,]$/u.test(token) && !/^(?:Prof|Dipl)\.$/.test(token) ? token.slice(0, -1) : token));
  for (let start = 0; start < tokens.length; start++) {
    for (let end = tokens.length; end >= start + 2; end--) {
      const candidate = tokens.slice(start, end).join(' ');
      if (PERSON_NAME.test(candidate) && !tokens.slice(start, end).some((token) => NOT_A_NAME.test(token))) return candidate;
    }
  }
  return undefined;
}

interface PlaceDate {
  place: string;
  writtenDate?: WrittenDate;
  unreadDate?: string;
  /** Where in the cell the place (or the text it was recognised in) and the date stand: [start, end). */
  placeAt: [number, number];
  dateAt: [number, number];
}

export function findPlaceDates(cell: string): PlaceDate[] {
  const found: PlaceDate[] = [];
  let previousEnd = 0;
  for (const match of cell.matchAll(PLACE_DATE)) {
    const writtenDate = parseGermanDate(match.groups?.date ?? '');
    const written = (match.groups?.place ?? '').replace(/^(?:Ort|Datum)[^:]*:\s*/i, '').trim();
    const placeEnd = match.index + (match.groups?.place ?? '').length;
    const before = cell.slice(previousEnd, placeEnd);
    const known = knownPlaceEndingIn(before, written) ?? knownSpelling(written);
    const placeAt: [number, number] = known ? [previousEnd, placeEnd] : (match.indices?.groups?.place ?? [match.index, placeEnd]);
    const dateAt = match.indices?.groups?.date ?? [match.index, match.index + match[0].length];
    previousEnd = match.index + match[0].length;
    const place = known ?? written;
    if (writtenDate && place && !/\d/.test(place)) found.push({ place, writtenDate, placeAt, dateAt });
  }
  return found;
}

/** Whether agreements are signed at this place: the ministry's seat or the seat of one of the 26. */
export function isKnownPlace(place: string): boolean {
  return KNOWN_PLACES.includes(place);
}

/** The known place a place as read is, spelt as it should be, where OCR misread a letter ("Wiesbäden"). */
function knownSpelling(written: string): string | undefined {
  const folded = foldForComparison(written);
  if (KNOWN_PLACES.includes(written) || folded.length < 4) return undefined;
  return KNOWN_PLACES.find((place) => similarity(folded, foldForComparison(place)) >= NAME_MATCH_THRESHOLD);
}

/** The people who have held the ministry's offices and signed its agreements, each with the office they held. */
const OFFICE_HELD = new Map(MINISTRIES.flatMap((ministry) => ministry.officeHolders.map((holder) => [holder.name, holder.office] as const)));
export const OFFICE_HOLDERS = [...OFFICE_HELD.keys()];

/**
 * The name of the ministry's signatory spelt as its office holder's, where OCR misread one letter of it
 * ("Stefan Grütiner", "Anne Jamz") and only one of them is that close; any other name stays as read.
 */
export function officeHolderSpelling(name: string): string {
  const folded = foldForComparison(name);
  const near = OFFICE_HOLDERS.filter((holder) => distance(folded, foldForComparison(holder)) <= 1);
  return near.length === 1 ? near[0]! : name;
}

/** "Place, <something that is no date>": where a signature block starts whose date OCR garbled past reading. */
const PLACE_BEFORE_UNREAD_DATE = /^(?:(?:Ort|Datum)[^:]*:\s*)?(?<place>[A-ZÄÖÜ][\p{L}.()\/'’-]*(?: [\p{L}.()\/'’-]+){0,4}?)\s*[,;]\s*(?<rest>\S.{0,29})$/u;

/**
 * A signature block's first line whose place is one agreements are signed at but whose date could not be
 * read: the place and a short rest with a digit or the "den" of a date in it, and no date in the cell.
 */
export function findPlaceWithoutDate(cell: string): PlaceDate | undefined {
  const match = PLACE_BEFORE_UNREAD_DATE.exec(cell.trim());
  const written = match?.groups?.place ?? '';
  const rest = match?.groups?.rest ?? '';
  if (!match || findPlaceDates(cell).length > 0 || !/\d|^(?:den|am)\b/.test(rest)) return undefined;
  const folded = foldForComparison(written);
  const place = KNOWN_PLACES.find((known) => similarity(folded, foldForComparison(known)) >= NAME_MATCH_THRESHOLD);
  if (!place) return undefined;
  const offset = cell.indexOf(cell.trim());
  const placeStart = offset + cell.trim().indexOf(written);
  const restStart = offset + cell.trim().lastIndexOf(rest);
  return { place, unreadDate: rest, placeAt: [placeStart, placeStart + written.length], dateAt: [restStart, restStart + rest.length] };
}

/**
 * A known place the text before a date ends in when OCR has put punctuation into it ("Bad Homburg,
 * v. d, Höhe" leaves only "Höhe" to the place pattern); undefined when the place as written is one.
 */
function knownPlaceEndingIn(before: string, written: string): string | undefined {
  const foldedWritten = foldForComparison(written);
  if (KNOWN_PLACES.some((place) => foldForComparison(place) === foldedWritten)) return undefined;
  const folded = foldForComparison(before);
  return KNOWN_PLACES.find((place) => {
    const target = foldForComparison(place);
    return target.length > foldedWritten.length && similarity(folded.slice(-target.length), target) >= NAME_MATCH_THRESHOLD;
  });
}

/** A line of a signature block's body (one column of it), and the stretch of the document's lines it stands at. */
interface BodyLine {
  text: string;
  region: LineSpan[];
}

function readBlock(start: PlaceDate, startRegions: { place: LineSpan[]; date: LineSpan[] }, body: readonly BodyLine[], allLines: readonly string[]): SignatureBlock {
  const lines = body.map((line) => ({ ...line, text: line.text.replace(REPRESENTATION_PREFIX, '').trim() })).filter((line) => line.text);
  const officeIndex = lines.findIndex((line) => isOffice(line.text));
  const named = (candidates: readonly BodyLine[]) => candidates.map((line) => ({ line, name: personNameIn(line.text) })).find(({ name }) => name);
  const nameBefore = named(lines.slice(0, Math.max(0, officeIndex)).reverse());
  const nameAfter = named(lines.slice(officeIndex + 1, officeIndex + 3));
  const name = officeIndex >= 0 ? (nameBefore ?? nameAfter) : named(lines);
  const holderSpelling = name?.name ? officeHolderSpelling(name.name) : undefined;
  const office = officeIndex >= 0 ? readOffice(lines[officeIndex]?.text ?? '', holderSpelling && OFFICE_HELD.get(holderSpelling)) : undefined;
  const organisation = lines.slice(Math.max(0, officeIndex) + 1).map((line) => line.text).join(' ');
  let party: PartyRole | undefined = office?.party;
  if (!party && FUNDER_ORGANISATION.test(organisation)) party = 'funder';
  else if (!party && RECIPIENT_ORGANISATION.test(organisation)) party = 'recipient';
  const where = (line: BodyLine | undefined, value: string | undefined) => (line && value ? (locate(allLines, line.region, value) ?? line.region) : undefined);
  return {
    party,
    place: start.place,
    ...(start.writtenDate ? { writtenDate: start.writtenDate, date: toIsoDate(start.writtenDate) } : { unreadDate: start.unreadDate }),
    name: party === 'funder' ? holderSpelling : name?.name,
    title: office?.title,
    ...(office?.rival ? { titleRival: office.rival } : {}),
    source: [`${start.place}, ${start.writtenDate?.text ?? start.unreadDate ?? ''}`, ...lines.map((line) => line.text)].join(' | '),
    sources: {
      place: locate(allLines, startRegions.place, start.place) ?? startRegions.place,
      date: startRegions.date,
      name: where(name?.line, name?.name),
      title: where(lines[officeIndex], office?.title),
    },
  };
}

const BLOCK_BODY_LINES = 9;

/** The lines with wrapped dates rejoined, and how to find a stretch of them in the lines as they were. */
interface RejoinedLines {
  lines: string[];
  /** Where characters `start` to `end` of rejoined line `line` stand in the lines as they were. */
  original: (line: number, start: number, end: number) => LineSpan[];
}

/**
 * The lines with the rest of a wrapped date moved back up to its start: "Lauterbach (Hessen), den
 * 5. Februar" followed by "2025", "…, den 23." followed by "September 2014", or "…, den" followed by
 * "22.7.2012" become one line when the two halves make a date; the line that held the rest keeps
 * whatever else it held. The rest may stand after a blank line: OCR sets a year read apart from its
 * line as a paragraph of its own ("…, den 10. September", "", "2013").
 */
function rejoinWrappedDates(lines: readonly string[]): RejoinedLines {
  const joined = [...lines];
  /** For a line that gave its start to a line above, how many of its characters it gave. */
  const given = new Map<number, number>();
  /** For a line that took the rest of its date from a line below, which line that was. */
  const giver = new Map<number, number>();
  for (let index = 0; index + 1 < joined.length; index++) {
    const start = DATE_START_AT_END.exec(joined[index] ?? '');
    if (!start) continue;
    const next = joined[index + 1]?.trim() === '' && index + 2 < joined.length ? index + 2 : index + 1;
    const rest = DATE_REST_AT_START.exec(joined[next] ?? '');
    if (rest && parseGermanDate(`${start[0].trim()} ${rest[0].trim()}`)) {
      joined[index] = `${joined[index]!.trimEnd()} ${rest[0].trim()}`;
      const remainder = joined[next]!.slice(rest[0].length);
      joined[next] = remainder.trim();
      given.set(next, (lines[next]?.length ?? 0) - remainder.trimStart().length);
      giver.set(index, next);
    }
  }
  const original = (line: number, start: number, end: number): LineSpan[] => {
    const skipped = given.get(line) ?? 0;
    const ownLength = (lines[line]?.length ?? 0) - skipped;
    const spans: LineSpan[] = [];
    if (start < ownLength) spans.push({ line, start: start + skipped, end: Math.min(end, ownLength) + skipped });
    // What lies past the line's own text (and the space that joined them) is the start of the line that gave it.
    const from = giver.get(line);
    if (from !== undefined && end > ownLength + 1) spans.push({ line: from, start: Math.max(0, start - ownLength - 1), end: end - ownLength - 1 });
    return spans;
  };
  return { lines: joined, original };
}

/**
 * Whether the line is a person's name and nothing else, each name of three letters or more with a vowel
 * ("Ulrike Hoffmann"): OCR may be as unsure of a name as of a scribble, but a scribble does not read so.
 */
function readsAsPersonName(line: string): boolean {
  const name = personNameIn(line);
  if (name !== line.trim()) return false;
  return name.split(/\s+/).every((part) => /\.$/.test(part) || (/^\p{Lu}\p{Ll}{2,}(?:-\p{Lu}\p{Ll}{2,})?$/u.test(part) && /[aeiouäöüy]/u.test(part)));
}

/**
 * Reads every signature block from `fromLine` on; parties are assigned by office, then by order. What
 * OCR read from a scribble or stamp (see `isNoiseLine`) is no line of a block, unless it reads as a
 * person's name (`readsAsPersonName`) or an office (`readOffice`): that is the signatory's, however
 * unsure OCR was of it ("Oberhirgermeister" at 55 %), and its value goes to review by its words'
 * confidence.
 */
export function extractSignatures(allLines: readonly string[], fromLine = 0, geometry: readonly (LineGeometry | undefined)[] = []): SignatureBlock[] {
  const { lines, original } = rejoinWrappedDates(allLines);
  const blocks: SignatureBlock[] = [];
  for (let index = fromLine; index < lines.length; index++) {
    const cells = (lines[index] ?? '').split(CELL_SEPARATOR);
    let cellStart = 0;
    const starts = cells.flatMap((cell) => {
      const dated = findPlaceDates(cell);
      const undated = dated.length === 0 ? findPlaceWithoutDate(cell) : undefined;
      const found = (undated ? [undated] : dated).map((start) => ({
        start,
        regions: {
          place: original(index, cellStart + start.placeAt[0], cellStart + start.placeAt[1]),
          date: original(index, cellStart + start.dateAt[0], cellStart + start.dateAt[1]),
        },
      }));
      cellStart += cell.length + 1;
      return found;
    });
    if (starts.length === 0) continue;
    const bodies: BodyLine[][] = starts.map(() => []);
    let next = index + 1;
    for (; next < lines.length && next <= index + BLOCK_BODY_LINES; next++) {
      const row = lines[next] ?? '';
      if (isNoiseLine(row, geometry[next]) && !readsAsPersonName(row) && !isOffice(row)) continue;
      // Cells without a word of three letters are specks and scribbles, not text.
      let rowCells = row.split(CELL_SEPARATOR).flatMap((cell) => cell.split(/ {3,}/)).filter((cell) => /\p{L}{3}/u.test(cell));
      if (starts.length === 2 && rowCells.length !== 2) rowCells = rowCells.flatMap((cell) => splitSideBySide(cell) ?? [cell]);
      if (rowCells.some((cell) => findPlaceDates(cell).length > 0 || findPlaceWithoutDate(cell))) break;
      let cursor = 0;
      const placed = rowCells.map((text): BodyLine => {
        const at = Math.max(0, row.indexOf(text, cursor));
        cursor = at + text.length;
        return { text, region: original(next, at, at + text.length) };
      });
      if (starts.length === 1) {
        bodies[0]?.push({ text: rowCells.join(' '), region: placed.flatMap((cell) => cell.region) });
      } else if (placed.length === starts.length) {
        placed.forEach((cell, column) => bodies[column]?.push(cell));
      } else if (placed.length > 0) {
        // A row with fewer cells than columns: give it to the leftmost column still lacking an office.
        const column = bodies.findIndex((body) => !body.some((line) => isOffice(line.text)));
        if (column >= 0) bodies[column]?.push({ text: rowCells.join(' '), region: placed.flatMap((cell) => cell.region) });
      }
    }
    starts.forEach(({ start, regions }, column) => blocks.push(readBlock(start, regions, bodies[column] ?? [], allLines)));
    index = next - 1;
  }
  assignParties(blocks);
  return blocks;
}

/**
 * Splits a line that runs two side-by-side columns together without a visible gap ("Stefan Grüttner
 * Stefan Braun", "Staatsminister Oberbürgermeister") where both halves are of the same kind: two
 * offices, or two names of balanced length. Lines that do not split that way stay whole.
 */
export function splitSideBySide(row: string): [string, string] | undefined {
  const words = row.trim().split(/\s+/);
  const splits = words.slice(1).map((_, index) => [words.slice(0, index + 1).join(' '), words.slice(index + 1).join(' ')] as [string, string]);
  const offices = splits.find(([left, right]) => isOffice(left) && isOffice(right) && !/^(?:Erste[rn]?|Hessische[rn]?|Der|Die)$/.test(left.split(' ').at(-1) ?? ''));
  if (offices) return offices;
  const names = splits
    .filter(([left, right]) => personNameIn(left) === left && personNameIn(right) === right)
    .sort((a, b) => Math.abs(a[0].length - a[1].length) - Math.abs(b[0].length - b[1].length));
  return names[0];
}

/** Blocks whose party their office or organisation did not reveal take the one still free, funder first. */
function assignParties(blocks: SignatureBlock[]): void {
  for (const block of blocks) {
    if (block.party) continue;
    const taken = new Set(blocks.map((other) => other.party).filter(Boolean));
    block.party = taken.has('funder') ? 'recipient' : 'funder';
  }
}
