import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractionConfigSchema } from '../../shared/config.js';
import { extractAgreement } from '../../shared/extract/agreement.js';
import { extractMeasures } from '../../shared/extract/measures.js';
import { isNoiseLine, looksLikeText } from '../../shared/extract/noise.js';
import { findPlaceWithoutDate } from '../../shared/extract/signatures.js';
import { extractDocument } from '../../shared/extract-document.js';
import type { OcrPage } from '../../shared/ocr/engine.js';
import { pagesFromBlocks } from '../../shared/ocr/textract.js';
import type { LineGeometry } from '../../shared/pdf/text-layer.js';
import { validateFindings } from '../../shared/validate/rules.js';
import { seedTextLayer } from '../support/fixtures.js';
import { seedLines } from '../support/seed.js';
import { textractPagesFromText } from '../support/textract.js';

/**
 * Every line of the sections the extractor reads is part of a value, page furniture or running text;
 * whatever else stands there (OCR noise, items a list lost) is unaccounted for and the record needs a
 * person's look. And the structure the document announces holds: a list runs to its section's end, a
 * signature block that names its place has its date, the pages the markers count are there.
 */

/** A line as OCR reads it: each word 6 points a character from `x`, read with `confidence`. */
function ocrLine(text: string, confidence = 0.93, x = 70): LineGeometry {
  let at = x;
  const words = text.split(/\s+/).filter(Boolean).map((word) => {
    const placed = { text: word, left: at, right: at + word.length * 6, top: 0, bottom: 10, confidence };
    at += (word.length + 1) * 6;
    return placed;
  });
  return { words, endX: Number.NaN, readByOcr: true };
}

const today = new Date('2026-11-25T00:00:00Z');
const validate = (lines: string[], geometry: (LineGeometry | undefined)[] = []) =>
  validateFindings(extractAgreement(lines, geometry), { today, lowConfidencePages: [], unreadPages: [] });

describe('OCR noise', () => {
  it('is a line without words, or one read with next to no confidence; never a text layer\'s line', () => {
    expect(looksLikeText("Pu DO G E 8; ie ' SS Mn On fi 5X")).toBe(false);
    expect(looksLikeText('ÜSBZ')).toBe(true);
    expect(looksLikeText('Frauen in Arbeit – FiA')).toBe(true);
    expect(isNoiseLine("Pu DO G E 8; ie ' SS Mn On fi 5X", ocrLine("Pu DO G E 8; ie ' SS Mn On fi 5X"))).toBe(true);
    expect(isNoiseLine('EEE PAD Ann', ocrLine('EEE PAD Ann', 0.27))).toBe(true);
    expect(isNoiseLine('Jugendwerkstatt Nord', ocrLine('Jugendwerkstatt Nord'))).toBe(false);
    // Specks on their own and lines of figures are no text lost.
    expect(isNoiseLine('„12', ocrLine('„12', 0.1))).toBe(false);
    expect(isNoiseLine('€ 2.640.917,00', ocrLine('€ 2.640.917,00', 0.9))).toBe(false);
    expect(isNoiseLine("Pu DO G E 8; ie ' SS Mn On fi 5X", { ...ocrLine('x'), readByOcr: false })).toBe(false);
  });

  it('is never a line that names a project or measure type the project knows, however unsure OCR was of it', () => {
    expect(isNoiseLine('ÜSBZ', ocrLine('ÜSBZ', 0.33))).toBe(false);
    expect(isNoiseLine('Ausbildungsvorbereitung', ocrLine('Ausbildungsvorbereitung', 0.3))).toBe(false);
    expect(isNoiseLine('SBZ', ocrLine('SBZ', 0.33))).toBe(true);
  });

  it('is judged by the words of an item, not by what OCR made of its bullet', () => {
    const firstWordAt7 = (line: string): LineGeometry => {
      const geometry = ocrLine(line, 0.81);
      return { ...geometry, words: geometry.words.map((word, index) => (index === 0 ? { ...word, confidence: 0.07 } : word)) };
    };
    // "•" read as "e*" at 7 %, before "Zukunftskompass" at 81 % (unseen set 28000001, 300 dpi).
    expect(isNoiseLine('e* Ausbildungslotsen', firstWordAt7('e* Ausbildungslotsen'))).toBe(false);
    expect(isNoiseLine('e* Ausbildungslotsen', ocrLine('e* Ausbildungslotsen', 0.31))).toBe(true);
    // A first word that is no bullet counts like any other.
    expect(isNoiseLine('Ausbildungs lotsen', firstWordAt7('Ausbildungs lotsen'))).toBe(true);
  });
});

