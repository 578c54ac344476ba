import type { PartyRole } from '../schema/record.js';
import { GERMAN_DATE, parseGermanDate, toIsoDate, type WrittenDate } from './dates.js';
import { CELL_SEPARATOR } from './normalize.js';

/**
 * Signature blocks: "Place, den Date", room for the signature, the signatory's name, their office and
 * organisation. Blocks stand one after another or side by side (cells of one line, separated by a tab);
 * OCR may also run two side-by-side blocks into one line, which the place-date pattern splits again.
 */

export interface SignatureBlock {
  party?: PartyRole;
  place: string;
  writtenDate: WrittenDate;
  /** ISO date, absent when the written date does not exist in the calendar ("31.02.2025"). */
  date?: string;
  name?: string;
  title?: string;
  /** The lines the block was read from, for a reviewer. */
  source: string;
}

const PLACE = String.raw`(?<place>[A-ZÄÖÜ][\p{L}.()\/'’-]*(?: [\p{L}.()\/'’-]+){0,4}?)`;
/** A place-date ends its line or is followed by the next column's place. */
const PLACE_DATE = new RegExp(
  String.raw`${PLACE}\s*,\s*(?:(?:den|am)\s+)?(?<date>${GERMAN_DATE.source})(?=\s*$|\s+\p{Lu})`,
  'gu',
);

/** Offices of the people who sign these agreements, for the ministry and for counties and cities. */
const FUNDER_OFFICE = /^(?:Hessische[rn]?\s+)?(?:Staatsminister(?:in)?|Minister(?:in)?|Staatssekretär(?:in)?|Ministerialdirektor(?:in)?|Ministerialdirigent(?:in)?|Abteilungsleiter(?:in)?)\b/i;
const RECIPIENT_OFFICE =
  /^(?:(?:Der|Die)\s+)?(?:Erste[rn]?\s+)?(?:Landrat|Landrätin|Oberbürgermeister(?:in)?|Bürgermeister(?:in)?|Kreisbeigeordnete[rn]?|Beigeordnete[rn]?|Stadtrat|Stadträtin|Stadtkämmerer(?:in)?|(?:Sozial|Kreis)?[Dd]ezernent(?:in)?|Kreisausschuss)\b/i;
const FUNDER_ORGANISATION = /Ministerium|Sozialministerium|\bLand\s+Hessen\b/i;
const RECIPIENT_ORGANISATION = /Kreis|Stadt|Magistrat/i;
const NAME_PART = String.raw`[A-ZÄÖÜ][a-zäöüßé]+(?:-[A-ZÄÖÜ][a-zäöüßé]+)?`;
const PERSON_NAME = new RegExp(
  String.raw`^(?:(?:Dr|Prof)\.\s?(?:(?:med|phil|jur|rer\.\s?nat|h\.\s?c)\.\s?)*)*(?:${NAME_PART}\.?\s+){1,3}(?:(?:von|van|vom|zu|de|von\s+der)\s+)?${NAME_PART}$`,
  'u',
);
const REPRESENTATION_PREFIX = /^(?:gez\.|i\.\s?V\.|i\.\s?A\.|In\s+Vertretung|Im\s+Auftrag)\s*/i;

function isOffice(line: string): boolean {
  return FUNDER_OFFICE.test(line) || RECIPIENT_OFFICE.test(line);
}

function officeText(line: string): string {
  return line.replace(/^(?:Der|Die)\s+/, '').trim();
}

interface PlaceDate {
  place: string;
  writtenDate: WrittenDate;
}

export function findPlaceDates(cell: string): PlaceDate[] {
  const found: PlaceDate[] = [];
  for (const match of cell.matchAll(PLACE_DATE)) {
    const writtenDate = parseGermanDate(match.groups?.date ?? '');
    const place = (match.groups?.place ?? '').replace(/^(?:Ort|Datum)[^:]*:\s*/i, '').trim();
    if (writtenDate && place && !/\d/.test(place)) found.push({ place, writtenDate });
  }
  return found;
}

function readBlock(start: PlaceDate, body: readonly string[]): SignatureBlock {
  const lines = body.map((line) => line.replace(REPRESENTATION_PREFIX, '').trim()).filter(Boolean);
  const officeIndex = lines.findIndex(isOffice);
  let name: string | undefined;
  let title: string | undefined;
  if (officeIndex >= 0) {
    title = officeText(lines[officeIndex] ?? '');
    const before = lines.slice(0, officeIndex).reverse().find((line) => PERSON_NAME.test(line));
    const after = lines.slice(officeIndex + 1, officeIndex + 3).find((line) => PERSON_NAME.test(line));
    name = before ?? after;
  } else {
    name = lines.find((line) => PERSON_NAME.test(line));
  }
  const organisation = lines.slice(Math.max(0, officeIndex) + 1).join(' ');
  let party: PartyRole | undefined;
  if (title && FUNDER_OFFICE.test(title)) party = 'funder';
  else if (title && RECIPIENT_OFFICE.test(title)) party = 'recipient';
  else if (FUNDER_ORGANISATION.test(organisation)) party = 'funder';
  else if (RECIPIENT_ORGANISATION.test(organisation)) party = 'recipient';
  return {
    party,
    place: start.place,
    writtenDate: start.writtenDate,
    date: toIsoDate(start.writtenDate),
    name,
    title,
    source: [`${start.place}, ${start.writtenDate.text}`, ...lines].join(' | '),
  };
}

const BLOCK_BODY_LINES = 9;

/** Reads every signature block from `fromLine` on; parties are assigned by office, then by order. */
export function extractSignatures(lines: readonly string[], fromLine = 0): SignatureBlock[] {
  const blocks: SignatureBlock[] = [];
  for (let index = fromLine; index < lines.length; index++) {
    const cells = (lines[index] ?? '').split(CELL_SEPARATOR);
    const starts = cells.flatMap((cell) => findPlaceDates(cell));
    if (starts.length === 0) continue;
    const bodies: string[][] = starts.map(() => []);
    let next = index + 1;
    for (; next < lines.length && next <= index + BLOCK_BODY_LINES; next++) {
      const row = lines[next] ?? '';
      const rowCells = row.split(CELL_SEPARATOR).flatMap((cell) => cell.split(/ {3,}/));
      if (rowCells.some((cell) => findPlaceDates(cell).length > 0)) break;
      if (starts.length === 1) {
        bodies[0]?.push(rowCells.join(' '));
      } else if (rowCells.length === starts.length) {
        rowCells.forEach((cell, column) => bodies[column]?.push(cell));
      } else if (rowCells.length > 0) {
        // A row with fewer cells than columns: give it to the leftmost column still lacking an office.
        const column = bodies.findIndex((body) => !body.some(isOffice));
        if (column >= 0) bodies[column]?.push(rowCells.join(' '));
      }
    }
    starts.forEach((start, column) => blocks.push(readBlock(start, bodies[column] ?? [])));
    index = next - 1;
  }
  assignParties(blocks);
  return blocks;
}

/** Blocks whose party their office or organisation did not reveal take the one still free, funder first. */
function assignParties(blocks: SignatureBlock[]): void {
  for (const block of blocks) {
    if (block.party) continue;
    const taken = new Set(blocks.map((other) => other.party).filter(Boolean));
    block.party = taken.has('funder') ? 'recipient' : 'funder';
  }
}
