import type { Amount } from '../schema/record.js';

/**
 * A German euro amount in any of its written forms: "1.018.910 Euro", "2.345.678,00 EUR", "€ 987.654,50",
 * "1 018 910 €", "1.234.567,- Euro". Thousands are grouped by dots or spaces, cents follow a comma.
 * Three forms only OCR writes are read as meant: a thousands dot read as a comma ("969,719,08",
 * "3.073,054,00", "2.050,484 Euro": cents have two digits, never three), a space lost after the
 * first group ("1559 443") and a space put after the comma of the cents of a grouped number
 * ("2.256.694, 00 EUR").
 */
/** Cents, or the dash for none ("-", "--", "–"; OCR reads it as "=" too: "3.204.382,=- Euro"). */
const CENTS = String.raw`,(?:\d{2}|[-–=]{1,2})`;
const COMMA_GROUPED = String.raw`\d{1,3}(?:[.,]\d{3})*,\d{3}(?:[.,]\d{3})*(?:${CENTS})?`;
const SPACE_LOST = String.raw`\d{4,6}(?: \d{3})+`;
const SPACED_CENTS = String.raw`, \d{2}`;
const NUMBER = [COMMA_GROUPED, String.raw`\d{1,3}(?:[. ]\d{3})+(?:${CENTS}|${SPACED_CENTS})?`, SPACE_LOST, String.raw`\d+(?:${CENTS})?`].join('|');

/**
 * A number in one of OCR's forms, written as the document did: "3.073,054,00" → "3.073.054,00",
 * "1559 443" → "1 559 443", "3.204.382,=-" → "3.204.382,-", "2.256.694, 00" → "2.256.694,00".
 */
function asWritten(read: string): string {
  const number = read.replace(/,[-–=]{1,2}$/, (dash) => `,${dash.slice(1).replace(/=/g, '') || '-'}`).replace(/, (?=\d{2}$)/, ',');
  if (new RegExp(`^(?:${COMMA_GROUPED})$`).test(number)) return number.replace(/,(?=\d{3})/g, '.');
  if (new RegExp(`^(?:${SPACE_LOST})$`).test(number)) return number.replace(/ /g, '').replace(/\B(?=(\d{3})+$)/g, ' ');
  return number;
}
const CURRENCY = String.raw`(?:Euro|EUR|€)`;
const AMOUNT = new RegExp(
  String.raw`(?<![\d.,])(?:${CURRENCY}\s?(?<before>${NUMBER})|(?<after>${NUMBER})\s?${CURRENCY})(?![\p{L}\d])`,
  'gu',
);

export interface AmountCandidate extends Amount {
  /** Where the amount stands in the text searched, and how many characters it takes there. */
  index: number;
  length: number;
  /** The amount as the document writes it out after the digits, "(in Worten: …)", if it does. */
  inWords?: string;
  /** Set on the total picked when the text introduces it as a part of one ("davon …"): no better one was found. */
  introducedAsPart?: boolean;
}

const IN_WORDS = /^\s*\(\s*in\s+Worten\s*:?\s*([^)]{3,200})\)/i;

/** Integer cents of a German-formatted number ("1.018.910" → 101891000, "987.654,50" → 98765450). */
export function germanNumberToCents(number: string): number {
  const fraction = /,(\d{2}|[-–=]{1,2})$/.exec(number);
  const whole = fraction ? number.slice(0, fraction.index) : number;
  const euros = Number(whole.replace(/[., ]/g, ''));
  const cents = fraction && /^\d{2}$/.test(fraction[1] ?? '') ? Number(fraction[1]) : 0;
  return euros * 100 + cents;
}

export function findAmounts(text: string): AmountCandidate[] {
  const candidates: AmountCandidate[] = [];
  for (const match of text.matchAll(AMOUNT)) {
    const read = match.groups?.before ?? match.groups?.after;
    if (!read) continue;
    const number = asWritten(read);
    const inWords = IN_WORDS.exec(text.slice(match.index + match[0].length))?.[1]?.replace(/\s+/g, ' ').trim();
    candidates.push({
      cents: germanNumberToCents(number),
      currency: 'EUR',
      text: match[0].replace(read, number).replace(/\s+/g, ' ').trim(),
      index: match.index,
      length: match[0].length,
      ...(inWords ? { inWords } : {}),
    });
  }
  return candidates;
}

/** Phrases that introduce the agreement's total, and ones that introduce a part of it. */
const TOTAL_CUES = /(Haushaltsmittel|in\s+Höhe\s+von|insgesamt|Gesamtbetrag|Gesamtvolumen|Budget(?:höhe)?\s+(?:von|beträgt)|Zuweisung|Fördersumme|bereitgestellt)/i;
const PART_CUES = /(davon|darunter|hiervon|maximal|höchstens|je\s+Teilnehm|pro\s+(?:Person|Platz|Teilnehm))/i;
const CUE_WINDOW = 160;

/**
 * The agreement's total: the amount introduced as "Haushaltsmittel in Höhe von insgesamt …" or the like;
 * among equally introduced ones the largest, since the parts are listed after the whole.
 */
export function pickTotalAmount(text: string): AmountCandidate | undefined {
  const candidates = findAmounts(text).filter((candidate) => candidate.cents > 0);
  if (candidates.length === 0) return undefined;
  const scored = candidates.map((candidate) => {
    const before = text.slice(Math.max(0, candidate.index - CUE_WINDOW), candidate.index);
    const nearBefore = before.slice(-40);
    let score = 0;
    if (TOTAL_CUES.test(before)) score += 2;
    const part = PART_CUES.test(nearBefore);
    if (part) score -= 3;
    return { candidate, score, part };
  });
  scored.sort((a, b) => b.score - a.score || b.candidate.cents - a.candidate.cents || a.candidate.index - b.candidate.index);
  const best = scored[0];
  return best && (best.part ? { ...best.candidate, introducedAsPart: true } : best.candidate);
}
