import { describe, expect, it } from 'vitest';
import { extractAgreement } from '../../shared/extract/agreement.js';
import { validateFindings } from '../../shared/validate/rules.js';
import { seedLines } from '../support/seed.js';

const today = new Date('2026-11-25T00:00:00Z');
const validate = (lines: string[]) =>
  validateFindings(extractAgreement(lines), { today, lowConfidencePages: [], unreadPages: [] });
const codes = (lines: string[]) => validate(lines).issues.map((issue) => issue.code);
const replace = (from: string | RegExp, to: string) => seedLines().map((line) => line.replace(from, to));

describe('validation', () => {
  it('finds the seed valid with no issues', () => {
    expect(validate(seedLines())).toEqual({ status: 'valid', issues: [] });
  });

  it('flags a signature date that does not exist', () => {
    const result = validate(replace('Hofheim, den 18.08.2025', 'Hofheim, den 31.02.2025'));
    expect(result.status).toBe('needs_review');
    expect(result.issues).toEqual([
      expect.objectContaining({ path: 'agreement.signatures[1].date', code: 'signature.date_invalid' }),
    ]);
    expect(result.issues[0]?.message).toContain('31.02.2025');
  });

  it('flags a signature date implausible for the budget year, and one in the future', () => {
    expect(codes(replace('Wiesbaden, den 2.8.2025', 'Wiesbaden, den 2.8.2019'))).toEqual(['signature.date_implausible']);
    expect(codes(replace('Hofheim, den 18.08.2025', 'Hofheim, den 18.08.2027'))).toEqual(['signature.date_future']);
  });

  it('flags a missing and an implausible amount', () => {
    expect(codes(replace('1.018.910 Euro', 'eine Million Euro'))).toEqual(['amount.missing']);
    expect(codes(replace('1.018.910 Euro', '1.018 Euro'))).toEqual(['amount.implausible']);
  });

  it('flags an amount whose words say something else than its digits, and accepts one that agrees', () => {
    const agreeing = replace('1.018.910 Euro', '1.018.910 Euro (in Worten: eine Million achtzehntausendneunhundertzehn Euro)');
    expect(validate(agreeing)).toEqual({ status: 'valid', issues: [] });
    const differing = replace('1.018.910 Euro', '1.018.910 Euro (in Worten: eine Million achttausendneunhundertzehn Euro)');
    const result = validate(differing);
    expect(result.issues.map((issue) => [issue.path, issue.code])).toEqual([['agreement.amount', 'amount.words_mismatch']]);
    expect(result.issues[0]?.message).toContain('achttausendneunhundertzehn');
  });

  it('flags a recipient that is not one of the 26', () => {
    const lines = seedLines().map((line) => line.replace(/Landkreis Main-Taunus-Kreis|Main-Taunus-Kreis/g, 'Landkreis München'));
    const result = validate(lines);
    expect(result.issues.map((issue) => issue.code)).toEqual(['party.recipient_unknown']);
    expect(result.issues[0]?.message).toContain('München');
  });

  it('flags a missing measure list and a missing signature', () => {
    const withoutList = seedLines().filter((line) => !/^(?:\d\. |- )/.test(line));
    expect(codes(withoutList)).toEqual(['measures.missing']);
    const withoutRecipientSignature = seedLines().filter((line) => !line.startsWith('Hofheim, den'));
    expect(codes(withoutRecipientSignature)).toEqual(['signature.missing']);
  });

  it('flags a ministry name that does not fit the budget year', () => {
    const lines = seedLines().map((line) => line.replace('2025', '2016'));
    expect(codes(lines)).toContain('party.funder_name_year');
  });

  it('rejects a document that is not an agreement at all', () => {
    const result = validate(['Rechnung Nr. 4711', 'Büromaterial 120,00 EUR', 'Zahlbar bis 30.11.2025']);
    expect(result.status).toBe('rejected');
    expect(result.issues.map((issue) => issue.code)).toEqual(['document.not_agreement']);
  });

  it('sends a document whose readable pages show no agreement to review when other pages were not read', () => {
    const result = validateFindings(extractAgreement([]), { today, lowConfidencePages: [], unreadPages: [1, 2] });
    expect(result.status).toBe('needs_review');
    expect(result.issues.map((issue) => issue.code)).toEqual(['ocr.skipped', 'ocr.skipped', 'document.unread']);
  });

  it('sends pages that OCR read poorly or not at all to review', () => {
    const result = validateFindings(extractAgreement(seedLines()), {
      today,
      lowConfidencePages: [{ page: 2, confidence: 0.416 }],
      unreadPages: [3],
    });
    expect(result.status).toBe('needs_review');
    expect(result.issues.map((issue) => [issue.code, issue.message])).toEqual([
      ['ocr.skipped', 'Page 3 has no text layer and was not read by OCR.'],
      ['ocr.low_confidence', 'Page 2 was read by OCR with a mean confidence of 42 %; check its fields against the scan.'],
    ]);
  });

  it('sends an amount OCR read without the separators of its thousands to review, and not one the text layer gave so', () => {
    const amountRead = (source: 'tesseract' | 'pdf-text') => ({
      evidence: { path: 'agreement.amount', page: 1, box: { left: 0.4, top: 0.6, width: 0.1, height: 0.01 }, source, confidence: source === 'pdf-text' ? 1 : 0.95, text: '1018910 Euro' },
      words: [{ text: '1018910', confidence: 0.95, page: 1, left: 240, top: 500 }, { text: 'Euro', confidence: 0.95, page: 1, left: 290, top: 500 }],
    });
    const findings = extractAgreement(replace('1.018.910 Euro', '1018910 Euro'));
    const read = (source: 'tesseract' | 'pdf-text') => validateFindings(findings, { today, lowConfidencePages: [], unreadPages: [], values: [amountRead(source)] });
    expect(read('tesseract').status).toBe('needs_review');
    expect(read('tesseract').issues.map((issue) => [issue.path, issue.code, issue.message])).toEqual([
      [
        'agreement.amount',
        'amount.ungrouped',
        'The amount 1018910 Euro was read by OCR without the separators of its thousands, so the count of its digits cannot be checked; check it against the scan.',
      ],
    ]);
    expect(read('pdf-text')).toEqual({ status: 'valid', issues: [] });
    expect(validateFindings(extractAgreement(seedLines()), { today, lowConfidencePages: [], unreadPages: [], values: [{ ...amountRead('tesseract'), evidence: { ...amountRead('tesseract').evidence, text: '1.018.910 Euro' } }] }).issues).toEqual([]);
  });

  it('takes an acronym its value spells out letter by letter as witnessed on normal print, and holds it to the floor on faint print', () => {
    const spelledOut = 'TAff – Teilzeitausbildung für Alleinerziehende und familiär Verpflichtete';
    const lines = seedLines().map((line) => line.replace('EASY – Entwicklung Ausbildung Soziale Teilhabe You', spelledOut));
    const taff = (page: number, acronymConfidence: number, unsure = '') => ({
      evidence: { path: 'agreement.measures[0].projects[1]', page, box: { left: 0.1, top: 0.1, width: 0.3, height: 0.02 }, source: 'tesseract' as const, confidence: 0.85, text: spelledOut },
      words: spelledOut.split(' ').map((word, index) => ({ text: word, confidence: word === 'TAff' ? acronymConfidence : word === unsure ? 0.3 : 0.95, page: 2, left: 60 + 40 * index, top: 420 })),
    });
    const validate = (value: ReturnType<typeof taff>, read = lines) =>
      validateFindings(extractAgreement(read), {
        today,
        lowConfidencePages: [],
        unreadPages: [],
        values: [value],
        minValueConfidence: 0.7,
        minWordConfidence: 0.5,
        faintPrintPages: [2],
        minFaintPrintWordConfidence: 0.9,
      });
    const messages = (value: ReturnType<typeof taff>, read = lines) => validate(value, read).issues.map((issue) => [issue.path, issue.code, issue.message]);
    expect(validate(taff(1, 0.25))).toEqual({ status: 'valid', issues: [] });
    expect(messages(taff(2, 0.25))).toEqual([
      ['agreement.measures[0].projects[1]', 'value.low_confidence', `"${spelledOut}" on page 2 (faint print) was read by OCR with a confidence of 85 % (its least sure word, "TAff", at 25 %); check it against the scan.`],
    ]);
    // A word that spells the acronym out is no witness of itself: read unsure, it is the value's least sure word.
    expect(messages(taff(1, 0.25, 'Alleinerziehende'))).toEqual([
      ['agreement.measures[0].projects[1]', 'value.low_confidence', `"${spelledOut}" on page 1 was read by OCR with a confidence of 85 % (its least sure word, "Alleinerziehende", at 30 %); check it against the scan.`],
    ]);
    // An acronym in capitals alone is no witness of a small letter OCR may have lost ("FA" for "FiA").
    const asty = 'ASTY – Ausbildung Soziale Teilhabe You';
    const capitals = { ...taff(1, 0.25), evidence: { ...taff(1, 0.25).evidence, text: asty }, words: asty.split(' ').map((word, index) => ({ text: word, confidence: word === 'ASTY' ? 0.25 : 0.95, page: 2, left: 60 + 40 * index, top: 420 })) };
    expect(messages(capitals, seedLines().map((line) => line.replace('EASY – Entwicklung Ausbildung Soziale Teilhabe You', asty)))).toEqual([
      ['agreement.measures[0].projects[1]', 'value.low_confidence', `"${asty}" on page 1 was read by OCR with a confidence of 85 % (its least sure word, "ASTY", at 25 %); check it against the scan.`],
    ]);
  });

  it('does not doubt a value of a closed list that its reading stands for unmistakably, however unsure OCR was of it, but on faint print', () => {
    // Each value on a line of its own.
    let rows = 0;
    const read = (path: string, page: number, text: string, confidence: number) => {
      const top = 100 + 14 * rows++;
      return {
        evidence: { path, page, box: { left: 0.1, top: 0.1, width: 0.3, height: 0.02 }, source: 'tesseract' as const, confidence, text },
        words: text.split(' ').map((word, index) => ({ text: word, confidence, page, left: 60 + 40 * index, top })),
      };
    };
    const result = validateFindings(extractAgreement(seedLines()), {
      today,
      lowConfidencePages: [],
      unreadPages: [],
      values: [
        read('agreement.measures[0].projects[0]', 1, 'ÜSBZ', 0.38),
        read('agreement.signatures[0].name', 1, 'Heike Hofmamn', 0.35),
        read('agreement.signatures[0].title', 2, 'Staatsministerin', 0.4),
        // Read exactly, but "Kreisbeigeordneter" may have been read one letter short.
        read('agreement.signatures[1].title', 1, 'Kreisbeigeordnete', 0.4),
      ],
      minValueConfidence: 0.7,
      minWordConfidence: 0.5,
      faintPrintPages: [2],
      minFaintPrintWordConfidence: 0.9,
    });
    expect(result.issues.map((issue) => [issue.path, issue.code])).toEqual([
      ['agreement.signatures[0].title', 'value.low_confidence'],
      ['agreement.signatures[1].title', 'value.low_confidence'],
    ]);
  });

  it("takes the words of a listed value as vouched for where another value holds them, and not those beside them nor on faint print", () => {
    const title = 'Zielvereinbarung 2025 zwischen dem Hessischen Ministerium für Arbeit, Integration, Jugend und Soziales und dem Landkreis Main-Taunus-Kreis zur Umsetzung des hessischen Ausbildungs- und Qualifizierungsbudgets';
    const titleWords = title.split(' ');
    const recipientAt = titleWords.indexOf('Main-Taunus-Kreis');
    const placed = (word: string, index: number, confidence: number, page: number) => ({ text: word, confidence, page, left: 40 + 30 * index, top: index < 12 ? 80 : 94 });
    /** The title and the recipient's name, read from the same words on `page`; the title's word `unsure` at 36 %. */
    const values = (unsure: number, page: number) => [
      {
        evidence: { path: 'agreement.title', page, box: { left: 0.1, top: 0.1, width: 0.8, height: 0.04 }, source: 'tesseract' as const, confidence: 0.92, text: title },
        words: titleWords.map((word, index) => placed(word, index, index === unsure ? 0.36 : 0.95, page)),
      },
      {
        evidence: { path: 'agreement.parties[1].name', page, box: { left: 0.5, top: 0.12, width: 0.2, height: 0.02 }, source: 'tesseract' as const, confidence: 0.36, text: 'Main-Taunus-Kreis' },
        words: [placed('Main-Taunus-Kreis', recipientAt, 0.36, page)],
      },
    ];
    const issues = (unsure: number, page: number) =>
      validateFindings(extractAgreement(seedLines()), { today, lowConfidencePages: [], unreadPages: [], values: values(unsure, page), minValueConfidence: 0.7, minWordConfidence: 0.5, faintPrintPages: [2], minFaintPrintWordConfidence: 0.9 }).issues.map(
        (issue) => [issue.path, issue.code],
      );
    expect(issues(recipientAt, 1)).toEqual([]);
    // The word before the name is the title's own.
    expect(issues(recipientAt - 1, 1)).toEqual([['agreement.title', 'value.low_confidence']]);
    // On faint print the list vouches for nothing.
    expect(issues(recipientAt, 2)).toEqual([
      ['agreement.title', 'value.low_confidence'],
      ['agreement.parties[1].name', 'value.low_confidence'],
    ]);
  });

  it('sends a title whose programme was taken as the document writes it elsewhere to review, with the reading', () => {
    const lines = seedLines().map((line) => line.replace('zur Umsetzung des hessischen Ausbildungs- und Qualifizierungsbudgets', 'zur Umsetzung des hessischen Ausbildungs- und Qualifizi jerungsbudgets'));
    const result = validateFindings(extractAgreement(lines), { today, lowConfidencePages: [], unreadPages: [] });
    expect(result.status).toBe('needs_review');
    expect(result.issues.map((issue) => [issue.path, issue.code, issue.message])).toEqual([
      [
        'agreement.title',
        'value.respelled',
        'The title reads "Ausbildungs- und Qualifizi jerungsbudgets", which the document writes "Ausbildungs- und Qualifizierungsbudgets" elsewhere (its programme, named so 6 times); it was taken so; check it against the scan.',
      ],
    ]);
  });

  it('sends a title that names a number besides the budget year to review: its year misread, or another', () => {
    // "20138" at 93 % in a 300 dpi scan (unseen set 36000001): no year, so the budget year came from the text.
    const title = (year: string) => seedLines().map((line) => (line === '2025' ? year : line));
    expect(validate(title('20235')).issues.map((issue) => [issue.path, issue.code, issue.message])).toEqual([
      ['agreement.title', 'title.year_mismatch', 'The title names "20235" besides or instead of the budget year 2025; check it against the scan.'],
    ]);
    expect(validate(title('2025/2026')).issues.map((issue) => [issue.path, issue.code])).toEqual([['agreement.title', 'title.year_mismatch']]);
    // The year alone, with or without a mark after it, is the title's own.
    expect(validate(title('2025:')).status).toBe('valid');
  });

  it('sends a title or name that breaks off mid-phrase to review: a line of it was lost', () => {
    const cut = (from: string, to: string) => validateFindings(extractAgreement(seedLines().map((line) => line.replace(from, to))), { today, lowConfidencePages: [], unreadPages: [] });
    expect(cut('2. Ausbildung und Ausbildungscoaching in anerkannten Ausbildungsberufen', '2. Ausbildung und Ausbildungscoaching in').issues.map((issue) => [issue.path, issue.code, issue.message])).toEqual([
      ['agreement.measures[1].title', 'value.incomplete', '"Ausbildung und Ausbildungscoaching in" breaks off mid-phrase, where no title or name ends: a line of it may have been lost; check it against the scan.'],
    ]);
    expect(cut('Kontext der Arbeitsmarktförderung', 'Kontext der').issues.map((issue) => [issue.path, issue.code])).toEqual([['agreement.measures[3].title', 'value.incomplete']]);
    expect(cut('2. Ausbildung und Ausbildungscoaching in anerkannten Ausbildungsberufen', '2. Ausbildung und Ausbildungscoaching im Land').status).toBe('valid');
  });

  it('sends a title that lacks a phrase inside to review: a line of it was lost', () => {
    const lines = seedLines().filter((line) => line !== 'dem Hessischen Ministerium für Arbeit, Integration, Jugend und Soziales');
    const result = validate(lines);
    expect(result.issues.filter((issue) => issue.code === 'value.incomplete').map((issue) => [issue.path, issue.message])).toEqual([
      [
        'agreement.title',
        '"Zielvereinbarung 2025 zwischen und dem Landkreis Main-Taunus-Kreis zur Umsetzung des hessischen Ausbildungs- und Qualifizierungsbudgets" lacks a phrase inside, where a conjunction follows a word that opens one: a line of it may have been lost; check it against the scan.',
      ],
    ]);
    expect(result.status).toBe('needs_review');
    // A suspended hyphen before "und" opens no phrase; the seed's title has one.
    expect(validate(seedLines()).status).toBe('valid');
  });

  it('sends a project named as a measure type to review: its measure number was lost', () => {
    const lines = seedLines();
    const at = lines.findIndex((line) => line.includes('Zukunftskompass'));
    const result = validateFindings(extractAgreement([...lines.slice(0, at + 1), '- Ausbildungsvorbereitung', ...lines.slice(at + 1)]), { today, lowConfidencePages: [], unreadPages: [] });
    expect(result.issues.map((issue) => [issue.path, issue.code])).toEqual([['agreement.measures[2].projects[1]', 'measure.number_lost']]);
  });

  it('holds each word of a value on a page of faint print to the higher floor, and the others to the usual one', () => {
    // Each value on a line of its own.
    let rows = 0;
    const value = (path: string, page: number, text: string, weakest: number) => {
      const top = 100 + 14 * rows++;
      return {
        evidence: { path, page, box: { left: 0.1, top: 0.1, width: 0.3, height: 0.02 }, source: 'tesseract' as const, confidence: 0.9, text },
        words: text.split(' ').map((word, index) => ({ text: word, confidence: index === 1 ? weakest : 0.95, page, left: 60 + 40 * index, top })),
      };
    };
    const result = validateFindings(extractAgreement(seedLines()), {
      today,
      lowConfidencePages: [],
      unreadPages: [],
      values: [
        value('agreement.measures[0].title', 2, 'Berufliche Onentierung', 0.79),
        value('agreement.measures[1].title', 1, 'Berufliche Onentierung', 0.79),
        value('agreement.measures[2].title', 2, 'Berufliche Orientierung', 0.93),
      ],
      minValueConfidence: 0.7,
      minWordConfidence: 0.5,
      faintPrintPages: [2],
      minFaintPrintWordConfidence: 0.9,
    });
    expect(result.status).toBe('needs_review');
    expect(result.issues.map((issue) => [issue.path, issue.code, issue.message])).toEqual([
      [
        'agreement.measures[0].title',
        'value.low_confidence',
        '"Berufliche Onentierung" on page 2 (faint print) was read by OCR with a confidence of 90 % (its least sure word, "Onentierung", at 79 %); check it against the scan.',
      ],
    ]);
  });
});
