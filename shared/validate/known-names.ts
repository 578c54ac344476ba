import { distance } from 'fastest-levenshtein';
import { lettersOf } from '../extract/listed-values.js';
import { textAt, valuePaths } from '../schema/paths.js';
import type { AgreementRecord } from '../schema/record.js';

/**
 * Names of projects and of signatories that records known to be right hold: printed in a text layer of a
 * `valid` record, or confirmed by a person in review. Counties fund the same projects year after year
 * and the same people sign them, so a value OCR read a letter or two off such a name, and not that name,
 * is likely the name misread ("Sprungbreit" for "Sprungbrett", the serif "tt" read "it", sure of every
 * letter): no confidence and no lexicon marks it, since German builds "Sprungbreit" as a compound too.
 * And a value OCR read as such a name, unmistakably, is that name however unsure OCR was of its words, as
 * a value of a closed list is (`readAsListedValue`). The names are open lists that grow with the archive
 * (the store keeps them), unlike the closed lists the project knows as data (shared/extract/listed-values.ts).
 */

/** The fields whose values recur from agreement to agreement. */
export const KNOWN_NAME_FIELDS = ['project', 'signatory'] as const;
export type KnownNameField = (typeof KNOWN_NAME_FIELDS)[number];

/** The names known right, by field. */
export type KnownNames = Readonly<Partial<Record<KnownNameField, readonly string[]>>>;

export interface KnownName {
  field: KnownNameField;
  name: string;
}

const FIELD_PATHS: Readonly<Record<KnownNameField, RegExp>> = {
  project: /^agreement\.measures\[\d+\]\.projects\[\d+\]$/,
  signatory: /^agreement\.signatures\[\d+\]\.name$/,
};

/** The field of the value at a path, where it is one whose names recur. */
export function knownNameFieldAt(path: string): KnownNameField | undefined {
  return KNOWN_NAME_FIELDS.find((field) => FIELD_PATHS[field].test(path));
}

/**
 * The names a record vouches for: those a text layer printed, in a `valid` record; every one it holds,
 * once a person confirmed the record. A value OCR read is never vouched for by the extractor alone, so
 * that a misreading recorded `valid` cannot make itself known.
 */
export function namesVouchedFor(record: AgreementRecord, { confirmedByPerson }: { confirmedByPerson: boolean }): KnownName[] {
  if (record.status !== 'valid') return [];
  const printed = new Set((record.evidence ?? []).filter((evidence) => evidence.source === 'pdf-text').map((evidence) => evidence.path));
  return valuePaths(record.agreement).flatMap((path) => {
    const field = knownNameFieldAt(path);
    const name = textAt(record.agreement, path)?.trim();
    return field && name && (confirmedByPerson || printed.has(path)) ? [{ field, name }] : [];
  });
}

/** The names the text layers of the valid records among `records` print: what a run's digital agreements make known. */
export function namesPrintedIn(records: readonly AgreementRecord[]): KnownNames {
  return knownNamesOf(records.flatMap((record) => namesVouchedFor(record, { confirmedByPerson: false })));
}

/** The names, by field, each once and sorted. */
export function knownNamesOf(names: readonly KnownName[]): KnownNames {
  return Object.fromEntries(
    KNOWN_NAME_FIELDS.flatMap((field) => {
      const held = [...new Set(names.filter((name) => name.field === field).map((name) => name.name))].sort();
      return held.length > 0 ? [[field, held]] : [];
    }),
  );
}

/** The known names of the field of the value at a path; none where its names do not recur. */
export function knownNamesAt(path: string, known: KnownNames | undefined): readonly string[] {
  const field = knownNameFieldAt(path);
  return (field && known?.[field]) || [];
}

/** The words of a name, each as its letters alone (`lettersOf`). */
const wordsOf = (text: string) => text.split(/\s+/u).map(lettersOf).filter(Boolean);

/**
 * How many letters a value may be off a known name and still be taken for its misreading: one from five
 * letters on, two from twelve. A shorter name is too near too many others for a letter to say anything.
 */
function lettersOffAllowed(length: number): number {
  if (length >= 12) return 2;
  return length >= 5 ? 1 : 0;
}

/**
 * How many letters the words of a value are off those of a name, word by word; none where they are not
 * as many words. A misreading changes letters within words: a value with a word more or less is another
 * way of writing the name ("Dr. Katrin Schmitt" for "Katrin Schmitt"), or another name.
 */
function lettersOff(value: readonly string[], name: readonly string[]): number | undefined {
  if (value.length !== name.length) return undefined;
  return value.reduce((sum, word, index) => sum + distance(word, name[index] ?? ''), 0);
}

/**
 * The known name of the value's field that the value is a letter or two off, and not itself: what it was
 * likely read for. A value whose letters are those of a known name is that name, however it is spaced.
 */
export function nearKnownName(path: string, value: string, known: KnownNames): string | undefined {
  const names = knownNamesAt(path, known);
  if (names.length === 0) return undefined;
  const letters = lettersOf(value);
  if (!letters || names.some((name) => lettersOf(name) === letters)) return undefined;
  const words = wordsOf(value);
  let nearest: { name: string; off: number } | undefined;
  for (const name of names) {
    const off = lettersOff(words, wordsOf(name));
    const allowed = lettersOffAllowed(Math.min(letters.length, lettersOf(name).length));
    if (off !== undefined && off <= allowed && (!nearest || off < nearest.off)) nearest = { name, off };
  }
  return nearest?.name;
}
