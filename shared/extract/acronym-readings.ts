/**
 * Acronyms OCR read more than one way, decided by the value they stand in. tesseract reads an acronym
 * in a face that kerns its letters close ("FiA", "TAff") one way on the page and another alone, and its
 * confidence says little of which is right: "TAff" on the page at 34 %, "TAfF" at 61 and 42 % alone. A
 * word read alone cannot show what the value shows, the words that spell the acronym out.
 */

import type { Agreement } from '../schema/record.js';
import { textAt } from '../schema/paths.js';
import { acronymDoubt, acronymIn, spelledLetterByLetter } from './acronyms.js';
import type { ValueEvidence, ValueWord } from './evidence.js';
import { bareWord } from './lexicon.js';
import { withMisreadWordsTaken, withWordReplaced, wordAlone } from './misread-words.js';

/**
 * The reading of the acronym the value spells out letter by letter (`spelledLetterByLetter`), where the
 * reading recorded is one its value doubts (`acronymDoubt`): one that may have lost a letter ("FA"
 * beside "Frauen in Arbeit"; "TAf" or "TAfF" beside "Teilzeitausbildung für Alleinerziehende und
 * familiär …"), that its value contradicts, or one in mixed case it does not spell out letter by letter
 * ("TAfFf"). Of several such readings, the surest.
 */
function readingSpelledOut(word: ValueWord, value: string): { read: string; taken: string; confidence: number; text: string } | undefined {
  const read = bareWord(word.text);
  if (!read || !word.readings || !wordAlone(read).test(value)) return undefined;
  // An acronym in mixed case the value spells out but not letter by letter ("TAfFf": no word begins
  // with a capital F) is doubtful only where another reading is so spelled: one built of syllables
  // ("PerBe") has none.
  const notLetterByLetter = /\p{Ll}/u.test(read) && acronymIn(read, value) === 'spelled-out' && !spelledLetterByLetter(read, value);
  if (!acronymDoubt(read, value) && !notLetterByLetter) return undefined;
  const [surest] = word.readings
    .map((reading) => ({ reading, taken: bareWord(reading.text) }))
    .filter(({ taken }) => taken && spelledLetterByLetter(taken, withWordReplaced(value, read, taken)))
    .sort((a, b) => b.reading.confidence - a.reading.confidence);
  return surest && { read, taken: surest.taken, confidence: surest.reading.confidence, text: surest.reading.text };
}

/**
 * The values with each acronym their value doubts replaced by another reading of it that the value
 * spells out (`readingSpelledOut`), and their evidence with that reading as the word's text and
 * confidence, the reading replaced kept among the word's other readings. That reading was read off the
 * scan, and the value's own words witness each of its letters, as they do for an acronym read so at
 * once (see `validateConfidence`). Values a text layer gave have one reading of each word and are left
 * as they are.
 */
export function acronymReadingsSpelledOut(values: readonly ValueEvidence[], agreement: Partial<Agreement>): { values: ValueEvidence[]; agreement: Partial<Agreement> } {
  let decided = agreement;
  const read = values.map((value) => {
    const { evidence } = value;
    if (evidence.source === 'pdf-text') return value;
    let text = textAt(decided, evidence.path);
    if (text === undefined) return value;
    let evidenceText = evidence.text;
    const words = value.words.map((word) => {
      const found = readingSpelledOut(word, text ?? '');
      if (!found) return word;
      text = withWordReplaced(text ?? '', found.read, found.taken);
      decided = withMisreadWordsTaken(decided, [{ path: evidence.path, read: found.read, taken: found.taken }]);
      evidenceText = withWordReplaced(evidenceText, found.read, found.taken);
      const readings = [{ text: word.text, confidence: word.confidence }, ...(word.readings ?? []).filter((reading) => reading.text !== found.text)];
      return { ...word, text: found.text, confidence: found.confidence, readings };
    });
    if (words.every((word, index) => word === value.words[index])) return value;
    const confidence = words.reduce((sum, word) => sum + word.confidence, 0) / words.length;
    return { evidence: { ...evidence, text: evidenceText, confidence }, words };
  });
  return { values: read, agreement: decided };
}
