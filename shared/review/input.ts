import { findAmounts } from '../extract/amount.js';
import { pathOf } from '../schema/paths.js';
import { parseGermanDate, toIsoDate } from '../extract/dates.js';
import { GEBIETSKOERPERSCHAFTEN } from '../data/gebietskoerperschaften.js';
import type { Agreement, Amount } from '../schema/record.js';

/**
 * What a person types into a correction, read as people write it: amounts in German notation with or
 * without the currency ("1.018.910", "1.018.910,50 €"), dates as "2.8.2025", "02.08.2025" or ISO,
 * numbers as text. The same reading serves the review web app, which sends the agreement as typed, and
 * `review accept --set`, which sets one path at a time. What cannot be read is reported at its field,
 * by the path `--set` takes ("agreement.signatures[1].date").
 */

export interface FieldError {
  path: string;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const CURRENCY = /^(?:€|EUR|Euro)\s*|\s*(?:€|EUR|Euro)$/i;

/** "1.018.910", "1018910", "1.018.910,50 EUR", "€ 987.654,-": the amount, its text as written plus "Euro" where none was given. */
export function parseAmountInput(input: string): Parsed<Amount> {
  const text = input.replace(/\s+/g, ' ').trim();
  const withCurrency = CURRENCY.test(text) ? text : `${text} Euro`;
  const [found, ...more] = findAmounts(withCurrency);
  // The whole input must be the one amount: "1018.91" (a decimal point) or "1.000 oder 2.000" is not.
  if (!found || more.length > 0 || found.index !== 0 || found.text.length !== withCurrency.length) {
    return { ok: false, message: `"${text}" is not an amount (such as "1.018.910 Euro" or "2.345.678,50"; cents after a comma)` };
  }
  return { ok: true, value: { cents: found.cents, currency: 'EUR', text: found.text } };
}

/** "2.8.2025", "02.08.2025", "2. August 2025" or "2025-08-02": the ISO date, if the calendar has it. */
export function parseDateInput(input: string): Parsed<string> {
  const text = input.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const written = iso ? { day: Number(iso[3]), month: Number(iso[2]), year: Number(iso[1]), text } : parseGermanDate(text);
  // The whole input must be the date (a period after it aside): "2.8.2025 oder 3.8.2025" is not.
  if (!written || (written.text !== text && `${written.text}.` !== text)) {
    return { ok: false, message: `"${text}" is not a date (such as 2.8.2025, 02.08.2025 or 2025-08-02)` };
  }
  const value = toIsoDate(written);
  return value ? { ok: true, value } : { ok: false, message: `"${text}" is not a day of the calendar` };
}

export function parseWholeNumber(input: string): Parsed<number> {
  const text = input.trim();
  return /^\d{1,9}$/.test(text) ? { ok: true, value: Number(text) } : { ok: false, message: `"${text}" is not a whole number` };
}

type Segment = string | number;

export { pathOf };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The agreement as typed, read for the schema: text trimmed and empty text taken as absent, year,
 * numbers, amount and dates parsed as above, a recipient among the 26 given its kind. An amount whose
 * text is unchanged keeps the amount read from the document. Shapes are left to the schema.
 */
export function readAgreementInput(input: unknown, current: Partial<Agreement>): { agreement: unknown; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const fail = (segments: Segment[], message: string) => errors.push({ path: pathOf(segments), message });
  const take = <T>(segments: Segment[], parsed: Parsed<T>): T | string => {
    if (parsed.ok) return parsed.value;
    fail(segments, parsed.message);
    return '';
  };

  const clean = (value: unknown): unknown => {
    if (typeof value === 'string') return value.replace(/\s+/g, ' ').trim() || undefined;
    if (Array.isArray(value)) return value.map(clean);
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, clean(entry)]).filter(([, entry]) => entry !== undefined));
    return value;
  };
  const agreement = clean(input);
  if (!isObject(agreement)) return { agreement, errors: [{ path: 'agreement', message: 'is not an agreement (an object of its fields)' }] };

  if (typeof agreement.budgetYear === 'string') agreement.budgetYear = take(['agreement', 'budgetYear'], parseWholeNumber(agreement.budgetYear));
  if (typeof agreement.amount === 'string') {
    agreement.amount = agreement.amount === current.amount?.text ? current.amount : take(['agreement', 'amount'], parseAmountInput(agreement.amount));
  } else if (isObject(agreement.amount) && typeof agreement.amount.cents === 'string') {
    agreement.amount.cents = take(['agreement', 'amount', 'cents'], parseWholeNumber(agreement.amount.cents));
  }
  if (Array.isArray(agreement.parties)) {
    for (const [index, party] of agreement.parties.entries()) {
      if (!isObject(party) || party.role !== 'recipient' || typeof party.name !== 'string') continue;
      const entity = GEBIETSKOERPERSCHAFTEN.find((candidate) => candidate.name === party.name);
      if (entity && party.kind === undefined) party.kind = entity.kind;
      else if (entity && party.kind !== entity.kind) fail(['agreement', 'parties', index, 'kind'], `${entity.name} is a ${entity.kind}, not a ${String(party.kind)}`);
    }
  }
  if (Array.isArray(agreement.measures)) {
    for (const [index, measure] of agreement.measures.entries()) {
      if (isObject(measure) && typeof measure.number === 'string') measure.number = take(['agreement', 'measures', index, 'number'], parseWholeNumber(measure.number));
    }
  }
  if (Array.isArray(agreement.signatures)) {
    for (const [index, signature] of agreement.signatures.entries()) {
      if (isObject(signature) && typeof signature.date === 'string') signature.date = take(['agreement', 'signatures', index, 'date'], parseDateInput(signature.date));
    }
  }
  return { agreement, errors };
}
