import { readFileSync } from 'node:fs';
import dictionary from 'dictionary-de';
import nspell from 'nspell';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractAgreement } from '../../shared/extract/agreement.js';
import type { ValueEvidence } from '../../shared/extract/evidence.js';
import { germanLexicon, germanWords } from '../../shared/extract/german-lexicon.js';
import { answeredLexicon, bareWord, type GermanLexicon, withDocumentWords } from '../../shared/extract/lexicon.js';
import { readAsMonthOf } from '../../shared/extract/listed-values.js';
import { normalizeCharacters } from '../../shared/extract/normalize.js';
import { encodeWordList, SortedWordList } from '../../shared/extract/word-list.js';
import { acronymDoubt, acronymIn, smallWordSkipped, spelledLetterByLetter } from '../../shared/extract/acronyms.js';
import { validateFindings } from '../../shared/validate/rules.js';
import { seedLines } from '../support/seed.js';

/** The word list `npm run build` wrote, which the functions ship. */
const readWordListOfBuild = () => readFileSync(new URL('../../dist/german-words.txt', import.meta.url));

let lexicon: GermanLexicon;
beforeAll(async () => {
  lexicon = await germanLexicon();
});

describe('the sorted word list', () => {
  const list = new SortedWordList(encodeWordList(['Ausbildung', 'Budget', 'abbauen', 'Äbte', 'über', 'Über', 'EU', 'Dr.'], ['Abendmal'], 'test list\nsecond line'));

  it('finds each form it holds, the first and the last included, and no other', () => {
    expect(list.size).toBe(8);
    for (const word of ['Ausbildung', 'Budget', 'abbauen', 'Äbte', 'über', 'Über', 'EU', 'Dr.']) expect(list.correct(word), word).toBe(true);
    for (const word of ['Ausbildun', 'Ausbildungen', 'Budge', 'A', 'Zz', '', ' ', 'test', 'second']) expect(list.correct(word), word).toBe(false);
  });

  it('checks case as nspell does: capitals as sentence case, any form in lower case, never lower case as capitalised', () => {
    expect(list.correct('AUSBILDUNG')).toBe(true);
    expect(list.correct('ABBAUEN')).toBe(true);
    expect(list.correct('Abbauen')).toBe(true);
    expect(list.correct('aUSBILDUNG')).toBe(false);
    expect(list.correct('budget')).toBe(false);
    expect(list.correct('  Budget ')).toBe(true);
  });

  it('refuses a forbidden form however it is written, and a form it cannot hold', () => {
    expect(list.correct('Abendmal')).toBe(false);
    expect(list.correct('ABENDMAL')).toBe(false);
    expect(() => encodeWordList(['two words'], [], 'x')).toThrow(/cannot hold/);
    expect(() => encodeWordList(['#hash'], [], 'x')).toThrow(/cannot hold/);
  });

  it('built from igerman98 as nspell reads it, judges every word as nspell does', () => {
    const spell = nspell({ aff: Buffer.from(dictionary.aff), dic: Buffer.from(dictionary.dic) });
    const forms = Object.keys((spell as unknown as { data: Record<string, unknown> }).data);
    // Every 50th form of the dictionary, in the cases a scan may show it, the seed agreement's words, and misreads.
    const sample = forms.filter((_, index) => index % 50 === 0);
    const words = [
      ...sample.flatMap((form) => [form, form.toUpperCase(), form.toLowerCase(), form.charAt(0).toUpperCase() + form.slice(1)]),
      ...seedLines().flatMap((line) => line.split(/\s+/)),
      'Onentierung', 'Benifliche', 'Intemetportal', 'Brandi', 'FASY', 'Abendmal', 'ABENDMAL', 'Dr.', 'usw.', 'HESSEN',
    ];
    const german = new SortedWordList(Buffer.from(readWordListOfBuild()));
    const differing = words.filter((word) => german.correct(word) !== spell.correct(word));
    expect(differing).toEqual([]);
    expect(german.size).toBeGreaterThan(400_000);
  }, 60_000);
});

