import type { Gebietskoerperschaft } from '../data/gebietskoerperschaften.js';
import type { LineGeometry } from '../pdf/text-layer.js';
import type { Agreement, Party, RecipientKind } from '../schema/record.js';
import { type AmountCandidate, pickTotalAmount } from './amount.js';
import { extractMeasures } from './measures.js';
import { CELL_SEPARATOR, foldForComparison, joinWrapped } from './normalize.js';
import { kindHint, matchMinistry, ministryForYear, ministryNominative, resolveRecipient } from './parties.js';
import { extractSignatures, type SignatureBlock } from './signatures.js';

/**
 * Reads the agreement's fields from its cleaned lines. Every field is optional here: what could not be
 * read is simply absent, and the validation decides what that means for the record.
 */

export interface ExtractionFindings {
  agreement: Partial<Agreement>;
  /** Facts the validation needs beyond the record's fields. */
  evidence: {
    isAgreement: boolean;
    titleFound: boolean;
    ambiguousRecipients?: Gebietskoerperschaft[];
    recipientPhrase?: string;
    funderPhrase?: string;
    amountContext?: string;
    /** The amount written out in words next to the digits, if the document does so. */
    amountInWords?: string;
    signatureBlocks: SignatureBlock[];
  };
}

const TITLE_MAX_LINES = 14;
const TITLE_STOP = /^(?:Präambel|Praambel|Vorbemerkung|Inhalt)\b|^(?:§|S|\$|8)\s?\d{1,2}\s*$/i;
const PROGRAM_WORD = /budget/i;

function isTitleStart(line: string): boolean {
  return foldForComparison(line).startsWith('zielvereinbarung') || /Zielverein|Zlelverein|Zielvere1n/i.test(line);
}

function titleBlock(lines: readonly string[]): { title: string; endLine: number } | undefined {
  const start = lines.findIndex((line) => isTitleStart(line));
  if (start < 0) return undefined;
  const parts: string[] = [];
  let end = start;
  for (let index = start; index < Math.min(lines.length, start + TITLE_MAX_LINES); index++) {
    const line = (lines[index] ?? '').split(CELL_SEPARATOR).join(' ').trim();
    if (!line) continue;
    if (index > start && TITLE_STOP.test(line)) break;
    parts.push(line);
    end = index + 1;
    if (PROGRAM_WORD.test(line)) {
      // A budget year may still follow on its own line ("für das Jahr 2025", "2025").
      const following = (lines[index + 1] ?? '').trim();
      if (/^(?:(?:für\s+das\s+(?:Haushalts)?jahr|im\s+Jahr?)\s+)?\d{4}$/i.test(following)) {
        parts.push(following);
        end = index + 2;
      }
      break;
    }
  }
  // A title ends without punctuation; a colon or comma after it is a speck OCR read.
  const title = parts.reduce((joined, part) => (joined ? joinWrapped(joined, part) : part), '').replace(/\s*[.:;,]+$/, '');
  return { title, endLine: end };
}

const YEAR = /\b(20[1-3]\d)\b/;

function budgetYear(title: string | undefined, text: string): number | undefined {
  const inTitle = title ? YEAR.exec(title) : null;
  if (inTitle) return Number(inTitle[1]);
  const cued = /(?:budget(?:s|es)?|Haushaltsjahr|im\s+Jahr|für\s+das\s+Jahr)\s+(20[1-3]\d)\b/gi;
  const counts = new Map<number, number>();
  for (const match of text.matchAll(cued)) counts.set(Number(match[1]), (counts.get(Number(match[1])) ?? 0) + 1);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  return ranked[0]?.[0];
}

/** "Ausbildungs- und Qualifizierungsbudgets" → "Ausbildungs- und Qualifizierungsbudget". */
function program(title: string | undefined, text: string): string | undefined {
  const pattern = /((?:[A-ZÄÖÜ][\p{L}]*-\s(?:und|sowie)\s)?[A-ZÄÖÜ][\p{L}]*budget)(?:s|es)?\b/u;
  const source = [title, text].find((candidate) => candidate && pattern.test(candidate));
  return source ? pattern.exec(source)?.[1]?.replace(/\s+/g, ' ') : undefined;
}