describe('the measure list, line by line', () => {
  const intro = 'Der Landkreis Fulda finanziert mit den Mitteln des Budgets 2023 in den jeweiligen Maßnahmenarten folgende Projekte:';
  const after = 'Die Förderung der aufgeführten Maßnahmen erfolgt auf Basis und nach Maßgabe des Bescheides.';

  it('never takes a line of OCR noise for a project: it stays unaccounted for, under its measure', () => {
    const lines = [intro, '1. Ausbildungsvorbereitung', '- Sprungbrett', "Pu DO G E 8; ie ' SS Mn On fi 5X", 'fi Mn OO SS ie', '2. Berufliche Orientierung', after];
    const geometry = lines.map((line, index) => ocrLine(line, index === 3 || index === 4 ? 0.31 : 0.93));
    const list = extractMeasures(lines, 0, geometry);
    expect(list?.measures).toEqual([
      { number: 1, title: 'Ausbildungsvorbereitung', projects: ['Sprungbrett'] },
      { number: 2, title: 'Berufliche Orientierung', projects: [] },
    ]);
    expect(list?.unaccounted).toEqual([
      { line: 3, measure: 0 },
      { line: 4, measure: 0 },
    ]);
  });

  it('takes a line with a bullet glyph before text that reads like text for a project however unsure OCR was of it, and no such line without one unless it names a known project', () => {
    const lines = [intro, '1. Ausbildungsvorbereitung', '- Sprungbrett', '- ÜSBZ', 'JUMP', '- Ausbildungslotsen', after];
    const geometry = lines.map((line, index) => ocrLine(line, index === 3 || index === 4 ? 0.39 : 0.93));
    const list = extractMeasures(lines, 0, geometry);
    expect(list?.measures).toEqual([{ number: 1, title: 'Ausbildungsvorbereitung', projects: ['Sprungbrett', 'ÜSBZ', 'Ausbildungslotsen'] }]);
    expect(list?.unaccounted).toEqual([{ line: 4, measure: 0 }]);
    const known = lines.map((line) => (line === 'JUMP' ? 'ÜSBZ' : line));
    expect(extractMeasures(known, 0, geometry)?.measures[0]?.projects).toEqual(['Sprungbrett', 'ÜSBZ', 'ÜSBZ', 'Ausbildungslotsen']);
  });

  it('reads an item from its words, not from the specks the clean-up takes off its start', () => {
    // "_- Produktionsschule „Neue Wege“": the "_-" at 23 % was in the value's evidence, and its mean
    // confidence sent a right value to review (unseen set 30000001, stamp).
    const lines = [intro, '1. Ausbildungsvorbereitung', '_- Produktionsschule „Neue Wege“', after];
    const list = extractMeasures(lines, 0, lines.map((line) => ocrLine(line)));
    expect(list?.measures).toEqual([{ number: 1, title: 'Ausbildungsvorbereitung', projects: ['Produktionsschule „Neue Wege“'] }]);
    expect(list?.sources[0]?.projects).toEqual([[{ line: 2, start: 3, end: lines[2]!.length }]]);
    expect(list?.sources[0]?.title).toEqual([{ line: 1, start: 3, end: lines[1]!.length }]);
  });

  it('takes a line OCR read with a bullet glyph the clean-up dropped for a project however unsure OCR was of it', () => {
    // "* Ausbildungslotsen" at 48 %: the clean-up dropped the "*" as junk, and the project was lost to
    // "unaccounted text", with every project after it shifted (unseen set 28000001, 300 dpi).
    const lines = [intro, '1. Ausbildungsvorbereitung', 'Ausbildungslotsen', 'Sprungbrett', 'Jugendwerkstatt', after];
    const read = ['* Ausbildungslotsen', '* Sprungbrett', 'Jugendwerkstatt'];
    const geometry = lines.map((line, index) => ocrLine(read[index - 2] ?? line, index >= 2 && index <= 4 ? 0.48 : 0.93));
    const list = extractMeasures(lines, 0, geometry);
    expect(list?.measures).toEqual([{ number: 1, title: 'Ausbildungsvorbereitung', projects: ['Ausbildungslotsen', 'Sprungbrett'] }]);
    expect(list?.unaccounted).toEqual([{ line: 4, measure: 0 }]);
  });

  it('opens a project at a bullet glyph the clean-up dropped, where the line above seems to go on into it', () => {
    // "° Jugendwerkstatt Nord" under a two-line project, and "* Jugendwerkstatt Nord" at a page's top:
    // without its "°" or "*" the line read as the item above going on, and the item was lost into it
    // (unseen set 32000001, 300 dpi).
    const lines = [
      'Der Landkreis Fulda finanziert folgende Projekte:',
      '1. Qualifizierungsprojekte zur Arbeitsmarktintegration, Fachkräftesicherung',
      'Werkstatt Zukunft – Qualifizierung in Holz, Metall und Hauswirtschaft mit',
      'sozialpädagogischer Begleitung in den Werkstätten des Landkreises Fulda',
      'Jugendwerkstatt Nord',
      after,
    ];
    const read = ['° Werkstatt Zukunft – Qualifizierung in Holz, Metall und Hauswirtschaft mit', lines[3]!, '° Jugendwerkstatt Nord'];
    const geometry = lines.map((line, index) => ocrLine(read[index - 2] ?? line));
    expect(extractMeasures(lines, 0, geometry)?.measures).toEqual([
      {
        number: 1,
        title: 'Qualifizierungsprojekte zur Arbeitsmarktintegration, Fachkräftesicherung',
        projects: ['Werkstatt Zukunft – Qualifizierung in Holz, Metall und Hauswirtschaft mit sozialpädagogischer Begleitung in den Werkstätten des Landkreises Fulda', 'Jugendwerkstatt Nord'],
      },
    ]);
  });

  it('takes a bullet OCR read as a digit and a mark, set under the measure\'s title, for a bullet, and the same set as far left as the measures for the number of the next one', () => {
    // "•" read as "2»" before "Produktionsschule „Neue Wege“" was kept in the project's name (unseen set 30000001, stamp).
    const lines = [intro, '1. Ausbildungsvorbereitung', '- Sprungbrett', '2» Produktionsschule „Neue Wege“', '2» Berufliche Orientierung', '- JobBrücke', after];
    const geometry = lines.map((line, index) => ocrLine(line, 0.93, index === 2 || index === 3 || index === 5 ? 100 : 70));
    expect(extractMeasures(lines, 0, geometry)?.measures).toEqual([
      { number: 1, title: 'Ausbildungsvorbereitung', projects: ['Sprungbrett', 'Produktionsschule „Neue Wege“'] },
      { number: 2, title: 'Berufliche Orientierung', projects: ['JobBrücke'] },
    ]);
  });

  it('takes a numbered line whose text starts where the open measure\'s title starts for the next measure, wherever OCR set its number', () => {
    // "1." read with a speck beside it, 23 points left of the numbers below it: measures 2 to 4 were
    // taken for projects of measure 1 (unseen set 30000001, 200 dpi JPEG).
    const placed = (...words: [string, number][]): LineGeometry => ({
      words: words.map(([text, left]) => ({ text, left, right: left + text.length * 5, top: 0, bottom: 10, confidence: 0.93 })),
      endX: Number.NaN,
      readByOcr: true,
    });
    const lines = [intro, '1. Berufliche Orientierung', '- Sprungbrett', '2. Ausbildungsvorbereitung', '- JobBrücke', '3; Zukunftskompass', after];
    const geometry = [
      placed(['Der', 70]),
      placed(['1.', 65], ['Berufliche', 107], ['Orientierung', 156]),
      placed(['-', 109], ['Sprungbrett', 123]),
      placed(['2.', 88], ['Ausbildungsvorbereitung', 107]),
      placed(['-', 109], ['JobBrücke', 123]),
      placed(['3;', 109], ['Zukunftskompass', 123]),
      placed(['Die', 70]),
    ];
    expect(extractMeasures(lines, 0, geometry)?.measures).toEqual([
      { number: 1, title: 'Berufliche Orientierung', projects: ['Sprungbrett'] },
      { number: 2, title: 'Ausbildungsvorbereitung', projects: ['JobBrücke', 'Zukunftskompass'] },
    ]);
  });

  it('takes a line numbered as the measure the list expects next, before text that reads like text, for that measure however unsure OCR was of it, and no other number', () => {
    // On faint print the first measure's line was read at 39 %, and the whole list was lost with it.
    const lines = [intro, '1) Benffliche Orientierung', '- Sprungbrett', '2) Ausbildungsvorbereitung', '7) Qualifizierungsprojekte', after];
    const geometry = lines.map((line, index) => ocrLine(line, index === 1 || index === 4 ? 0.39 : 0.93));
    const list = extractMeasures(lines, 0, geometry);
    expect(list?.measures).toEqual([
      { number: 1, title: 'Benffliche Orientierung', projects: ['Sprungbrett'] },
      { number: 2, title: 'Ausbildungsvorbereitung', projects: [] },
    ]);
    expect(list?.unaccounted).toEqual([{ line: 4, measure: 1 }]);
  });

  it('accounts for the paragraph after the list, and for nothing that looks like an item the list lost', () => {
    const lines = [intro, '1. Ausbildungsvorbereitung', '- Sprungbrett', after, '§ 5'];
    expect(extractMeasures(lines)?.unaccounted).toEqual([]);
    // The list broke off at a line it could not place; what follows before the section ends is unaccounted.
    const cut = [intro, '1. Ausbildungsvorbereitung', '- Sprungbrett', '2. Berufliche Orientierung', '4. Ausbildung und Ausbildungscoaching', '- JobBrücke', after, '§ 5'];
    const list = extractMeasures(cut);
    expect(list?.measures.map((measure) => measure.number)).toEqual([1, 2]);
    expect(list?.unaccounted.map(({ line }) => cut[line])).toEqual(['4. Ausbildung und Ausbildungscoaching', '- JobBrücke']);
    expect(list?.cutBefore).toBe(4);
  });

  it('ends the list\'s section at a heading centred in the column, where OCR lost the "§" line and a period', () => {
    const lines = [intro, '1. Ausbildungsvorbereitung', '- Sprungbrett', 'Die Förderung der aufgeführten Maßnahmen erfolgt auf Basis und nach Maßgabe des', 'Bescheides', '', 'Zielsteuerung', 'Der Landkreis und das HMSI bleiben im Austausch.'];
    // Running text fills the column from 70 to 520 points; the heading stands in its middle.
    const full = (line: string) => {
      const placed = ocrLine(line);
      const scale = 450 / ((placed.words.at(-1)?.right ?? 520) - 70);
      return { ...placed, words: placed.words.map((word) => ({ ...word, left: 70 + (word.left - 70) * scale, right: 70 + (word.right - 70) * scale })) };
    };
    const geometry = lines.map((line, index) => (index === 0 || index === 3 || index === 7 ? full(line) : ocrLine(line)));
    geometry[6] = ocrLine('Zielsteuerung', 0.93, 256);
    geometry.push(...Array.from({ length: 4 }, () => full(intro)));
    expect(extractMeasures(lines, 0, geometry)?.unaccounted).toEqual([]);
    // Without positions, the short line standing alone is unaccounted for.
    expect(extractMeasures(lines)?.unaccounted.map(({ line }) => lines[line])).toEqual(['Zielsteuerung']);
  });
});

