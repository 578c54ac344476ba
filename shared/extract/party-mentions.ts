import { GEBIETSKOERPERSCHAFTEN, type Gebietskoerperschaft } from '../data/gebietskoerperschaften.js';
import { MINISTRIES, type Ministry } from '../data/ministries.js';
import type { Party, RecipientKind } from '../schema/record.js';
import { foldForComparison, similarity } from './normalize.js';
import { kindHint, matchMinistry, ministryForYear, ministryNominative, NAME_MATCH_THRESHOLD, resolveRecipient } from './parties.js';

/**
 * The parties of an agreement as its title and text name them: the title split at "zwischen … und …",
 * the funding ministry and the recipient found there or, failing that, mentioned in the text.
 */

/**
 * A value found in the title (its evidence is then sought among the title's lines) or at a place in the
 * document's text (characters `index` to `index + length` of the lines joined by line breaks).
 */
export type Found<T> = { value: T; in: 'title'; written: string } | { value: T; in: 'text'; index: number; length: number };

export function splitParties(title: string): { funderPhrase?: string; recipientPhrase?: string } {
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
 * ("Ministerium für Soziales und integration"); the name is the one the funder party gets. The word in
 * small letters before the name, its article, stays as read, misread or not: "zwischen jem Hessischen
 * Sozialministerium" keeps its "jem" for the checks of its words, where the name alone would hide it.
 */
export function withKnownMinistryName(title: string, funderPhrase: string): string {
  const nominative = ministryNominative(funderPhrase);
  const known = matchMinistry(nominative);
  if (!known || nominative === known.name) return title;
  const article = /^\s*\p{Ll}\S*\s+/u.exec(funderPhrase)?.[0] ?? '';
  return title.replace(funderPhrase, `${article}${known.name.replace(/^Hessisches\b/, 'Hessischen')}`);
}

/**
 * The title with the recipient's name spelled as it officially is, where OCR misread a letter of it
 * ("dem Landkreis Waldeck-Erankenberg"); the recipient party is the place the phrase was resolved to.
 * Only a misread is mended: the words that hold the place's name in as many words as it has, close to it
 * and no inflected form of it ("des Main-Taunus-Kreises"), nor the name in other letter case.
 */
export function withKnownRecipientName(title: string, recipientPhrase: string, recipient: Party): string {
  const entity = GEBIETSKOERPERSCHAFTEN.find((candidate) => candidate.name === recipient.name);
  if (!entity) return title;
  const core = foldForComparison(entity.core);
  const size = entity.core.split(/\s+/).length;
  const words = recipientPhrase.split(/\s+/);
  let best: { start: number; score: number; trailing: string } | undefined;
  for (let start = 0; start + size <= words.length; start++) {
    const written = words.slice(start, start + size).join(' ');
    const trailing = /[,.;:]*$/.exec(written)?.[0] ?? '';
    const folded = foldForComparison(written);
    if (folded === core || folded.replace(/(es|s|n)$/, '') === core) return title;
    const score = similarity(folded, core);
    if (score >= NAME_MATCH_THRESHOLD && score > (best?.score ?? 0)) best = { start, score, trailing };
  }
  if (!best) return title;
  const mended = [...words.slice(0, best.start), `${entity.core}${best.trailing}`, ...words.slice(best.start + size)].join(' ');
  return title.replace(recipientPhrase, mended);
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

/**
 * The known ministry whose name the text at `index` spells out ("Hessische Ministerium für Soziales und
 * Integration (HMSI)", in whatever case), with the length it takes there: the longest that fits, since a
 * name may hold an "und" and a shorter one end before it. A letter OCR misread is allowed for.
 */
function knownMinistryAt(text: string, index: number): { ministry: Ministry; length: number } | undefined {
  const start = /^Hessische[sn]?\s+/.exec(text.slice(index))?.[0].length;
  if (start === undefined) return undefined;
  let best: { ministry: Ministry; length: number; letters: number } | undefined;
  for (const ministry of MINISTRIES) {
    const wanted = foldForComparison(ministry.name.replace(/^Hessisches\s+/, ''));
    let folded = '';
    let end = index + start;
    while (end < text.length && folded.length < wanted.length) folded += foldForComparison(text[end++] ?? '');
    // The name ends where a word does.
    if (/[\p{L}\d]/u.test(text[end] ?? '') || similarity(folded, wanted) < NAME_MATCH_THRESHOLD) continue;
    if (!best || wanted.length > best.letters) best = { ministry, length: end - index, letters: wanted.length };
  }
  return best && { ministry: best.ministry, length: best.length };
}

/** The funding ministry, named in the title or, failing that, in the text. */
export function funderParty(phrase: string | undefined, text: string, year: number | undefined): Found<Party> | undefined {
  const nominative = phrase ? ministryNominative(phrase) : undefined;
  const fromText = !phrase ? /(Hessische[sn]?\s+(?:Sozialministerium|Ministerium\s+für\s+[^(\n.]{3,80}?))(?=\s*\(|\s+(?:und|setzt|stellt|verfolgt)\b)/.exec(text) : null;
  const knownInText = fromText ? knownMinistryAt(text, fromText.index) : undefined;
  const known = nominative ? matchMinistry(nominative) : knownInText?.ministry;
  const name = known?.name ?? nominative ?? (fromText?.[1] ? ministryNominative(fromText[1]) : undefined);
  if (!name) return undefined;
  const shortName = shortNameUsed(text, known?.shortName ?? (year ? ministryForYear(year)?.shortName : undefined));
  const party: Party = { role: 'funder', name, ...(shortName ? { shortName } : {}) };
  if (phrase) return { value: party, in: 'title', written: nominative ?? phrase };
  return { value: party, in: 'text', index: fromText?.index ?? 0, length: knownInText?.length ?? fromText?.[1]?.length ?? 0 };
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

/** The recipient, named in the title or, failing that, mentioned in the text ("dem Landkreis Kassel"). */
export function recipientParty(
  phrase: string | undefined,
  text: string,
  signatureOffices: string,
): { party?: Found<Party>; ambiguous?: Gebietskoerperschaft[] } {
  const phrases: { candidate: string; index?: number }[] = phrase
    ? [{ candidate: phrase }]
    : [...text.matchAll(RECIPIENT_MENTION)].map((match) => ({ candidate: match[0], index: match.index }));
  for (const { candidate, index } of phrases) {
    const resolution = resolveRecipient(candidate);
    const entity =
      resolution.entity ??
      (resolution.ambiguousBetween
        ? resolveRecipient(candidate, documentKindHint(text, resolution.ambiguousBetween) ?? kindHint(signatureOffices)).entity
        : undefined);
    if (entity) {
      const value: Party = { role: 'recipient', name: entity.name, kind: entity.kind };
      return { party: index === undefined ? { value, in: 'title', written: candidate } : { value, in: 'text', index, length: candidate.length } };
    }
    if (resolution.ambiguousBetween) return { ambiguous: resolution.ambiguousBetween };
  }
  return {};
}
