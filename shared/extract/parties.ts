import { GEBIETSKOERPERSCHAFTEN, type Gebietskoerperschaft } from '../data/gebietskoerperschaften.js';
import { MINISTRIES, type Ministry } from '../data/ministries.js';
import type { RecipientKind } from '../schema/record.js';
import { foldForComparison, similarity } from './normalize.js';

const CITY_WORDS = /\b(?:kreisfreien?\s+)?(?:Wissenschafts|Landeshaupt|Universitäts|Doppel)?[Ss]tadt\b|\bOberbürgermeister/;
const COUNTY_WORDS = /\b(?:Land)?[Kk]reis(?:es|e)?\b|\bLandrat\b|\bLandrätin\b|\bKreisausschuss\b/;

export function kindHint(phrase: string): RecipientKind | undefined {
  const county = COUNTY_WORDS.exec(phrase)?.index;
  const city = CITY_WORDS.exec(phrase)?.index;
  if (county === undefined && city === undefined) return undefined;
  if (city === undefined) return 'landkreis';
  if (county === undefined) return 'kreisfreie_stadt';
  return county < city ? 'landkreis' : 'kreisfreie_stadt';
}

/** How like a known name (one of the 26, a ministry) a phrase must be to name it through OCR's misreadings. */
export const NAME_MATCH_THRESHOLD = 0.84;

interface CoreMatch {
  entity: Gebietskoerperschaft;
  score: number;
  coreLength: number;
}

/**
 * Finds the entity cores a phrase mentions, tolerating inflection ("Main-Taunus-Kreises") and OCR
 * noise by comparing every window of as many words as the core has.
 */
function coreMatches(phrase: string): CoreMatch[] {
  const words = phrase.split(/[\s,;:()„“"]+/).filter(Boolean);
  const matches: CoreMatch[] = [];
  for (const entity of GEBIETSKOERPERSCHAFTEN) {
    for (const form of [entity.core, ...(entity.shortCores ?? [])]) {
      const core = foldForComparison(form);
      const coreWords = form.split(/\s+/).length;
      let best = 0;
      // One word more than the core has, for OCR that splits a word ("Wetterauk reis").
      for (const size of [coreWords, coreWords + 1]) {
        for (let start = 0; start + size <= words.length; start++) {
          const window = foldForComparison(words.slice(start, start + size).join(' '));
          // Genitive endings (-s, -es) and dative -n are inflection, not a different name.
          for (const candidate of [window, window.replace(/(es|s|n)$/, '')]) {
            best = Math.max(best, similarity(candidate, core));
          }
        }
      }
      if (best >= NAME_MATCH_THRESHOLD) {
        matches.push({ entity, score: best, coreLength: core.length });
        break;
      }
    }
  }
  return matches;
}

export interface RecipientResolution {
  entity?: Gebietskoerperschaft;
  /** Set when the phrase names a place both a county and a city are called after and nothing decides. */
  ambiguousBetween?: Gebietskoerperschaft[];
}

/**
 * Resolves a phrase such as "dem Landkreis Main-Taunus-Kreis" or "der Stadt Kassel" to one of the 26.
 * The longest matching core wins ("Darmstadt-Dieburg" over "Darmstadt", "Offenbach am Main" over
 * "Offenbach"); where a county and a city share it, the kind the phrase states decides.
 */
export function resolveRecipient(phrase: string, fallbackHint?: RecipientKind): RecipientResolution {
  const matches = coreMatches(phrase);
  if (matches.length === 0) return {};
  const bestScore = Math.max(...matches.map((match) => match.score));
  const strong = matches.filter((match) => match.score >= bestScore - 0.05);
  const longest = Math.max(...strong.map((match) => match.coreLength));
  const candidates = strong.filter((match) => match.coreLength === longest).map((match) => match.entity);
  if (candidates.length === 1) return { entity: candidates[0] };
  const hint = kindHint(phrase) ?? fallbackHint;
  const ofKind = candidates.filter((entity) => entity.kind === hint);
  if (ofKind.length === 1) return { entity: ofKind[0] };
  return { ambiguousBetween: candidates };
}

/** "dem Hessischen Ministerium für …" → "Hessisches Ministerium für …". */
export function ministryNominative(phrase: string): string {
  return phrase
    .replace(/^\s*(?:dem|das|des)\s+/i, '')
    .replace(/^Hessischen\b/, 'Hessisches')
    .replace(/\b(Sozialministeriums?|Ministeriums)\b/, (word) => word.replace(/s$/, ''))
    .replace(/\s+/g, ' ')
    .replace(/[\s,.;:]+$/, '')
    .trim();
}

/** The known ministry the phrase names, if it is close enough to one of them. */
export function matchMinistry(nominative: string): Ministry | undefined {
  const folded = foldForComparison(nominative);
  let best: { ministry: Ministry; score: number } | undefined;
  for (const ministry of MINISTRIES) {
    const score = similarity(folded, foldForComparison(ministry.name));
    if (!best || score > best.score) best = { ministry, score };
  }
  return best && best.score >= NAME_MATCH_THRESHOLD ? best.ministry : undefined;
}

export function ministryForYear(year: number): Ministry | undefined {
  return MINISTRIES.find((ministry) => year >= ministry.years[0] && year <= ministry.years[1]);
}