describe('the German lexicon', () => {
  it('knows the loanwords of labour-market language the dictionary lacks', () => {
    for (const word of ['Coaching', 'Mentoring', 'Matching']) expect(lexicon.knows(word), word).toBe(true);
  });

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

  it('knows the names of the project data: ministries, their abbreviations and office holders, Landkreise and cities with their seats, projects', () => {
    for (const word of ['HMSI', 'HSM', 'Grüttner', 'Müller-Klepper', 'Vogelsbergkreis', 'Bergstraße', 'Lahn-Dill-Kreis', 'Heppenheim', 'Darmstadt-Dieburg', 'ÜSBZ']) {
      expect(lexicon.knows(word), word).toBe(true);
    }
  });

  it('knows a name in capitals or at a sentence\'s start, but one with capitals inside only as written: its case tells it from a misreading', () => {
    for (const word of ['VOGELSBERGKREIS', 'vogelsbergkreis', 'HEPPENHEIM', 'EASY']) expect(lexicon.knows(word), word).toBe(true);
    // "ÜsBZ" was read for "ÜSBZ" at 75 % on a 300 dpi scan, and the record was valid with it.
    for (const word of ['ÜsBZ', 'üsbz', 'Üsbz', 'Easy', 'easy']) expect(lexicon.knows(word), word).toBe(false);
  });

  it('does not know the non-words single misread letters made of real words in the calibration scans', () => {
    // As tesseract.js read them from scans of the bench (pdfkit's tightly set serif at 200 and 300 dpi).
    for (const word of ['Onentierung', 'Benifliche', 'Benfliche', 'Entwicktung', 'Grütiner', 'Grütmner', 'Intemetportal', 'Brandi', 'FASY', 'USBZ']) {
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
    expect(own.knows('SPRACHBRÜCKE')).toBe(true);
    expect(own.knows('Perbe')).toBe(false);
    expect(lexicon.knows('PerBe')).toBe(false);
  });
});

describe('an acronym in its value', () => {
  it('is checked by the initials of the words that follow it: each capital is one of them', () => {
    expect(acronymIn('EASY', 'EASY – Entwicklung Ausbildung Soziale Teilhabe You')).toBe('spelled-out');
    expect(acronymIn('TAff', 'TAff – Teilzeitausbildung für Alleinerziehende und familiär Verpflichtete')).toBe('spelled-out');
    expect(acronymIn('PerBe', 'Perspektive Beruf (PerBe)')).toBe('spelled-out');
    expect(acronymIn('FASY', 'FASY – Entwicklung Ausbildung Soziale Teilhabe You')).toBe('contradicted');
    expect(acronymIn('PerDe', 'Perspektive Beruf (PerDe)')).toBe('contradicted');
    expect(acronymIn('FiA', 'Frauen in Arbeit – FiA')).toBe('spelled-out');
    expect(acronymIn('FiB', 'Frauen in Arbeit – FiB')).toBe('contradicted');
    expect(acronymIn('ÜSBZ', 'ÜSBZ')).toBe('alone');
    // Words after it that do not spell it out: no dash or colon, no brackets.
    expect(acronymIn('HSM', 'auf dem Internetportal des HSM „Arbeitswelt Hessen“ veröffentlicht')).toBe('alone');
    expect(acronymIn('Orientierung', 'Berufliche Orientierung')).toBeUndefined();
    expect(acronymIn('Werra-Meißner-Kreis', 'und dem Werra-Meißner-Kreis zur Umsetzung des hessischen Ausbildungs- und Qualifizierungsbudgets')).toBeUndefined();
  });

  it('is spelled out letter by letter where it is in mixed case and each of its letters, small or capital as it stands, begins a word of its own, and every such word one', () => {
    expect(spelledLetterByLetter('TAff', 'TAff – Teilzeitausbildung für Alleinerziehende und familiär Verpflichtete')).toBe(true);
    expect(spelledLetterByLetter('FiA', 'Frauen in Arbeit – FiA')).toBe(true);
    // A letter read in the wrong case, one more than the words give, or one fewer: the capitals alone still fit.
    expect(spelledLetterByLetter('TAFf', 'TAFf – Teilzeitausbildung für Alleinerziehende und familiär Verpflichtete')).toBe(false);
    expect(spelledLetterByLetter('TAfff', 'TAfff – Teilzeitausbildung für Alleinerziehende und familiär Verpflichtete')).toBe(false);
    expect(spelledLetterByLetter('TAf', 'TAf – Teilzeitausbildung für Alleinerziehende und familiär Verpflichtete')).toBe(false);
    // In capitals alone, a lost small letter would not show ("FA" for "FiA").
    expect(spelledLetterByLetter('FA', 'Frauen in Arbeit – FA')).toBe(false);
    expect(spelledLetterByLetter('EASY', 'EASY – Entwicklung Ausbildung Soziale Teilhabe You')).toBe(false);
    // Built of syllables, alone, contradicted, or no acronym.
    expect(spelledLetterByLetter('PerBe', 'Perspektive Beruf (PerBe)')).toBe(false);
    expect(spelledLetterByLetter('ÜSBZ', 'ÜSBZ')).toBe(false);
    expect(spelledLetterByLetter('FASY', 'FASY – Entwicklung Ausbildung Soziale Teilhabe You')).toBe(false);
    expect(spelledLetterByLetter('Taff', 'Taff – Teilzeitausbildung für Alleinerziehende und familiär Verpflichtete')).toBe(false);
  });
});

describe('validation of the words OCR read', () => {
  const today = new Date('2026-11-25T00:00:00Z');
  /** The seed agreement as OCR read it, with `seedText` read as `read`, the value at `path`, in the words given. */
  function validateValue(path: string, seedText: string, read: string, words: [string, number][]) {
    // The extraction sees the text normalised, as the pipeline gives it; the evidence keeps it as read.
    const lines = seedLines().map((line) => line.replace(seedText, normalizeCharacters(read)));
    const findings = extractAgreement(lines);
    const values: ValueEvidence[] = [
      {
        evidence: { path, page: 2, box: { left: 0.1, top: 0.5, width: 0.6, height: 0.02 }, source: 'tesseract', confidence: 0.9, text: read },
        words: words.map(([text, confidence], index) => ({ text, confidence, page: 2, left: 60 + 40 * index, top: 420 })),
      },
    ];
    return validateFindings(findings, { today, lowConfidencePages: [], unreadPages: [], values, minValueConfidence: 0.7, minWordConfidence: 0.5, lexicon, minUnknownWordConfidence: 0.9 });
  }
  /** The seed agreement as OCR read it, with the words of its first measure's second project as given. */
  const validateProject = (project: string, words: [string, number][]) =>
    validateValue('agreement.measures[0].projects[1]', 'EASY – Entwicklung Ausbildung Soziale Teilhabe You', project, words);

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

  it('doubts a long word it does not know however sure OCR was: a misread letter in a long word makes a non-word', () => {
    const sure = (text: string) => text.split(' ').map((word): [string, number] => [word, 0.96]);
    const misread = validateProject('TAff – Teilzeitausbildung für Alemerziehende', sure('TAff – Teilzeitausbildung für Alemerziehende'));
    expect(misread.issues).toEqual([
      {
        path: 'agreement.measures[0].projects[1]',
        code: 'value.unknown_word',
        message: '"TAff – Teilzeitausbildung für Alemerziehende" on page 2 was read by OCR, and "Alemerziehende" (96 %) is no German word or name known here; check it against the scan.',
      },
    ]);
    // Each part of a hyphenated word is a word of its own.
    expect(validateProject('Coaching im Waldeck-Erankenberg', sure('Coaching im Waldeck-Erankenberg')).status).toBe('needs_review');
    // A short word, an acronym or a name with capitals inside is judged by its confidence.
    expect(validateProject('Projekt Kiwo', sure('Projekt Kiwo')).status).toBe('valid');
    expect(validateProject('Projekt KompAQT', sure('Projekt KompAQT')).status).toBe('valid');
    // No lexicon holds every signatory's name.
    expect(validateValue('agreement.signatures[1].name', 'Johannes Baron', 'Johannes Baronowski', sure('Johannes Baronowski')).status).toBe('valid');
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

  it('doubts an acronym in capitals that skips a small word between the words it takes its capitals from, however sure OCR was', () => {
    const words = (acronym: string): [string, number][] => [['Frauen', 0.96], ['in', 0.96], ['Arbeit', 0.96], ['–', 0.9], [acronym, 0.96]];
    expect(validateProject('Frauen in Arbeit – FiA', words('FiA')).status).toBe('valid');
    expect(validateProject('Frauen in Arbeit – FA', words('FA')).issues).toEqual([
      {
        path: 'agreement.measures[0].projects[1]',
        code: 'value.unknown_word',
        message: '"Frauen in Arbeit – FA" on page 2 was read by OCR, and "FA" (96 %) may have lost the small letter of "in" among the words that spell it out; check it against the scan.',
      },
    ]);
    expect(smallWordSkipped('FA', 'Frauen in Arbeit – FA')).toBe('in');
    // The words between those it takes its capitals from are capitalised: nothing it could have lost.
    expect(smallWordSkipped('EASY', 'EASY – Entwicklung Ausbildung Soziale Teilhabe You')).toBeUndefined();
    expect(smallWordSkipped('FiA', 'Frauen in Arbeit – FiA')).toBeUndefined();
    expect(smallWordSkipped('ÜSBZ', 'ÜSBZ')).toBeUndefined();
  });

  it('doubts an acronym in mixed case that holds a small letter fewer times than words that spell it out begin with it, however sure OCR was', () => {
    const spelled = 'Teilzeitausbildung für Alleinerziehende und familiär Verpflichtete';
    const words = (acronym: string): [string, number][] => [[acronym, 0.96], ['–', 0.9], ...spelled.split(' ').map((word): [string, number] => [word, 0.96])];
    expect(validateProject(`TAff – ${spelled}`, words('TAff')).status).toBe('valid');
    expect(validateProject(`TAf – ${spelled}`, words('TAf')).issues).toEqual([
      {
        path: 'agreement.measures[0].projects[1]',
        code: 'value.unknown_word',
        message: `"TAf – ${spelled}" on page 2 was read by OCR, and "TAf" (96 %) may have lost a "f": more of the words that spell it out begin with it; check it against the scan.`,
      },
    ]);
    expect(acronymDoubt('TAf', `TAf – ${spelled}`)).toEqual({ kind: 'small-letter-short', letter: 'f' });
    expect(acronymDoubt('TAff', `TAff – ${spelled}`)).toBeUndefined();
  });

  it('says why an acronym\'s value doubts it, and does not doubt one it spells out whole or one that stands alone', () => {
    expect(acronymDoubt('FA', 'Frauen in Arbeit – FA')).toEqual({ kind: 'small-word-skipped', word: 'in' });
    expect(acronymDoubt('FASY', 'FASY – Entwicklung Ausbildung Soziale Teilhabe You')).toEqual({ kind: 'contradicted' });
    expect(acronymDoubt('EASY', 'EASY – Entwicklung Ausbildung Soziale Teilhabe You')).toBeUndefined();
    expect(acronymDoubt('FiA', 'Frauen in Arbeit – FiA')).toBeUndefined();
    expect(acronymDoubt('ÜSBZ', 'ÜSBZ')).toBeUndefined();
    expect(acronymDoubt('Main-Kinzig-Kreis', 'Coaching im Main-Kinzig-Kreis')).toBeUndefined();
  });

  it('takes a date\'s month, named so that it can be no other, as the months name it, however unsure OCR was of it', () => {
    // "16. April 2016" with "April" at 31 % sent a right date to review (unseen set 31000001, 300 dpi).
    const date = 'agreement.signatures[1].date';
    const sure = (name: string): [string, number][] => [['18.', 0.93], [name, 0.31], ['2025', 0.95]];
    expect(validateValue(date, '18.08.2025', '18. August 2025', sure('August')).status).toBe('valid');
    // "Juni" is a letter from "Juli", and is held to the floor; and the month named must be the date's.
    const unsure = (seedText: string, read: string, name: string) => validateValue(date, seedText, read, sure(name)).issues.map((issue) => `${issue.path} ${issue.code}`);
    expect(unsure('18.08.2025', '18. Juni 2025', 'Juni')).toEqual([`${date} value.low_confidence`]);
    expect(readAsMonthOf('August', '2025-08-18')).toBe(true);
    expect(readAsMonthOf('Juni', '2025-06-18')).toBe(false);
    expect(readAsMonthOf('April', '2025-08-18')).toBe(false);
  });

  it('doubts a value that is an entry of its closed list but for umlaut dots OCR lost, however sure OCR was', () => {
    // "USBZ" read under a stamp for the known project "ÜSBZ" (unseen set 31000001).
    expect(validateProject('USBZ', [['USBZ', 0.96]]).issues).toEqual([
      {
        path: 'agreement.measures[0].projects[1]',
        code: 'value.dots_lost',
        message: '"USBZ" on page 2 was read by OCR, and is "ÜSBZ" but for its umlaut dots, which OCR may have lost; check it against the scan.',
      },
    ]);
    expect(validateProject('ÜSBZ', [['ÜSBZ', 0.96]]).status).toBe('valid');
  });

  it('does not doubt a hyphenated name or an abbreviation it knows, wherever it stands', () => {
    expect(validateProject('Coaching im Werra-Meißner-Kreis', [['Coaching', 0.95], ['im', 0.95], ['Werra-Meißner-Kreis', 0.91]]).status).toBe('valid');
    expect(validateProject('Angebote des HMSI zur Integration', [['Angebote', 0.95], ['des', 0.95], ['HMSI', 0.6], ['zur', 0.95], ['Integration', 0.95]]).status).toBe('valid');
  });

  it('doubts a person\'s name it does not know, read with less than the floor, as the clean-up wrote it into the value', () => {
    // "Katrin Wagner" was read "Katım Wagner" and recorded as "Katim Wagner", valid; its words come as recorded (evidenceOf).
    const misread = validateValue('agreement.signatures[1].name', 'Johannes Baron', 'Johannes Barım', [['Johannes', 0.95], ['Barim', 0.73]]);
    expect(misread.issues).toEqual([
      {
        path: 'agreement.signatures[1].name',
        code: 'value.unknown_word',
        message: '"Johannes Barim" on page 2 was read by OCR, and "Barim" (73 %) is no German word or name known here; check it against the scan.',
      },
    ]);
  });

  it('judges a word the repairs replaced by the confidence floors alone', () => {
    // OCR read "] ugend"; the value holds "Jugend".
    expect(validateProject('Jugend Aktiv', [[']', 0.6], ['ugend', 0.6], ['Aktiv', 0.95]]).status).toBe('valid');
  });

  it('writes adjectives and verbs small, nouns and names with their capital', () => {
    for (const word of ['Sozialpädagogischer', 'Soziale', 'Vorbereiten']) expect(lexicon.writesSmall(word), word).toBe(true);
    for (const word of ['Werkstatt', 'Zukunftswerkstatt', 'Vogelsbergkreis', 'Wiesbaden', 'Hessischen']) expect(lexicon.writesSmall(word), word).toBe(false);
  });

  it('sends a value whose quotation marks do not pair to review', () => {
    const unpaired = validateProject('Produktionsschule Neue Wege“', [['Produktionsschule', 0.95], ['Neue', 0.95], ['Wege“', 0.95]]);
    expect(unpaired.status).toBe('needs_review');
    expect(unpaired.issues.map((issue) => [issue.path, issue.code, issue.message])).toEqual([
      [
        'agreement.measures[0].projects[1]',
        'value.unpaired_quote',
        '"Produktionsschule Neue Wege“" on page 2 was read by OCR with a quotation mark that has no partner; check it against the scan.',
      ],
    ]);
    expect(validateProject('Produktionsschule „Neue Wege“', [['Produktionsschule', 0.95], ['„Neue', 0.95], ['Wege“', 0.95]]).status).toBe('valid');
  });

  it('sends a value with a contraction of "dem" before a feminine noun to review: OCR read a short word as another', () => {
    const misread = validateProject('Integration in Arbeit im Ausbildung und Beschäftigung', [['Integration', 0.95], ['in', 0.95], ['Arbeit', 0.95], ['im', 0.96], ['Ausbildung', 0.95], ['und', 0.95], ['Beschäftigung', 0.95]]);
    expect(misread.status).toBe('needs_review');
    expect(misread.issues.map((issue) => [issue.path, issue.code, issue.message])).toEqual([
      [
        'agreement.measures[0].projects[1]',
        'value.contraction',
        '"Integration in Arbeit im Ausbildung und Beschäftigung" on page 2 was read by OCR with "im" before "Ausbildung", a feminine noun that German writes no "im" before; OCR may have misread a short word; check it against the scan.',
      ],
    ]);
    for (const project of ['Coaching im Ausbildungsjahr', 'Integration in Ausbildung', 'Training im Sprung', 'Hilfe zur Beschäftigung', 'Hilfe zum Umsetzen']) {
      const words = project.split(' ').map((word): [string, number] => [word, 0.95]);
      expect(validateProject(project, words).issues, project).toEqual([]);
    }
  });

  it('checks nothing read from a text layer', () => {
    const lines = seedLines().map((line) => line.replace('EASY – Entwicklung', 'FASY – Entwicklung'));
    const values: ValueEvidence[] = [
      {
        evidence: { path: 'agreement.measures[0].projects[1]', page: 2, box: { left: 0.1, top: 0.5, width: 0.6, height: 0.02 }, source: 'pdf-text', confidence: 1, text: 'FASY' },
        words: [{ text: 'FASY', confidence: 1, page: 2, left: 60, top: 420 }],
      },
    ];
    expect(validateFindings(extractAgreement(lines), { today, lowConfidencePages: [], unreadPages: [], values, lexicon, minUnknownWordConfidence: 0.9 }).status).toBe('valid');
  });
});