function splitParties(title: string): { funderPhrase?: string; recipientPhrase?: string } {
  const between = /zwischen\s+(.+?)\s+und\s+((?:dem|der|den)\s.+?)(?:\s+(?:zur|zum|über|betreffend|im\s+Rahmen|für\s+(?:das|die)\s)|$)/i.exec(
    title,
  );
  if (!between) return {};
  const [first = '', second = ''] = [between[1], between[2]];
  // The ministry may be named second; it is the side that says "Ministerium".
  return /ministerium/i.test(second) && !/ministerium/i.test(first)
    ? { funderPhrase: second, recipientPhrase: first }
    : { funderPhrase: first, recipientPhrase: second };
}

/**
 * The title with the ministry's name spelled as it officially is, where OCR misread a letter of it
 * ("Ministerium für Soziales und integration"); the name is the one the funder party gets.
 */
function withKnownMinistryName(title: string, funderPhrase: string): string {
  const nominative = ministryNominative(funderPhrase);
  const known = matchMinistry(nominative);
  if (!known || nominative === known.name) return title;
  const article = /^\s*(?:dem|das|des)\s+/i.exec(funderPhrase)?.[0] ?? '';
  return title.replace(funderPhrase, `${article}${known.name.replace(/^Hessisches\b/, 'Hessischen')}`);
}

/**
 * The abbreviation the document uses for the ministry: the one it defines ("… und Soziales (HMSI)") or the
 * known one, whichever the text uses more often — a misread definition is outvoted by the later uses.
 */
function shortNameUsed(text: string, known: string | undefined): string | undefined {
  const definition = /ministerium[^()]{0,120}?\(\s*(?<short>[A-ZÄÖÜ][A-Za-zÄÖÜ]{1,9})\s*\)/iu.exec(text);
  const defined = definition?.groups?.short && /[A-Z]{2}/.test(definition.groups.short) ? definition.groups.short : undefined;
  const uses = (token: string) => text.split(/[^\p{L}]+/u).filter((word) => word === token).length;
  if (defined && known && defined !== known) return uses(known) > uses(defined) ? known : defined;
  return defined ?? known;
}

