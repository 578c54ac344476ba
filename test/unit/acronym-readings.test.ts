import { describe, expect, it } from 'vitest';
import { acronymReadingsSpelledOut } from '../../shared/extract/acronym-readings.js';
import type { ValueEvidence, ValueWord } from '../../shared/extract/evidence.js';
import type { Agreement } from '../../shared/schema/record.js';

const path = 'agreement.measures[0].projects[0]';
type Read = [text: string, confidence: number, readings?: [text: string, confidence: number][]];

/** A project OCR read word by word, each word with the other readings OCR gave it, and recorded as the clean-up writes it (a dash between spaces). */
function project(words: Read[], source: 'tesseract' | 'pdf-text' = 'tesseract'): { values: ValueEvidence[]; agreement: Partial<Agreement> } {
  const read = words.map(([text, confidence, readings], index): ValueWord => ({
    text,
    confidence,
    page: 2,
    left: 60 + 40 * index,
    top: 420,
    ...(readings ? { readings: readings.map(([reading, sure]) => ({ text: reading, confidence: sure })) } : {}),
  }));
  const text = words.map(([word]) => word).join(' ');
  const confidence = read.reduce((sum, word) => sum + word.confidence, 0) / read.length;
  return {
    values: [{ evidence: { path, page: 2, box: { left: 0.1, top: 0.5, width: 0.6, height: 0.02 }, source, confidence, text }, words: read }],
    agreement: { measures: [{ number: 1, title: 'Ausbildungsvorbereitung', projects: [text.replace(/\s*-\s+/u, ' – ')] }] },
  };
}

describe('an acronym OCR read more than one way', () => {
  it('is taken as the reading its value spells out letter by letter, where the one taken may have lost a letter', () => {
    const read = project([['Frauen', 0.96], ['in', 0.91], ['Arbeit', 0.95], ['-', 0.9], ['FA', 0.87, [['FiA', 0.71], ['FIA', 0.4]]]]);
    const { values, agreement } = acronymReadingsSpelledOut(read.values, read.agreement);
    expect(agreement.measures?.[0]?.projects).toEqual(['Frauen in Arbeit – FiA']);
    const [value] = values;
    expect(value?.evidence.text).toBe('Frauen in Arbeit - FiA');
    expect(value?.evidence.confidence).toBeCloseTo((0.96 + 0.91 + 0.95 + 0.9 + 0.71) / 5, 10);
    // The reading recorded stays among the word's readings; the one taken is no longer one of them.
    expect(value?.words[4]).toEqual({ text: 'FiA', confidence: 0.71, page: 2, left: 220, top: 420, readings: [{ text: 'FA', confidence: 0.87 }, { text: 'FIA', confidence: 0.4 }] });
    expect(value?.words.slice(0, 4)).toEqual(project([['Frauen', 0.96], ['in', 0.91], ['Arbeit', 0.95], ['-', 0.9]]).values[0]?.words);
  });

  it('takes the surest reading that spells it out, with the marks the word was read with', () => {
    const words: Read[] = [['TAfF-', 0.61, [['TAff-', 0.34], ['TAff', 0.2], ['TAf-', 0.78]]], ['Teilzeitausbildung', 0.95], ['für', 0.93], ['Alleinerziehende', 0.9], ['und', 0.96], ['familiär', 0.92]];
    const read = project(words);
    const { values, agreement } = acronymReadingsSpelledOut(read.values, read.agreement);
    expect(agreement.measures?.[0]?.projects).toEqual(['TAff – Teilzeitausbildung für Alleinerziehende und familiär']);
    expect(values[0]?.words[0]?.text).toBe('TAff-');
    expect(values[0]?.words[0]?.confidence).toBe(0.34);
    expect(values[0]?.evidence.text).toBe('TAff- Teilzeitausbildung für Alleinerziehende und familiär');
  });

  it('takes a reading that spells it out letter by letter over one in mixed case that it does not', () => {
    // " TAff" read right at 22 % on the page, "TAfFf" at 39 and 50 % alone: no word begins with a capital F (unseen set 30000001, stamp).
    const read = project([['TAfFf', 0.39, [['TAff', 0.22]]], ['-', 0.9], ['Teilzeitausbildung', 0.95], ['für', 0.93], ['Alleinerziehende', 0.9], ['und', 0.96], ['familiär', 0.92]]);
    const { agreement } = acronymReadingsSpelledOut(read.values, read.agreement);
    expect(agreement.measures?.[0]?.projects).toEqual(['TAff – Teilzeitausbildung für Alleinerziehende und familiär']);
  });

  it('takes a reading that spells it out over one its value contradicts', () => {
    const read = project([['HiA', 0.9, [['FiA', 0.5]]], ['-', 0.9], ['Frauen', 0.96], ['in', 0.91], ['Arbeit', 0.95]]);
    const { agreement } = acronymReadingsSpelledOut(read.values, read.agreement);
    expect(agreement.measures?.[0]?.projects).toEqual(['FiA – Frauen in Arbeit']);
  });

  it('is left as read where it is spelled out letter by letter already, where no reading is, where nothing spells it out, or where a text layer gave it', () => {
    const unchanged = (words: Read[], source: 'tesseract' | 'pdf-text' = 'tesseract') => {
      const read = project(words, source);
      expect(acronymReadingsSpelledOut(read.values, read.agreement)).toEqual(read);
    };
    unchanged([['Frauen', 0.96], ['in', 0.91], ['Arbeit', 0.95], ['-', 0.9], ['FiA', 0.4, [['FA', 0.9]]]]);
    // Not even for another reading its value spells out as well.
    unchanged([['TAff', 0.3, [['TfAf', 0.9]]], ['-', 0.9], ['Teilzeitausbildung', 0.95], ['für', 0.93], ['Alleinerziehende', 0.9], ['und', 0.96], ['familiär', 0.92]]);
    unchanged([['Frauen', 0.96], ['in', 0.91], ['Arbeit', 0.95], ['-', 0.9], ['FA', 0.87, [['FIA', 0.7], ['FAA', 0.5]]]]);
    unchanged([['FA', 0.87, [['FiA', 0.7]]]]);
    unchanged([['Frauen', 0.96], ['in', 0.91], ['Arbeit', 0.95], ['-', 0.9], ['FA', 0.87, [['FiA', 0.7]]]], 'pdf-text');
    // An acronym in capitals alone that its value spells out is no doubtful reading: nothing is taken for it.
    unchanged([['EASY', 0.8, [['EAsY', 0.9]]], ['-', 0.9], ['Entwicklung', 0.95], ['Ausbildung', 0.95], ['Soziale', 0.95], ['Teilhabe', 0.95], ['You', 0.9]]);
    // One built of syllables is spelled out letter by letter in no reading.
    unchanged([['Perspektive', 0.95], ['Beruf', 0.95], ['(PerBe)', 0.6, [['(PerB)', 0.7]]]]);
  });
});
