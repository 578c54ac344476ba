import { beforeAll, describe, expect, it } from 'vitest';
import { extractionConfigSchema } from '../../shared/config.js';
import type { ValueEvidence } from '../../shared/extract/evidence.js';
import { germanLexicon, germanWords } from '../../shared/extract/german-lexicon.js';
import { answeredLexicon, type GermanLexicon, withSmallInitial } from '../../shared/extract/lexicon.js';
import { acronymMisreadAs, misreadWords, oneConfusionAway, withMisreadWordsTaken, wordMisreadAs } from '../../shared/extract/misread-words.js';
import { extractDocument } from '../../shared/extract-document.js';
import { pagesFromBlocks } from '../../shared/ocr/textract.js';
import { seedTextLayer } from '../support/fixtures.js';
import { textractPagesFromText } from '../support/textract.js';
import { validateOcrValues } from '../../shared/validate/ocr-values.js';

let lexicon: GermanLexicon;
beforeAll(async () => {
  lexicon = await germanLexicon();
});
const inLexicon = (word: string) => wordMisreadAs(word, (candidate) => lexicon.lists(candidate))?.taken;
const listedOnly = (word: string) => lexicon.lists(word);

describe('the words a misread word may stand for', () => {
  it('undoes one of the confusions of tesseract at a time: strokes run together or apart, letters of one shape, umlaut dots, a thin letter lost, a letter read twice, a serif J cut off', () => {
    expect(oneConfusionAway('Allemerziehende')).toEqual(expect.arrayContaining(['Alleinerziehende', 'Allernerziehende']));
    expect(oneConfusionAway('Beschäfügung')).toContain('Beschäftigung');
    expect(oneConfusionAway('Onentierung')).toContain('Orientierung');
    expect(oneConfusionAway('Erauen')).toContain('Frauen');
    expect(oneConfusionAway('Beschaftigung')).toContain('Beschäftigung');
    expect(oneConfusionAway('Aleinerziehende')).toContain('Alleinerziehende');
    expect(oneConfusionAway('ssozialpädagogischer')).toContain('sozialpädagogischer');
    expect(oneConfusionAway('ugendwerkstatt')).toContain('Jugendwerkstatt');
    expect(oneConfusionAway('Qualifizjerung')).toContain('Qualifizierung');
    expect(oneConfusionAway('Benufliche')).toContain('Berufliche');
    expect(oneConfusionAway('tsozialpädagogischer')).toContain('sozialpädagogischer');
    // Never the word itself, and no capital inside a word written with none.
    expect(oneConfusionAway('Migrations')).not.toContain('Migrations');
    expect(oneConfusionAway('Migrations')).not.toContain('MIgrations');
    expect(oneConfusionAway('JobBrüeke')).toContain('JobBrücke');
  });

  it('takes the one German word the lexicon lists among them', () => {
    expect(inLexicon('Beschäfügung')).toBe('Beschäftigung');
    expect(inLexicon('Erauen')).toBe('Frauen');
    expect(inLexicon('ssozialpädagogischer')).toBe('sozialpädagogischer');
    expect(inLexicon('Aleinerziehende')).toBe('Alleinerziehende');
    expect(inLexicon('Benufliche')).toBe('Berufliche');
    expect(inLexicon('tsozialpädagogischer')).toBe('sozialpädagogischer');
  });

  it('takes no compound the lexicon only knows by taking it apart: it makes them up from near readings', () => {
    // "Alteinerziehende" is "Alt" + "einerziehende" to the lexicon, and listed nowhere.
    expect(lexicon.knows('Alteinerziehende')).toBe(true);
    expect(lexicon.lists('Alteinerziehende')).toBe(false);
    // Compounds one confusion away from what faint print gave: "Korn" + "peter", "Zier" + "urig" + "s" + "budgets".
    for (const [read, madeUp] of [['Kompeter', 'Kornpeter'], ['zierungsbudgets', 'zierurigsbudgets']] as const) {
      expect(lexicon.knows(madeUp), madeUp).toBe(true);
      expect(inLexicon(read), read).toBeUndefined();
    }
    // So a real compound the dictionary lacks is left as read, for review.
    expect(lexicon.lists('Migrationshintergrund')).toBe(false);
    expect(inLexicon('Mgrationshintergrund')).toBeUndefined();
  });

  it('looks two confusions away in a long word only where one finds nothing', () => {
    expect(inLexicon('Onenterung')).toBe('Orientierung');
    expect(wordMisreadAs('Onenterung', (word) => word === 'Orientierung')).toEqual({ read: 'Onenterung', taken: 'Orientierung' });
    // A word shorter than ten letters is not looked at two confusions away.
    expect(wordMisreadAs('Onenterun', (word) => word === 'Orientierun')).toBeUndefined();
  });

  it('joins a word OCR split in two, as it stands or one confusion away, the split replaced', () => {
    expect(wordMisreadAs({ word: 'chäftigung', before: 'Bes' }, listedOnly)).toEqual({ read: 'Bes chäftigung', taken: 'Beschäftigung' });
    expect(wordMisreadAs({ word: 'terium', before: 'Sozialminis', after: 'und' }, listedOnly)).toEqual({ read: 'Sozialminis terium', taken: 'Sozialministerium' });
    expect(wordMisreadAs({ word: 'Qualifiz', after: 'jerung' }, listedOnly)).toEqual({ read: 'Qualifiz jerung', taken: 'Qualifizierung' });
    // A word one confusion away on its own comes before a join one confusion away.
    expect(wordMisreadAs({ word: 'Beschäfügung', before: 'und' }, listedOnly)).toEqual({ read: 'Beschäfügung', taken: 'Beschäftigung' });
  });

  it('takes none where several words are as near, since only the scan can tell them apart', () => {
    const both = new Set(['Bahin', 'Bahrn']);
    expect(wordMisreadAs('Bahm', (word) => both.has(word))).toBeUndefined();
    // Nor where the lexicon knows none at all.
    expect(inLexicon('Zukunftskxmpass')).toBeUndefined();
  });
});

