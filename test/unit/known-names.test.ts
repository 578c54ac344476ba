import { describe, expect, it } from 'vitest';
import { extractAgreement } from '../../shared/extract/agreement.js';
import type { ValueEvidence } from '../../shared/extract/evidence.js';
import type { AgreementRecord, Evidence } from '../../shared/schema/record.js';
import { type KnownNames, namesVouchedFor, nearKnownName } from '../../shared/validate/known-names.js';
import { validateFindings } from '../../shared/validate/rules.js';
import { seedExpectedRecord, seedLines } from '../support/seed.js';

const PROJECT = 'agreement.measures[0].projects[1]';
const SIGNATORY = 'agreement.signatures[1].name';
const known: KnownNames = { project: ['Sprungbrett', 'Kompetenzagentur Jugend und Beruf', 'TAff'], signatory: ['Katrin Schmitt', 'Johannes Baron'] };

describe('nearKnownName', () => {
  it('takes a value a letter or two off a known name of its field for a misreading of it', () => {
    // The serif "tt" read "it" at 200 dpi, every letter at 98–99 % (unseen set 34000001).
    expect(nearKnownName(PROJECT, 'Sprungbreit', known)).toBe('Sprungbrett');
    expect(nearKnownName(PROJECT, 'Kompetenzagentur Jugend und Bernd', known)).toBe('Kompetenzagentur Jugend und Beruf');
    expect(nearKnownName(SIGNATORY, 'Katrin Schmidt', known)).toBe('Katrin Schmitt');
    expect(nearKnownName(SIGNATORY, 'Johannes Barm', known)).toBe('Johannes Baron');
  });

  it('takes a known name however it is spaced or dashed, and a value a word more or less for another way of writing it', () => {
    expect(nearKnownName(PROJECT, 'Sprungbrett', known)).toBeUndefined();
    expect(nearKnownName(PROJECT, 'Sprung brett', known)).toBeUndefined();
    // The same person signs with her title in one year and without it in another.
    expect(nearKnownName(SIGNATORY, 'Dr. Katrin Schmitt', known)).toBeUndefined();
    expect(nearKnownName(PROJECT, 'Sprungbrett Plus', known)).toBeUndefined();
  });

  it('leaves a value more letters off every known name, a short name, and a field whose names do not recur alone', () => {
    expect(nearKnownName(PROJECT, 'Sprungfeder', known)).toBeUndefined();
    // Four letters: a letter off is too little to tell a misreading from another acronym.
    expect(nearKnownName(PROJECT, 'TAf', known)).toBeUndefined();
    expect(nearKnownName('agreement.measures[0].title', 'Sprungbreit', known)).toBeUndefined();
    expect(nearKnownName(PROJECT, 'Sprungbreit', {})).toBeUndefined();
  });
});

describe('namesVouchedFor', () => {
  const printed = (path: string, source: Evidence['source'] = 'pdf-text'): Evidence => ({ path, page: 1, box: { left: 0.1, top: 0.1, width: 0.3, height: 0.01 }, source, confidence: 1, text: '' });
  const record: AgreementRecord = {
    ...seedExpectedRecord(),
    evidence: [printed('agreement.measures[0].projects[0]'), printed('agreement.measures[0].projects[1]', 'textract'), printed('agreement.signatures[0].name'), printed('agreement.title')],
  };

  it('vouches for the projects and signatories a text layer printed in a valid record, and for none OCR read', () => {
    expect(namesVouchedFor(record, { confirmedByPerson: false })).toEqual([
      { field: 'project', name: 'ÜSBZ' },
      { field: 'signatory', name: 'Heike Hofmann' },
    ]);
  });

  it('vouches for every name of a record a person confirmed, and for none of a record not valid', () => {
    expect(namesVouchedFor(record, { confirmedByPerson: true })).toEqual([
      { field: 'project', name: 'ÜSBZ' },
      { field: 'project', name: 'EASY – Entwicklung Ausbildung Soziale Teilhabe You' },
      { field: 'project', name: 'Zukunftskompass' },
      { field: 'signatory', name: 'Heike Hofmann' },
      { field: 'signatory', name: 'Johannes Baron' },
    ]);
    expect(namesVouchedFor({ ...record, status: 'needs_review' }, { confirmedByPerson: true })).toEqual([]);
  });
});

describe('a value OCR read near a name known right', () => {
  /**
   * The seed agreement with its first measure's second project read by OCR as `read`, every word at 99 %
   * but its first, at `firstWordConfidence`.
   */
  function validateProject(read: string, knownNames?: KnownNames, { firstWordConfidence = 0.99, faintPrint = false } = {}) {
    const lines = seedLines().map((line) => line.replace('EASY – Entwicklung Ausbildung Soziale Teilhabe You', read));
    const words = read.split(' ').map((text, index) => ({ text, confidence: index === 0 ? firstWordConfidence : 0.99, page: 2, left: 60 + 40 * index, top: 420 }));
    const confidence = words.reduce((sum, word) => sum + word.confidence, 0) / words.length;
    const values: ValueEvidence[] = [{ evidence: { path: PROJECT, page: 2, box: { left: 0.1, top: 0.5, width: 0.6, height: 0.02 }, source: 'tesseract', confidence, text: read }, words }];
    return validateFindings(extractAgreement(lines), {
      today: new Date('2026-12-02'),
      lowConfidencePages: [],
      unreadPages: [],
      values,
      minValueConfidence: 0.7,
      minWordConfidence: 0.5,
      knownNames,
      ...(faintPrint ? { faintPrintPages: [2], minFaintPrintWordConfidence: 0.9 } : {}),
    });
  }

  it('goes to review at its path, named with the known name, and keeps its value as read', () => {
    const { status, issues } = validateProject('Sprungbreit', known);
    expect(status).toBe('needs_review');
    expect(issues).toEqual([
      {
        path: PROJECT,
        code: 'value.near_known_name',
        message: '"Sprungbreit" on page 2 was read by OCR, a letter or two off "Sprungbrett", which records known to be right hold; check it against the scan.',
      },
    ]);
  });

  it('stays valid when it is the known name, or when no names are known', () => {
    expect(validateProject('Sprungbrett', known).status).toBe('valid');
    expect(validateProject('Sprungbreit').status).toBe('valid');
  });

  it('stands for the known name however unsure OCR was of its words, except on faint print', () => {
    // "Alleinerziehende" read alike from the page and both crops, at 19 % and twice at 0 %.
    const doubtful = { firstWordConfidence: 0.19 };
    expect(validateProject('Kompetenzagentur Jugend und Beruf', known, doubtful).status).toBe('valid');
    const unknown = validateProject('Kompetenzagentur Jugend und Beruf', undefined, doubtful);
    expect(unknown.issues.map((issue) => [issue.path, issue.code])).toEqual([[PROJECT, 'value.low_confidence']]);
    const faint = validateProject('Kompetenzagentur Jugend und Beruf', known, { ...doubtful, faintPrint: true });
    expect(faint.issues.map((issue) => [issue.path, issue.code])).toEqual([[PROJECT, 'value.low_confidence']]);
  });
});