describe('structural checks', () => {
  it('flags a numbered list that stops before its section ends, at the measure list', () => {
    const lines = seedLines().map((line) => (line.startsWith('2. Ausbildung und') ? `5. ${line.slice(3)}` : line));
    const issues = validate(lines).issues;
    expect(issues).toContainEqual(expect.objectContaining({ path: 'agreement.measures', code: 'measures.list_cut' }));
    expect(issues.find((issue) => issue.code === 'measures.list_cut')?.message).toContain('5. Ausbildung und Ausbildungscoaching');
  });

  it('flags text under a measure without projects that was not read as any', () => {
    const lines = seedLines();
    const at = lines.findIndex((line) => line.startsWith('2. Ausbildung und'));
    lines.splice(at + 1, 0, 'Pu DO G E 8; ie SS Mn On fi');
    const geometry = lines.map((line) => ocrLine(line));
    const result = validate(lines, geometry);
    expect(result.status).toBe('needs_review');
    expect(result.issues).toContainEqual(expect.objectContaining({ path: 'agreement.measures[1].projects', code: 'measure.projects_unread' }));
  });

  it('flags a number in the amount\'s section that is no amount, year or date it read', () => {
    const lines = seedLines().map((line) => (line.startsWith('aus dem Ausbildungs-') ? `${line} Davon sind 25.0 00 Eur für Teilzeitausbildungen vorgesehen.` : line));
    const issues = validate(lines).issues;
    expect(issues).toContainEqual(expect.objectContaining({ path: 'agreement.amount', code: 'text.unaccounted' }));
  });

  it('ends the amount\'s section at the measure list where OCR lost the heading between them', () => {
    const lines = seedLines().filter((line) => line !== '§ 5');
    const geometry = lines.map((line) => ocrLine(line, line === '- ÜSBZ' ? 0.39 : 0.93));
    const issues = validate(lines, geometry).issues;
    expect(issues.filter((issue) => issue.path === 'agreement.amount')).toEqual([]);
    expect(extractAgreement(lines, geometry).agreement.measures?.[0]?.projects).toEqual(['ÜSBZ', 'EASY – Entwicklung Ausbildung Soziale Teilhabe You']);
  });

  it('flags an amount the text introduces as a part of the total, when no total was read', () => {
    const lines = seedLines().map((line) => (line === '1.018.910 Euro' ? 'davon 80.000 Euro für Teilzeitausbildung' : line));
    const result = validate(lines);
    expect(result.issues).toContainEqual(expect.objectContaining({ path: 'agreement.amount', code: 'amount.part_only' }));
  });

  it('keeps a signature block whose date could not be read, with its place, name and office, and asks for the date', () => {
    expect(findPlaceWithoutDate('Wiesbaden, den 28. Jüh 2025')).toMatchObject({ place: 'Wiesbaden', unreadDate: 'den 28. Jüh 2025' });
    expect(findPlaceWithoutDate('Wiesbaden, den 28. Juli 2025')).toBeUndefined();
    expect(findPlaceWithoutDate('Darmstadt, die Wissenschaftsstadt')).toBeUndefined();
    const lines = seedLines().map((line) => (line === 'Hofheim, den 18.08.2025' ? 'Hofheim, den 18. Aogost 2O25' : line));
    const findings = extractAgreement(lines);
    expect(findings.agreement.signatures?.[1]).toEqual({ party: 'recipient', place: 'Hofheim', name: 'Johannes Baron', title: 'Kreisbeigeordneter' });
    const result = validateFindings(findings, { today, lowConfidencePages: [], unreadPages: [] });
    expect(result.issues).toEqual([expect.objectContaining({ path: 'agreement.signatures[1].date', code: 'signature.date_unreadable' })]);
  });

  it('keeps a signatory\'s name that OCR read as unsure as a scribble, and takes no organisation for a name', () => {
    const lines = seedLines().map((line) => (line === 'des Landkreises' ? 'der Landeshauptstadt Wiesbaden' : line)).filter((line) => line !== 'Main-Taunus-Kreis');
    const geometry = lines.map((line) => ocrLine(line, line === 'Johannes Baron' ? 0.3 : 0.93));
    expect(extractAgreement(lines, geometry).agreement.signatures?.[1]).toEqual({ party: 'recipient', place: 'Hofheim', date: '2025-08-18', name: 'Johannes Baron', title: 'Kreisbeigeordneter' });
    // A scribble that reads as no name stays out of the block; the organisation below the office is no name either.
    const scribbled = lines.map((line) => (line === 'Johannes Baron' ? 'Mn On fi 5X' : line));
    expect(extractAgreement(scribbled, geometry).agreement.signatures?.[1]).toEqual({ party: 'recipient', place: 'Hofheim', date: '2025-08-18', title: 'Kreisbeigeordneter' });
  });

  it('keeps a signatory\'s office that OCR read as unsure as a scribble, spelt as the office it is', () => {
    const lines = seedLines().map((line) => (line === 'Kreisbeigeordneter' ? 'Kreisbeigeordncter' : line));
    const geometry = lines.map((line) => ocrLine(line, line === 'Kreisbeigeordncter' ? 0.45 : 0.93));
    expect(isNoiseLine('Kreisbeigeordncter', geometry[lines.indexOf('Kreisbeigeordncter')])).toBe(true);
    expect(extractAgreement(lines, geometry).agreement.signatures?.[1]).toEqual({ party: 'recipient', place: 'Hofheim', date: '2025-08-18', name: 'Johannes Baron', title: 'Kreisbeigeordneter' });
  });

  it('flags a measure whose title is none of the measure types the programme lists in § 1, where it lists them', () => {
    expect(validate(seedLines()).issues).toEqual([]);
    const lines = seedLines().map((line) => line.replace('3. Qualifizierungsprojekte zur Arbeitsmarktintegration, Fachkräftesicherung', '3. Hausaufgabenhilfe Grundschule'));
    expect(validate(lines).issues).toEqual([expect.objectContaining({ path: 'agreement.measures[2].title', code: 'measure.outside_programme' })]);
    // Without the list in § 1, nothing says which titles to expect.
    const withoutList = lines.filter((line) => !line.startsWith('Schwerpunkte im'));
    expect(validate(withoutList).issues).toEqual([]);
  });

  it('flags pages the page markers count but the document lacks, and pages that yielded no text', () => {
    const result = validateFindings(extractAgreement(seedLines()), { today, lowConfidencePages: [], unreadPages: [], pageCount: 2, announcedPages: 3, emptyPages: [2] });
    expect(result.issues.map((issue) => [issue.path, issue.code])).toEqual([
      ['document', 'page.empty'],
      ['document', 'document.pages_missing'],
    ]);
    // A document that is no agreement is rejected for that alone: what its pages lack is no finding about one.
    const notAnAgreement = validateFindings(extractAgreement(['Einladung zum Sommerfest']), { today, lowConfidencePages: [], unreadPages: [], pageCount: 1, emptyPages: [1] });
    expect(notAnAgreement).toEqual({ status: 'rejected', issues: [expect.objectContaining({ path: 'document', code: 'document.not_agreement' })] });
  });
});

