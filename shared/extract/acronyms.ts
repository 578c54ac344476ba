import { bareWord } from './lexicon.js';

/** Acronyms in the values they stand in: the words that spell them out, and whether their letters fit them. */

/**
 * How an acronym stands in its value: spelled out by the words it abbreviates, after a dash or colon
 * ("EASY – Entwicklung Ausbildung Soziale Teilhabe You", "TAff – Teilzeitausbildung für Alleinerziehende
 * …"), before it in brackets ("Perspektive Beruf (PerBe)") or before the dash it ends the value
 * with ("Frauen in Arbeit – FiA"), each of its capitals the initial of one of
 * them; contradicted by them (a misread capital, "FASY – Entwicklung …"); or alone, with nothing that
 * spells it out. A word with fewer than two capitals, or a hyphenated name ("Main-Kinzig-Kreis"), is no
 * acronym.
 */
export function acronymIn(acronym: string, value: string): 'spelled-out' | 'contradicted' | 'alone' | undefined {
  const capitals = acronym.match(/\p{Lu}/gu) ?? [];
  if (capitals.length < 2 || acronym.includes('-')) return undefined;
  const words = wordsSpellingOut(acronym, value);
  if (!words) return 'alone';
  return takesInitials(capitals, words, (letter) => letter.toLocaleLowerCase('de')) ? 'spelled-out' : 'contradicted';
}

/**
 * Whether the acronym is written in capitals and small letters, and each of its letters, small or
 * capital as it stands, is the initial of one of the words its value spells it out with, each word
 * serving one letter and every such word serving one ("TAff – Teilzeitausbildung für Alleinerziehende
 * und familiär …": two words begin with "f", and "TAf" is not spelled out so; "Frauen in Arbeit – FiA").
 * So a letter OCR lost or added shows, but for a lone small letter of an acronym otherwise in capitals
 * ("FA" for "FiA"), which is why an acronym in capitals alone is not taken. Nor is one built of
 * syllables ("PerBe").
 */
export function spelledLetterByLetter(acronym: string, value: string): boolean {
  if (!/\p{Ll}/u.test(acronym) || acronymIn(acronym, value) !== 'spelled-out') return false;
  const words = wordsSpellingOut(acronym, value);
  if (!words || !takesInitials([...acronym], words, (letter) => letter)) return false;
  const letters = [...acronym];
  return letters.every((letter) => words.filter((word) => word.startsWith(letter)).length === letters.filter((other) => other === letter).length);
}

/**
 * A small word the acronym in capitals skips between the words it takes its capitals from ("in" of
 * "Frauen in Arbeit – FA"): OCR loses a thin small letter of an acronym ("FA" read for "FiA", sure of it),
 * and an acronym that skips the word cannot be told from one that lost its letter. None for an acronym
 * with small letters, or one whose words between are all capitalised ("EASY – Entwicklung Ausbildung
 * Soziale Teilhabe You").
 */
export function smallWordSkipped(acronym: string, value: string): string | undefined {
  if (/\p{Ll}/u.test(acronym)) return undefined;
  const words = wordsSpellingOut(acronym, value);
  if (!words) return undefined;
  const taken = words.map((word, index) => (acronym.includes(word.charAt(0)) ? index : -1)).filter((index) => index >= 0);
  const [first, last] = [taken[0], taken.at(-1)];
  if (first === undefined || last === undefined) return undefined;
  return words.slice(first + 1, last).find((word) => /^\p{Ll}/u.test(word));
}

/**
 * A small letter the acronym in mixed case holds fewer times than words that spell it out begin with it
 * ("TAf – Teilzeitausbildung für Alleinerziehende und familiär …": "für" and "familiär"): it may have
 * lost one of them to OCR, the second "f" of "TAff". None for an acronym in capitals alone, or one that
 * is not spelled out.
 */
function smallLetterShort(acronym: string, value: string): string | undefined {
  if (!/\p{Ll}/u.test(acronym) || acronymIn(acronym, value) !== 'spelled-out') return undefined;
  const words = wordsSpellingOut(acronym, value) ?? [];
  const letters = [...acronym];
  return letters.find((letter) => /\p{Ll}/u.test(letter) && words.filter((word) => word.startsWith(letter)).length > letters.filter((other) => other === letter).length);
}

/** Why an acronym's value doubts it as OCR read it (`acronymDoubt`). */
export type AcronymDoubt = { kind: 'small-word-skipped'; word: string } | { kind: 'small-letter-short'; letter: string } | { kind: 'contradicted' };

/**
 * Whether the acronym's own value doubts it as read: the words that spell it out contradict it, or they
 * spell it out but it may have lost a letter (`smallWordSkipped`, `smallLetterShort`). The one judgement
 * both the checks of OCR's values and the choice among OCR's readings of a word make.
 */
export function acronymDoubt(acronym: string, value: string): AcronymDoubt | undefined {
  const standing = acronymIn(acronym, value);
  if (standing === 'contradicted') return { kind: 'contradicted' };
  if (standing !== 'spelled-out') return undefined;
  const word = smallWordSkipped(acronym, value);
  if (word) return { kind: 'small-word-skipped', word };
  const letter = smallLetterShort(acronym, value);
  return letter ? { kind: 'small-letter-short', letter } : undefined;
}

/** The words that spell the acronym out in its value (see `acronymIn`), where there are two or more. */
function wordsSpellingOut(acronym: string, value: string): string[] | undefined {
  const at = value.indexOf(acronym);
  if (at < 0) return undefined;
  const before = value.slice(0, at);
  const after = value.slice(at + acronym.length);
  const spelledAfter = /^\s*[–—:-]\s+(.*)$/u.exec(after)?.[1];
  const bracketed = /\(\s*$/u.test(before) && /^\s*\)/u.test(after) ? before.replace(/\(\s*$/u, '') : undefined;
  const dashedBefore = after.trim() === '' ? /^(.*\S)\s+[–—-]\s*$/u.exec(before)?.[1] : undefined;
  const spelledBefore = bracketed ?? dashedBefore;
  const words = (spelledAfter ?? spelledBefore ?? '').split(/\s+/).map(bareWord).filter(Boolean);
  return words.length < 2 ? undefined : words;
}

/** Whether each letter, compared as `form` gives it, is the initial of a word of its own. */
function takesInitials(letters: readonly string[], words: readonly string[], form: (letter: string) => string): boolean {
  const initials = words.map((word) => form(word.charAt(0)));
  for (const letter of letters) {
    const index = initials.indexOf(form(letter));
    if (index < 0) return false;
    initials.splice(index, 1);
  }
  return true;
}
