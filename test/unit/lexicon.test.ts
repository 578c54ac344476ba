import { beforeAll, describe, expect, it } from 'vitest';
import { extractAgreement } from '../../shared/extract/agreement.js';
import type { ValueEvidence } from '../../shared/extract/evidence.js';
import { bareWord, germanLexicon, type GermanLexicon, withDocumentWords } from '../../shared/extract/lexicon.js';
import { acronymIn, validateFindings } from '../../shared/validate/rules.js';
import { seedLines } from '../support/seed.js';

let lexicon: GermanLexicon;
beforeAll(async () => {
  lexicon = await germanLexicon();
});

describe('the German lexicon', () => {
  it('knows the words of agreements, compounds taken apart included', () => {
    for (const word of [
      'Berufliche', 'Orientierung', 'Entwicklung', 'Jugend', 'familiär', 'und',
      // compounds the dictionary leaves to its rules
      'Teilzeitausbildung', 'Qualifizierungsbudgets', 'Arbeitsmarktintegration', 'Fachkräftesicherung', 'Zielvereinbarung',
      'Ausbildungsvorbereitung', 'Weiterbildungsmaßnahmen', 'Zukunftskompass', 'Kompetenzagentur', 'Staatssekretärin', 'Landrat',
      // a compound's first part cut at a hyphen, hyphenated names, abbreviations, punctuation around a word
      'Ausbildungs-', 'Main-Taunus-Kreis', 'Dr.', '„Arbeitswelt', 'Hessen“', 'Soziales,',
    ]) {
      expect(lexicon.knows(word), word).toBe(true);
    }
  });

  it('knows the names of the project data: ministries and their abbreviations, Landkreise and cities with their seats', () => {
    for (const word of ['HMSI', 'HSM', 'Vogelsbergkreis', 'Bergstraße', 'Lahn-Dill-Kreis', 'Heppenheim', 'Darmstadt-Dieburg']) {
      expect(lexicon.knows(word), word).toBe(true);
    }
  });

  it('does not know the non-words single misread letters made of real words in the calibration scans', () => {
    // As tesseract.js read them from scans of the bench (pdfkit's tightly set serif at 200 and 300 dpi).
    for (const word of ['Onentierung', 'Benifliche', 'Benfliche', 'Entwicktung', 'Grütiner', 'Intemetportal', 'Brandi', 'FASY']) {
      expect(lexicon.knows(word), word).toBe(false);
    }
  });

  it('passes what has no letter: figures, dashes, specks', () => {
    expect(lexicon.knows('2.465.211,00')).toBe(true);
    expect(lexicon.knows('–')).toBe(true);
    expect(bareWord('„Arbeitswelt')).toBe('Arbeitswelt');
    expect(bareWord('.,')).toBe('');
  });

  it('adds a document\'s own words, from its text layer, for that document only', () => {
    const own = withDocumentWords(lexicon, ['Sprachbrücke', 'PerBe']);
    expect(own.knows('PerBe')).toBe(true);
    expect(own.knows('(PerBe)')).toBe(true);
    expect(lexicon.knows('PerBe')).toBe(false);
  });
});

describe('an acronym in its value', () => {
  it('is checked by the initials of the words that follow it: each capital is one of them', () => {
    expect(acronymIn('EASY', 'EASY – Entwicklung Ausbildung Soziale Teilhabe You')).toBe('spelled-out');
    expect(acronymIn('TAff', 'TAff – Teilzeitausbildung für Alleinerziehende und familiär Verpflichtete')).toBe('spelled-out');
    expect(acronymIn('PerBe', 'PerBe – Perspektive Beruf')).toBe('spelled-out');
    expect(acronymIn('FASY', 'FASY – Entwicklung Ausbildung Soziale Teilhabe You')).toBe('contradicted');
    expect(acronymIn('ÜSBZ', 'ÜSBZ')).toBe('alone');
    expect(acronymIn('Orientierung', 'Berufliche Orientierung')).toBeUndefined();
  });
});