describe('a line of OCR noise anywhere in an agreement', () => {
  const lines = seedLines();
  const clean = extractAgreement(lines, lines.map((line) => ocrLine(line)));
  /** What OCR makes of specks, a stamp or the grain of an empty page: letters, figures and marks in ones and twos, runs of consonants. */
  const noise = fc
    .array(fc.stringMatching(/^(?:[A-ZÄÖÜa-zäöü]{1,2}|[BCDFGHKLMNPRSTVWXZbcdfghklmnprstvwxz]{3,4}|[0-9]{1,3}|[.,;:'"!?|\\/_~*„“-]|[A-Z][a-z]?[0-9;.,'])$/), { minLength: 3, maxLength: 14 })
    .map((tokens) => tokens.join(' '));

  it('never becomes a value of a valid record, read with any confidence, on any line', () => {
    expect(validate(lines, lines.map((line) => ocrLine(line))).status).toBe('valid');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: lines.length }), noise, fc.double({ min: 0.05, max: 0.99, noNaN: true }), (at, text, confidence) => {
        const noisy = [...lines.slice(0, at), text, ...lines.slice(at)];
        const geometry = noisy.map((line, index) => ocrLine(line, index === at ? confidence : 0.93));
        const findings = extractAgreement(noisy, geometry);
        const { status } = validateFindings(findings, { today, lowConfidencePages: [], unreadPages: [] });
        // Valid only with every value as read without the noise: none of it made it into a value.
        if (status === 'valid') expect(findings.agreement).toEqual(clean.agreement);
      }),
      // Besides the random cases, two that random runs once found: a misread bullet before a lone letter
      // and figures under measure 1, and a bullet with nothing but marks after it.
      { numRuns: 400, examples: [[65, '0 G9 ,', 0.475], [67, '- . „', 0.063]] },
    );
  });
});