describe('misread words in the values OCR read', () => {
  const value = (path: string, text: string, words: [string, number][], source: 'tesseract' | 'pdf-text' = 'tesseract'): ValueEvidence => ({
    evidence: { path, page: 2, box: { left: 0.1, top: 0.5, width: 0.6, height: 0.02 }, source, confidence: 0.9, text },
    words: words.map(([word, confidence], index) => ({ text: word, confidence, page: 2, left: 60 + 40 * index, top: 420 })),
  });
  /** The lexicon's word on the words read, asked as an extraction asks it: which it knows, and which capitals it writes small. */
  async function documentLexicon(values: readonly ValueEvidence[]) {
    const words = values.flatMap((read) => read.words.map((word) => word.text));
    const capitalised = words.filter((word) => withSmallInitial(word) !== undefined);
    return answeredLexicon(words, await germanWords.known(words), capitalised, await germanWords.writtenSmall(capitalised));
  }
  /** The misread words of a project read as given, the first of a measure's. */
  async function misreadInProject(project: string, words: [string, number][]) {
    const read = value('agreement.measures[0].projects[0]', project, words);
    return misreadWords([read], { measures: [{ number: 1, title: 'Ausbildungsvorbereitung', projects: [project] }] }, await documentLexicon([read]), germanWords, 0.9);
  }
  const readAt = (text: string, confidence: number) => text.split(' ').map((word): [string, number] => [word, confidence]);

  it('are the long plain words the lexicon does not know that stand in the value, each with the word it stands for; a person\'s name and a text layer\'s words are left as read', async () => {
    const agreement = {
      measures: [{ number: 1, title: 'Maßnahmen zur Integration in Ausbildung und Beschäfügung', projects: ['Werkstatt mit ssozialpädagogischer Begleitung', 'Projekt Kiwo'] }],
      signatures: [{ party: 'recipient' as const, place: 'Lauterbach (Hessen)', name: 'Jürgen Güntl', title: 'Landrat' }],
    };
    const values = [
      value('agreement.measures[0].title', 'Maßnahmen zur Integration in Ausbildung und Beschäfügung', [['Maßnahmen', 0.9], ['Integration', 0.9], ['Beschäfügung', 0.91]]),
      value('agreement.measures[0].projects[0]', 'Werkstatt mit ssozialpädagogischer Begleitung', [['Werkstatt', 0.9], ['ssozialpädagogischer', 0.43], ['Begleitung,', 0.9]]),
      // Short, or known: nothing to take.
      value('agreement.measures[0].projects[1]', 'Projekt Kiwo', [['Projekt', 0.9], ['Kiwo', 0.95]]),
      value('agreement.signatures[0].name', 'Jürgen Güntl', [['Jürgen', 0.9], ['Güntl', 0.3]]),
    ];
    const lexiconOfDocument = await documentLexicon(values);
    const misread = await misreadWords(values, agreement, lexiconOfDocument, germanWords, 0.9);
    expect(misread).toEqual([
      { path: 'agreement.measures[0].title', page: 2, read: 'Beschäfügung', confidence: 0.91, taken: 'Beschäftigung', kind: 'non-word' },
      { path: 'agreement.measures[0].projects[0]', page: 2, read: 'ssozialpädagogischer', confidence: 0.43, taken: 'sozialpädagogischer', kind: 'non-word' },
    ]);
    const taken = withMisreadWordsTaken(agreement, misread);
    expect(taken.measures?.[0]?.title).toBe('Maßnahmen zur Integration in Ausbildung und Beschäftigung');
    expect(taken.measures?.[0]?.projects).toEqual(['Werkstatt mit sozialpädagogischer Begleitung', 'Projekt Kiwo']);
    expect(taken.signatures?.[0]?.name).toBe('Jürgen Güntl');
    // The agreement given is left as it was.
    expect(agreement.measures[0]?.title).toBe('Maßnahmen zur Integration in Ausbildung und Beschäfügung');
    // Read from a text layer, a word is what the document says.
    expect(await misreadWords([{ ...values[0]!, evidence: { ...values[0]!.evidence, source: 'pdf-text' } }], agreement, lexiconOfDocument, germanWords, 0.9)).toEqual([]);
  });

  it('are capitals OCR may have read for their small letter, between a word in lower case and a noun, taken small; not a noun, a word of a known name, or a word with no noun or a sentence\'s end after it', async () => {
    const project = 'Werkstatt Zukunft – Qualifizierung in Holz, Metall und Hauswirtschaft mit Sozialpädagogischer Begleitung';
    const misreadIn = (text: string) => misreadInProject(text, readAt(text, 0.95));
    const misread = await misreadIn(project);
    expect(misread).toEqual([{ path: 'agreement.measures[0].projects[0]', page: 2, read: 'Sozialpädagogischer', confidence: 0.95, taken: 'sozialpädagogischer', kind: 'capital', previous: 'mit' }]);
    expect(withMisreadWordsTaken({ measures: [{ number: 1, title: 'Ausbildungsvorbereitung', projects: [project] }] }, misread).measures?.[0]?.projects).toEqual([project.replace('Sozialpädagogischer', 'sozialpädagogischer')]);
    // Nor a word that ends a sentence, whose next word's capital says nothing of it (the word list holds "städten", a form for compounds).
    for (const named of ['Coaching in Werkstatt und Zukunftswerkstatt für Soziales', 'Ausbildung im Vogelsbergkreis', 'TAff – Teilzeitausbildung für Alleinerziehende und familiär Verpflichtete im ländlichen Raum des Kreises', 'Ziele mit den kreisfreien Städten. Bei allen Maßnahmen']) {
      expect(await misreadIn(named), named).toEqual([]);
    }
  });

  it('are words shorter than six letters only where OCR was unsure of them, as validation doubts them: a short word read surely may be a name', async () => {
    const project = 'Kompetenzagentur ugend und Beruf';
    const misreadIn = (confidence: number) => misreadInProject(project, [['Kompetenzagentur', 0.95], ['ugend', confidence], ['und', 0.95], ['Beruf', 0.95]]);
    expect(await misreadIn(0.6)).toEqual([{ path: 'agreement.measures[0].projects[0]', page: 2, read: 'ugend', confidence: 0.6, taken: 'Jugend', kind: 'non-word' }]);
    expect(await misreadIn(0.95)).toEqual([]);
  });

  it('are long words the lexicon knows only by taking them apart, where a confusion leads to a word it lists; a compound it lists, or one no confusion leads from to a listed word, is left as read', async () => {
    const project = 'TAff – Teilzeitausbildung für Allemerziehende und familiär Verpflichtete';
    expect(await misreadInProject(project, readAt(project, 0.93))).toEqual([
      { path: 'agreement.measures[0].projects[0]', page: 2, read: 'Allemerziehende', confidence: 0.93, taken: 'Alleinerziehende', kind: 'compound' },
    ]);
    expect(await misreadInProject('Ausbildungslotsen für Teilzeitausbildung', readAt('Ausbildungslotsen für Teilzeitausbildung', 0.93))).toEqual([]);
    // Taking it sends its value to review, which a known word would not have done.
    const issues: [string, string, string][] = [];
    validateOcrValues({}, { misread: await misreadInProject(project, readAt(project, 0.93)) }, [], (path, code, message) => issues.push([path, code, message]));
    expect(issues).toEqual([
      [
        'agreement.measures[0].projects[0]',
        'value.misread_word',
        '"Allemerziehende" on page 2 was read by OCR (93 %) and is German only as a compound of words the lexicon took it apart into; it was taken for "Alleinerziehende", the one word German writes that a typical misreading leads to; check it against the scan.',
      ],
    ]);
  });

  it('are words OCR split after a word with a capital, the second in small letters, taken joined where the two make a word the dictionary lists, or one it knows where the second is German only as a compound\'s part; a word German writes small there is left as it stands', async () => {
    const title = 'Integration von Menschen mit Migrations hintergrund in Ausbildung';
    const path = 'agreement.measures[0].title';
    const read = value(path, title, readAt(title, 0.96));
    const agreement = { measures: [{ number: 1, title, projects: [] }] };
    const misread = await misreadWords([read], agreement, await documentLexicon([read]), germanWords, 0.9);
    expect(misread).toEqual([{ path, page: 2, read: 'Migrations hintergrund', confidence: 0.96, taken: 'Migrationshintergrund', kind: 'split' }]);
    expect(withMisreadWordsTaken(agreement, misread).measures?.[0]?.title).toBe('Integration von Menschen mit Migrationshintergrund in Ausbildung');
    const issues: [string, string, string][] = [];
    validateOcrValues({}, { misread }, [], (at, code, message) => issues.push([at, code, message]));
    expect(issues).toEqual([
      [
        path,
        'value.misread_word',
        '"Migrations hintergrund" on page 2 was read by OCR (96 %) as two words, the second in small letters after one with a capital; it was taken for "Migrationshintergrund", the one word they make; check it against the scan.',
      ],
    ]);
    // "bildung" is listed, as a compound's last part; "Ausbildung" is a word of its own.
    expect(await misreadInProject('Aus bildung und Arbeit', readAt('Aus bildung und Arbeit', 0.96))).toEqual([
      { path: 'agreement.measures[0].projects[0]', page: 2, read: 'Aus bildung', confidence: 0.96, taken: 'Ausbildung', kind: 'split' },
    ]);
    // After a word in small letters, or with a mark between the two, no noun stands before it.
    for (const project of ['Menschen mit hintergrund', 'Migrations (hintergrund)', 'Migrations, hintergrund']) expect(await misreadInProject(project, readAt(project, 0.96)), project).toEqual([]);
    // A word German writes small after a noun is a word of its own: an adjective, a verb.
    for (const project of ['Alleinerziehende und familiär Verpflichtete', 'Assistierte Ausbildung plus', 'Menschen mit familiensorgenden Tätigkeiten', 'Arbeitsmarktpolitik bindet', 'Maßnahmen erfolgt']) {
      expect(await misreadInProject(project, readAt(project, 0.96)), project).toEqual([]);
    }
  });

  it('are acronyms the words that spell them out contradict, taken for the one acronym a confusion or a letter away that they spell', async () => {
    const spelled = 'Entwicklung Ausbildung Soziale Teilhabe You';
    expect(acronymMisreadAs('FASY', `FASY – ${spelled}`)).toBe('EASY');
    expect(acronymMisreadAs('FEASY', `FEASY – ${spelled}`)).toBe('EASY');
    // Nothing near fits: left as read, for review.
    expect(acronymMisreadAs('QXSY', `QXSY – ${spelled}`)).toBeUndefined();
    const project = `FASY – ${spelled}`;
    expect(await misreadInProject(project, readAt(project, 0.83))).toEqual([
      { path: 'agreement.measures[0].projects[0]', page: 2, read: 'FASY', confidence: 0.83, taken: 'EASY', kind: 'acronym' },
    ]);
    // A taking whose value is a known project its reading stands for unmistakably needs no review; one
    // of a project no list holds, or on faint print, does.
    const takenProject = async (read: string, taken: string, faintPrintPages: number[] = []) => {
      const issues: string[] = [];
      const context = { values: [value('agreement.measures[0].projects[0]', read, readAt(read, 0.4))], misread: await misreadInProject(read, readAt(read, 0.4)), faintPrintPages };
      validateOcrValues({ measures: [{ number: 1, title: 'Ausbildungsvorbereitung', projects: [taken] }] }, context, [], (path, code) => issues.push(`${path} ${code}`));
      return issues;
    };
    expect(await takenProject(`HEASY – ${spelled}`, `EASY – ${spelled}`)).toEqual([]);
    expect(await takenProject(`HEASY – ${spelled}`, `EASY – ${spelled}`, [2])).toEqual(['agreement.measures[0].projects[0] value.misread_word']);
    expect(await takenProject(`HEASY – ${spelled} Nord`, `EASY – ${spelled} Nord`)).toEqual(['agreement.measures[0].projects[0] value.misread_word']);
    // Judged by its words as they are taken: "Erauen" is "Frauen", and "FiA" fits it as it stands.
    expect(await misreadInProject('Erauen in Arbeit – FiA', [['Erauen', 0.87], ['in', 0.95], ['Arbeit', 0.95], ['–', 0.9], ['FiA', 0.9]])).toEqual([
      { path: 'agreement.measures[0].projects[0]', page: 2, read: 'Erauen', confidence: 0.87, taken: 'Frauen', kind: 'non-word' },
    ]);
  });

  it('are acronyms alone that OCR was unsure of, taken for the one known acronym a confusion away; one read surely, a short one or one near none is left as read', async () => {
    expect(await misreadInProject('USBZ', [['USBZ', 0.62]])).toEqual([{ path: 'agreement.measures[0].projects[0]', page: 2, read: 'USBZ', confidence: 0.62, taken: 'ÜSBZ', kind: 'non-word' }]);
    expect(await misreadInProject('USBZ', [['USBZ', 0.95]])).toEqual([]);
    expect(await misreadInProject('QXBZ', [['QXBZ', 0.62]])).toEqual([]);
    expect(await misreadInProject('USB', [['USB', 0.62]])).toEqual([]);
  });

  it('are taken in the record, which stays under review with the word as read and the word taken, and keeps the reading as its evidence', async () => {
    const config = extractionConfigSchema.parse({});
    const { seed, bytes, texts } = await seedTextLayer(config);
    // Textract reads the title's "Umsetzung" with its "t" as an "f".
    const misread = texts.map((page) => ({
      ...page,
      geometry: page.geometry.map((line) => line && { ...line, words: line.words.map((word) => ({ ...word, text: word.text === 'Umsetzung' && line.words[0]?.text === 'zur' ? 'Umsefzung' : word.text })) }),
    }));
    const readings = pagesFromBlocks(textractPagesFromText(misread));
    const record = await extractDocument(bytes, seed.expected.fileName, { config, ocrReadings: readings, lexicon: germanWords, now: () => new Date('2026-11-25T00:00:00Z') });
    expect(record.agreement).toEqual(seed.expected.agreement);
    expect(record.status).toBe('needs_review');
    const path = 'agreement.title';
    const page = record.evidence?.find((evidence) => evidence.path === path)?.page;
    expect(record.issues).toEqual([
      {
        path,
        code: 'value.misread_word',
        message: `"Umsefzung" on page ${page} was read by OCR (99 %) and is no German word or name known here; it was taken for "Umsetzung", the one German word or known name a typical misreading leads to; check it against the scan.`,
      },
    ]);
    expect(record.evidence?.find((evidence) => evidence.path === path)?.text).toContain('Umsefzung');
  });
});