describe('validation of the words OCR read', () => {
  const today = new Date('2026-11-25T00:00:00Z');
  /** The seed agreement as OCR read it, with the words of its first measure's second project as given. */
  function validateProject(project: string, words: [string, number][]) {
    const lines = seedLines().map((line) => line.replace('EASY – Entwicklung Ausbildung Soziale Teilhabe You', project));
    const findings = extractAgreement(lines);
    const values: ValueEvidence[] = [
      {
        evidence: { path: 'agreement.measures[0].projects[1]', page: 2, box: { left: 0.1, top: 0.5, width: 0.6, height: 0.02 }, source: 'tesseract', confidence: 0.9, text: project },
        words: words.map(([text, confidence]) => ({ text, confidence })),
      },
    ];
    return validateFindings(findings, { today, lowConfidencePages: [], unreadPages: [], values, minValueConfidence: 0.7, minWordConfidence: 0.5, lexicon, minUnknownWordConfidence: 0.9 });
  }

  it('sends a value with a fairly sure non-word to review, at its path, naming the word', () => {
    const { status, issues } = validateProject('Berufliche Onentierung', [['Berufliche', 0.93], ['Onentierung', 0.67]]);
    expect(status).toBe('needs_review');
    expect(issues).toEqual([
      {
        path: 'agreement.measures[0].projects[1]',
        code: 'value.unknown_word',
        message: '"Berufliche Onentierung" on page 2 was read by OCR, and "Onentierung" (67 %) is no German word or name known here; check it against the scan.',
      },
    ]);
  });

  it('keeps a value whose words are German, or whose unknown word OCR was sure of, valid', () => {
    expect(validateProject('Berufliche Orientierung', [['Berufliche', 0.93], ['Orientierung', 0.67]]).status).toBe('valid');
    expect(validateProject('Produktionsschule PerBe', [['Produktionsschule', 0.95], ['PerBe', 0.93]]).status).toBe('valid');
  });

  it('checks an acronym by its expansion: a misread capital contradicts it, however sure OCR was', () => {
    const read = (acronym: string): [string, number][] => [[acronym, 0.8], ['–', 0.9], ['Entwicklung', 0.96], ['Ausbildung', 0.96], ['Soziale', 0.96], ['Teilhabe', 0.96], ['You', 0.96]];
    expect(validateProject('EASY – Entwicklung Ausbildung Soziale Teilhabe You', read('EASY')).status).toBe('valid');
    const misread = validateProject('FASY – Entwicklung Ausbildung Soziale Teilhabe You', read('FASY').map(([text]) => [text, 0.96]));
    expect(misread.issues).toEqual([
      {
        path: 'agreement.measures[0].projects[1]',
        code: 'value.unknown_word',
        message: '"FASY – Entwicklung Ausbildung Soziale Teilhabe You" on page 2 was read by OCR, and "FASY" (96 %) does not fit the words that spell it out; check it against the scan.',
      },
    ]);
  });

  it('judges a word the repairs replaced by the confidence floors alone', () => {
    // OCR read "] ugend"; the value holds "Jugend".
    expect(validateProject('Jugend Aktiv', [[']', 0.6], ['ugend', 0.6], ['Aktiv', 0.95]]).status).toBe('valid');
  });

  it('checks nothing read from a text layer', () => {
    const lines = seedLines().map((line) => line.replace('EASY – Entwicklung', 'FASY – Entwicklung'));
    const values: ValueEvidence[] = [
      {
        evidence: { path: 'agreement.measures[0].projects[1]', page: 2, box: { left: 0.1, top: 0.5, width: 0.6, height: 0.02 }, source: 'pdf-text', confidence: 1, text: 'FASY' },
        words: [{ text: 'FASY', confidence: 1 }],
      },
    ];
    expect(validateFindings(extractAgreement(lines), { today, lowConfidencePages: [], unreadPages: [], values, lexicon, minUnknownWordConfidence: 0.9 }).status).toBe('valid');
  });
});
