/** German dates as they appear in signature lines: "2.8.2025", "02.08.2025", "2. August 2025", "18.08.25". */

export const MONTHS: Record<string, number> = {
  januar: 1, jan: 1, jänner: 1, februar: 2, feb: 2, märz: 3, maerz: 3, mrz: 3, april: 4, apr: 4, mai: 5,
  juni: 6, jun: 6, juli: 7, jul: 7, august: 8, aug: 8, september: 9, sep: 9, sept: 9, oktober: 10, okt: 10,
  november: 11, nov: 11, dezember: 12, dez: 12,
};

/** Month names capitalised or not, longest first so that "Juni" is not read as "Jun". */
const MONTH_NAMES = Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .map((name) => `[${name[0]?.toUpperCase()}${name[0]}]${name.slice(1)}`)
  .join('|');

/**
 * Matches one written date; groups: day, month (number) or monthName, year. OCR reads a period now and
 * then as a colon, comma or semicolon, or doubles it ("01.06:2014", "28:2,2021", "26..März", "07,.08.2012",
 * "18, Juni 2022", "25; August 2013"), reads a speck after the day as a dash ("26.-August 2019"), loses
 * the period before a four-digit year ("04.082017"), or splits the year in two words ("02.06.201 1",
 * "2. Oktober 201 7", "20.1.20 14"): a face whose "1" stands narrow in a digit's width leaves a gap
 * beside it that tesseract takes for a space. A year is four digits, so "20" or "19" with one or two
 * digits after a space is one year.
 */
export const GERMAN_DATE = new RegExp(
  String.raw`(?<day>\d{1,2})\s?[.,:;]{1,2}[-–]?\s?(?:(?<month>\d{1,2})(?:\s?[.,:;]{1,2}\s?|(?=(?:19|20)\d{2}(?!\d)))|(?<monthName>${MONTH_NAMES})\.?\s+)(?<year>\d{4}|(?:19|20)(?:\d \d| \d{2})|\d{2})(?!\d)`,
  'u',
);

/**
 * The two halves of a date that wrapped in a narrow signature column: the start at the end of one line
 * ("…, den 5. Februar", "…, den 23.", or just "…, den") and the rest, up to the year, at the start of
 * the next.
 */
export const DATE_START_AT_END = new RegExp(String.raw`(?:\d{1,2}\s?\.(?:\s?\d{1,2}\s?\.|\s?(?:${MONTH_NAMES})\.?)?|,\s*(?:den|am)?)\s*$`, 'u');
export const DATE_REST_AT_START = new RegExp(String.raw`^\s*(?:\d{1,2}\s?\.\s?)?(?:(?:${MONTH_NAMES})\.?\s+|\d{1,2}\s?\.\s?)?\d{4}(?!\d)`, 'u');

export interface WrittenDate {
  day: number;
  month: number;
  year: number;
  text: string;
}

export function parseGermanDate(text: string): WrittenDate | undefined {
  const match = GERMAN_DATE.exec(text);
  if (!match?.groups) return undefined;
  const { day, month, monthName, year } = match.groups;
  const monthNumber = monthName ? MONTHS[monthName.toLowerCase()] : Number(month);
  if (!monthNumber || !day || !year) return undefined;
  const digits = year.replace(/ /g, '');
  const fullYear = digits.length === 2 ? 2000 + Number(digits) : Number(digits);
  return { day: Number(day), month: monthNumber, year: fullYear, text: match[0] };
}

/** ISO form of a date that exists in the calendar; undefined for "31.02.2025" or month 13. */
export function toIsoDate({ day, month, year }: WrittenDate): string | undefined {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return date.toISOString().slice(0, 10);
}