function funderParty(phrase: string | undefined, text: string, year: number | undefined): Party | undefined {
  const nominative = phrase ? ministryNominative(phrase) : undefined;
  const known = nominative ? matchMinistry(nominative) : undefined;
  const fromText = !phrase ? /(Hessische[sn]?\s+(?:Sozialministerium|Ministerium\s+für\s+[^(\n.]{3,80}?))(?=\s*\(|\s+(?:und|setzt|stellt|verfolgt)\b)/.exec(text)?.[1] : undefined;
  const name = known?.name ?? nominative ?? (fromText ? ministryNominative(fromText) : undefined);
  if (!name) return undefined;
  const shortName = shortNameUsed(text, known?.shortName ?? (year ? ministryForYear(year)?.shortName : undefined));
  return { role: 'funder', name, ...(shortName ? { shortName } : {}) };
}

/** Tallies the kinds the document's own wording gives a place ("des Landkreises Kassel", "Landrat"). */
function documentKindHint(text: string, candidates: readonly Gebietskoerperschaft[]): RecipientKind | undefined {
  const tally: Record<RecipientKind, number> = { landkreis: 0, kreisfreie_stadt: 0 };
  const core = candidates[0]?.core;
  if (!core) return undefined;
  for (const line of text.split('\n')) {
    if (!line.includes(core)) continue;
    const hint = kindHint(line.slice(Math.max(0, line.indexOf(core) - 30), line.indexOf(core) + core.length));
    if (hint) tally[hint]++;
  }
  if (tally.landkreis === tally.kreisfreie_stadt) return undefined;
  return tally.landkreis > tally.kreisfreie_stadt ? 'landkreis' : 'kreisfreie_stadt';
}

const RECIPIENT_MENTION = /\b(?:dem|der|des)\s+((?:Land)?[Kk]reis(?:es)?\s+[^\s,.;]+(?:\s+[^\s,.;]+)?|(?:Wissenschafts|Landeshaupt|Universitäts)?[Ss]tadt\s+[^\s,.;]+(?:\s+am\s+Main)?|[A-ZÄÖÜ][\p{L}-]*kreis(?:es)?)/gu;

function recipientParty(
  phrase: string | undefined,
  text: string,
  signatureOffices: string,
): { party?: Party; ambiguous?: Gebietskoerperschaft[] } {
  const phrases = phrase ? [phrase] : [...text.matchAll(RECIPIENT_MENTION)].map((match) => match[0]);
  for (const candidate of phrases) {
    const resolution = resolveRecipient(candidate);
    const entity =
      resolution.entity ??
      (resolution.ambiguousBetween
        ? resolveRecipient(candidate, documentKindHint(text, resolution.ambiguousBetween) ?? kindHint(signatureOffices)).entity
        : undefined);
    if (entity) return { party: { role: 'recipient', name: entity.name, kind: entity.kind } };
    if (resolution.ambiguousBetween) return { ambiguous: resolution.ambiguousBetween };
  }
  return {};
}

/**
 * `geometry`, when the text layer gives positions, says for each line where its words lie; the measure
 * list needs it when its bullets are drawn rather than typed.
 */
export function extractAgreement(lines: readonly string[], geometry: readonly (LineGeometry | undefined)[] = []): ExtractionFindings {
  const text = lines.map((line) => line.split(CELL_SEPARATOR).join(' ')).join('\n');
  const heading = titleBlock(lines);
  const title = heading?.title;
  const year = budgetYear(title, text);
  const { funderPhrase, recipientPhrase } = title ? splitParties(title) : {};

  const measureList = extractMeasures(lines, heading?.endLine ?? 0, geometry);
  const signatureBlocks = extractSignatures(lines, measureList?.endLine ?? heading?.endLine ?? 0);
  const signatureOffices = signatureBlocks.map((block) => block.title ?? '').join(' ');

  const funder = funderParty(funderPhrase, text, year);
  const recipient = recipientParty(recipientPhrase, text, signatureOffices);
  const parties = [funder, recipient.party].filter((party): party is Party => party !== undefined);

  // The total is stated before the list of measures; amounts inside the list are parts of it.
  const amountText = measureList ? lines.slice(0, measureList.startLine).join('\n') : text;
  const amount: AmountCandidate | undefined = pickTotalAmount(amountText) ?? pickTotalAmount(text);

  const agreement: Partial<Agreement> = {};
  if (title) agreement.title = funderPhrase ? withKnownMinistryName(title, funderPhrase) : title;
  const programName = program(title, text);
  if (programName) agreement.program = programName;
  if (year !== undefined) agreement.budgetYear = year;
  if (parties.length > 0) agreement.parties = parties;
  if (amount) agreement.amount = { cents: amount.cents, currency: 'EUR', text: amount.text };
  agreement.measures = measureList?.measures ?? [];
  // A signature whose name or office could not be read still says who signed where and when.
  agreement.signatures = signatureBlocks.flatMap(({ party, place, date, name, title }) =>
    party && date ? [{ party, place, date, ...(name ? { name } : {}), ...(title ? { title } : {}) }] : [],
  );

  const amountContext = amount ? text.slice(Math.max(0, amount.index - 80), amount.index + amount.text.length) : undefined;
  return {
    agreement,
    evidence: {
      isAgreement: Boolean(heading) || /Zielvereinbarung/i.test(text),
      titleFound: Boolean(heading),
      ambiguousRecipients: recipient.ambiguous,
      recipientPhrase,
      funderPhrase,
      amountContext: amountContext?.replace(/\s+/g, ' '),
      amountInWords: amount?.inWords,
      signatureBlocks,
    },
  };
}