describe('a line of ink OCR read nothing in', () => {
  it('sends the record to review, naming the page and where the line stands on it, and changes no value; below where the signatures begin it is a signature or a stamp', async () => {
    const config = extractionConfigSchema.parse({});
    const { seed, bytes, texts } = await seedTextLayer(config);
    const readings = pagesFromBlocks(textractPagesFromText(texts));
    const read = (ocrReadings: ReadonlyMap<number, OcrPage>) => extractDocument(bytes, seed.expected.fileName, { config, ocrReadings, now: () => new Date('2026-11-25T00:00:00Z') });
    const whole = await read(readings);
    expect(whole.status).toBe('valid');
    const second = readings.get(2)!;
    const lost = await read(new Map([...readings, [2, { ...second, unreadLines: [0.4 * second.size.height] }]]));
    expect(lost.agreement).toEqual(whole.agreement);
    expect(lost.status).toBe('needs_review');
    expect(lost.issues).toEqual([
      {
        path: 'document',
        code: 'ocr.line_unread',
        message: 'Page 2 holds a line of ink 40 % of the way down that OCR read nothing in; whatever it holds is missing from the record. Check the page against the scan.',
      },
    ]);
    const signatures = whole.evidence!.find((evidence) => evidence.path === 'agreement.signatures[0].place')!;
    // The seed signs on page 3, below the line lost on page 2.
    expect(signatures.page).toBe(3);
    const signed = readings.get(3)!;
    const scribble = await read(new Map([...readings, [3, { ...signed, unreadLines: [(signatures.box.top + 0.05) * signed.size.height] }]]));
    expect(scribble).toEqual(whole);
    const aboveAndBelow = await read(new Map([...readings, [3, { ...signed, unreadLines: [0.3 * signed.size.height, (signatures.box.top + 0.05) * signed.size.height] }]]));
    expect(aboveAndBelow.issues.map((issue) => issue.message)).toEqual([
      'Page 3 holds a line of ink 30 % of the way down that OCR read nothing in; whatever it holds is missing from the record. Check the page against the scan.',
    ]);
  });
});
